package dev.releaserouter.api.config;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Conversions between traffic percentages and basis points (1 bp = 0.01% = one bucket of 10,000).
 */
public final class Weights {

    /** Buckets in the assignment space; one bucket is one basis point of traffic. */
    public static final int BUCKETS = 10_000;

    /** Most digits after the decimal point a percentage may have (trailing zeros included). */
    public static final int MAX_SCALE = 32;

    /** Most significant digits a percentage may have (trailing zeros included). */
    public static final int MAX_PRECISION = 36;

    /** Longest text of a bad number in an error. */
    private static final int MAX_VALUE_CHARS = 64;

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Weights() {}

    /**
     * Converts a percentage with at most two decimals to basis points.
     *
     * <p>Runs in bounded time and memory whatever the number: the scale and the precision are
     * checked before any arithmetic, so {@code 1e-999999999} is rejected in microseconds rather
     * than expanded to a billion digits. Trailing zeros are allowed ({@code 12.50}), up to
     * {@value #MAX_SCALE} digits after the point.
     *
     * @param percent e.g. {@code 5}, {@code 12.5} or {@code 0.01}
     * @return basis points in {@code [0, 10000]}
     * @throws ConfigException if the percentage is outside [0, 100] or has more than two decimals
     *     (or more than {@value #MAX_SCALE} digits after the point, or more than
     *     {@value #MAX_PRECISION} digits in all); the exception's value is the number's text,
     *     shortened to at most 64 characters
     */
    public static int basisPoints(BigDecimal percent) {
        // Only O(1) checks before the range check: signum, scale and the adjusted exponent
        // (compareTo compares exponents before digits).
        if (percent.signum() == 0) {
            return 0; // 0E+2147483647 too: setScale or movePointRight would overflow the scale
        }
        if (percent.signum() < 0 || percent.compareTo(HUNDRED) > 0) {
            throw new ConfigException("", text(percent),
                    "weight must be between 0 and 100 (percent)");
        }
        if (percent.scale() > MAX_SCALE || percent.precision() > MAX_PRECISION) {
            throw new ConfigException("", text(percent), "weight may have at most two decimals"
                    + " (0.01% granularity) and at most " + MAX_SCALE + " digits after the point");
        }
        BigDecimal bp = percent.movePointRight(2);
        try {
            return bp.setScale(0, RoundingMode.UNNECESSARY).intValueExact();
        } catch (ArithmeticException e) {
            throw new ConfigException("", text(percent),
                    "weight may have at most two decimals (0.01% granularity)");
        }
    }

    /**
     * A number's text for an error message, at most 64 characters and computed in bounded time:
     * plain notation when it is short, else the scientific notation of
     * {@link BigDecimal#toString()} (the plain notation of {@code 1e-999999999} would be a billion
     * characters), shortened with {@code ...}.
     */
    private static String text(BigDecimal number) {
        int scale = number.scale();
        boolean plain = scale >= -MAX_VALUE_CHARS && scale <= MAX_VALUE_CHARS
                && number.unscaledValue().bitLength() <= MAX_VALUE_CHARS * 3;
        String text = plain ? number.toPlainString() : number.toString();
        if (text.length() <= MAX_VALUE_CHARS) {
            return text;
        }
        // Keep the exponent, which says most about a huge or tiny number.
        int e = text.indexOf('E');
        String exponent = e < 0 ? "" : text.substring(e);
        return text.substring(0, MAX_VALUE_CHARS - 3 - exponent.length()) + "..." + exponent;
    }

    /**
     * Converts a percentage with at most two decimals to basis points.
     *
     * @param percent e.g. {@code 5.0} or {@code 12.5}
     * @return basis points in {@code [0, 10000]}
     * @throws ConfigException if the percentage is not finite, outside [0, 100] or has more than
     *     two decimals
     */
    public static int basisPoints(double percent) {
        if (Double.isNaN(percent) || Double.isInfinite(percent)) {
            throw new ConfigException("", percent, "weight must be a finite number");
        }
        // Double.toString gives the shortest decimal that round-trips, so 12.34 stays 12.34.
        return basisPoints(new BigDecimal(Double.toString(percent)).stripTrailingZeros());
    }

    /**
     * Formats basis points as a percentage, e.g. {@code 500 -> "5"}, {@code 1250 -> "12.5"}.
     *
     * @param basisPoints basis points
     * @return the percentage as plain text
     */
    public static String percent(int basisPoints) {
        return BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString();
    }
}

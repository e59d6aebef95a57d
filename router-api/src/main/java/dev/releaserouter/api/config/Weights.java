package dev.releaserouter.api.config;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Conversions between traffic percentages and basis points (1 bp = 0.01% = one bucket of 10,000).
 */
public final class Weights {

    /** Buckets in the assignment space; one bucket is one basis point of traffic. */
    public static final int BUCKETS = 10_000;

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Weights() {}

    /**
     * Converts a percentage with at most two decimals to basis points.
     *
     * @param percent e.g. {@code 5}, {@code 12.5} or {@code 0.01}
     * @return basis points in {@code [0, 10000]}
     * @throws ConfigException if the percentage is outside [0, 100] or has more than two decimals
     */
    public static int basisPoints(BigDecimal percent) {
        if (percent.signum() < 0 || percent.compareTo(HUNDRED) > 0) {
            throw new ConfigException("", percent.toPlainString(),
                    "weight must be between 0 and 100 (percent)");
        }
        BigDecimal bp = percent.movePointRight(2);
        try {
            return bp.setScale(0, RoundingMode.UNNECESSARY).intValueExact();
        } catch (ArithmeticException e) {
            throw new ConfigException("", percent.toPlainString(),
                    "weight may have at most two decimals (0.01% granularity)");
        }
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

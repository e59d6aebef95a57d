package dev.releaserouter.api.config;

import java.math.BigDecimal;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A plain decimal number ({@code -12.50}, {@code 3}, {@code 0.001}) compared exactly with a
 * request's text without allocating: the digits are compared as text, so there is neither a
 * rounding (as with a {@code double}) nor a parse that allocates (as with {@code BigDecimal}).
 *
 * <p>Accepted text: an optional sign, at least one digit, and optionally a point followed by at
 * least one digit; no exponent, no spaces, at most {@value #MAX_LENGTH} characters. Anything else
 * is not a number and compares with nothing. Immutable and thread-safe.
 */
final class DecimalNumber {

    /** Longest number, in characters. */
    static final int MAX_LENGTH = 100;

    private static final Pattern PLAIN = Pattern.compile("[+-]?[0-9]+(\\.[0-9]+)?");

    private final String text;
    private final boolean negative;
    /** Integer digits without leading zeros ({@code ""} for 0). */
    private final String integer;
    /** Fraction digits without trailing zeros ({@code ""} for none). */
    private final String fraction;

    private DecimalNumber(String text, boolean negative, String integer, String fraction) {
        this.text = text;
        this.negative = negative;
        this.integer = integer;
        this.fraction = fraction;
    }

    /**
     * Parses a threshold.
     *
     * @param text e.g. {@code 2.5}
     * @return the number
     * @throws ConfigException if the text is not a plain decimal number (pointer {@code ""})
     */
    static DecimalNumber parse(String text) {
        if (text.length() > MAX_LENGTH || !PLAIN.matcher(text).matches()) {
            throw new ConfigException("", text, "must be a plain decimal number such as 3, -2 or"
                    + " 0.25 (no exponent, at most " + MAX_LENGTH + " characters)");
        }
        String unsigned = text.charAt(0) == '-' || text.charAt(0) == '+' ? text.substring(1)
                : text;
        int point = unsigned.indexOf('.');
        String integer = (point < 0 ? unsigned : unsigned.substring(0, point))
                .replaceFirst("^0+", "");
        String fraction = point < 0 ? "" : unsigned.substring(point + 1).replaceFirst("0+$", "");
        boolean zero = integer.isEmpty() && fraction.isEmpty();
        return new DecimalNumber(text, text.charAt(0) == '-' && !zero, integer, fraction);
    }

    /**
     * Compares a request's value with this number. Allocation-free.
     *
     * @param value the request's text, or null
     * @return the sign of {@code value - this}, or {@link Integer#MIN_VALUE} when the value is
     *     null or not a plain decimal number
     */
    int compareFrom(@Nullable CharSequence value) {
        if (value == null) {
            return Integer.MIN_VALUE;
        }
        int n = value.length();
        if (n == 0 || n > MAX_LENGTH) {
            return Integer.MIN_VALUE;
        }
        // The grammar of PLAIN, scanned by hand so that nothing is allocated.
        int i = 0;
        char first = value.charAt(0);
        if (first == '-' || first == '+') {
            i = 1;
        }
        int digits = i;
        while (i < n && value.charAt(i) == '0') {
            i++;
        }
        int intStart = i;
        while (i < n && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
            i++;
        }
        if (i == digits) {
            return Integer.MIN_VALUE;
        }
        int intEnd = i;
        int fracStart = i;
        int fracEnd = i;
        if (i < n) {
            if (value.charAt(i) != '.') {
                return Integer.MIN_VALUE;
            }
            i++;
            fracStart = i;
            while (i < n && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
                i++;
            }
            if (i == fracStart || i != n) {
                return Integer.MIN_VALUE;
            }
            fracEnd = i;
            while (fracEnd > fracStart && value.charAt(fracEnd - 1) == '0') {
                fracEnd--;
            }
        }
        boolean zero = intStart == intEnd && fracStart == fracEnd;
        boolean valueNegative = first == '-' && !zero;
        if (valueNegative != negative) {
            return valueNegative ? -1 : 1;
        }
        int magnitude = compareMagnitude(value, intStart, intEnd, fracStart, fracEnd);
        return negative ? -magnitude : magnitude;
    }

    private int compareMagnitude(CharSequence v, int intStart, int intEnd, int fracStart,
            int fracEnd) {
        int r = Integer.compare(intEnd - intStart, integer.length());
        for (int k = 0; r == 0 && k < integer.length(); k++) {
            r = Character.compare(v.charAt(intStart + k), integer.charAt(k));
        }
        if (r != 0) {
            return Integer.signum(r);
        }
        int vf = fracEnd - fracStart;
        int len = Math.min(vf, fraction.length());
        for (int k = 0; k < len; k++) {
            r = Character.compare(v.charAt(fracStart + k), fraction.charAt(k));
            if (r != 0) {
                return Integer.signum(r);
            }
        }
        // Trailing zeros are gone, so the longer fraction has a non-zero digit more.
        return Integer.compare(vf, fraction.length());
    }

    /** @return the exact value */
    BigDecimal toBigDecimal() {
        return new BigDecimal(text);
    }

    /** @return the number as written */
    @Override
    public String toString() {
        return text;
    }
}

package dev.releaserouter.stats.internal;

/**
 * Argument checks that throw {@link IllegalArgumentException} naming the argument and the value,
 * e.g. {@code "alpha must be in (0, 1), but was 1.5"}.
 */
public final class Checks {

    private Checks() {}

    /**
     * Checks {@code value >= 0}.
     *
     * @param name the argument's name
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException if the value is negative
     */
    public static long nonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, but was " + value);
        }
        return value;
    }

    /**
     * Checks {@code value > 0}.
     *
     * @param name the argument's name
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException if the value is not a finite positive number
     */
    public static double positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(
                    name + " must be a finite number > 0, but was " + value);
        }
        return value;
    }

    /**
     * Checks {@code value >= 0} and finite.
     *
     * @param name the argument's name
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException if the value is negative, NaN or infinite
     */
    public static double nonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(
                    name + " must be a finite number >= 0, but was " + value);
        }
        return value;
    }

    /**
     * Checks that the value is neither NaN nor infinite.
     *
     * @param name the argument's name
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException if the value is NaN or infinite
     */
    public static double finite(String name, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, but was " + value);
        }
        return value;
    }

    /**
     * Checks {@code 0 < value < 1}, as for a significance level, a power or a confidence level.
     *
     * @param name the argument's name
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException if the value is outside the open interval (0, 1)
     */
    public static double openUnit(String name, double value) {
        if (!(value > 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1), but was " + value);
        }
        return value;
    }

    /**
     * Checks {@code 0 <= value <= 1}, as for a p-value or a rate.
     *
     * @param name the argument's name
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException if the value is outside [0, 1] or NaN
     */
    public static double closedUnit(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], but was " + value);
        }
        return value;
    }

    /**
     * Checks that the successes fit in the trials: {@code 0 <= successes <= trials}.
     *
     * @param name the name of the successes argument, e.g. {@code "conversions"}
     * @param successes the successes
     * @param trialsName the name of the trials argument, e.g. {@code "n"}
     * @param trials the trials (already checked to be non-negative)
     * @throws IllegalArgumentException if successes is negative or greater than trials
     */
    public static void atMost(String name, long successes, String trialsName, long trials) {
        nonNegative(name, successes);
        if (successes > trials) {
            throw new IllegalArgumentException(name + " must be <= " + trialsName + " (" + trials
                    + "), but was " + successes);
        }
    }
}

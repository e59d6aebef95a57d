package dev.releaserouter.stats;

/**
 * A closed interval {@code [lower, upper]}, e.g. a confidence interval. Either bound may be
 * infinite: {@link #unbounded()} is the answer when the data cannot bound a quantity.
 *
 * <p>Immutable and thread-safe.
 *
 * @param lower the lower bound, {@code <= upper}
 * @param upper the upper bound
 */
public record Interval(double lower, double upper) {

    private static final Interval UNBOUNDED =
            new Interval(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    /**
     * Creates an interval.
     *
     * @param lower as described on the record
     * @param upper as described on the record
     * @throws IllegalArgumentException if a bound is NaN or {@code lower > upper}
     */
    public Interval {
        if (Double.isNaN(lower) || Double.isNaN(upper) || lower > upper) {
            throw new IllegalArgumentException("interval must have lower <= upper, but was ["
                    + lower + ", " + upper + "]");
        }
    }

    /**
     * The interval {@code (-infinity, +infinity)}: nothing is known.
     *
     * @return the unbounded interval
     */
    public static Interval unbounded() {
        return UNBOUNDED;
    }

    /**
     * The symmetric interval {@code center +- halfWidth}, or {@link #unbounded()} when a bound
     * cannot be computed (a NaN input, or an infinite center with an infinite half width).
     *
     * @param center the center
     * @param halfWidth the half width, {@code >= 0}
     * @return the interval
     */
    static Interval around(double center, double halfWidth) {
        double lower = center - halfWidth;
        double upper = center + halfWidth;
        if (Double.isNaN(lower) || Double.isNaN(upper)) {
            return UNBOUNDED;
        }
        return new Interval(lower, upper);
    }

    /**
     * Whether the value lies in the interval, bounds included.
     *
     * @param value a value
     * @return {@code lower <= value <= upper}
     */
    public boolean contains(double value) {
        return lower <= value && value <= upper;
    }

    /**
     * Whether every value of the interval is above 0.
     *
     * @return {@code lower > 0}
     */
    public boolean isAboveZero() {
        return lower > 0;
    }

    /**
     * Whether every value of the interval is below 0.
     *
     * @return {@code upper < 0}
     */
    public boolean isBelowZero() {
        return upper < 0;
    }

    /**
     * The width {@code upper - lower}.
     *
     * @return the width, infinite for an unbounded interval
     */
    public double width() {
        return upper - lower;
    }
}

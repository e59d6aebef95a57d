package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;

/**
 * A minimum detectable effect: an absolute difference in the metric's units (0.01 = one
 * percentage point for a conversion rate) or a relative one (0.05 = 5% of the baseline).
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the effect's size, positive
 * @param relative whether the value is a fraction of the baseline
 */
public record Effect(double value, boolean relative) {

    /**
     * Creates an effect.
     *
     * @param value as described on the record
     * @param relative as described on the record
     * @throws IllegalArgumentException if the value is not a finite positive number
     */
    public Effect {
        Checks.positive(relative ? "relative effect" : "absolute effect", value);
    }

    /**
     * An absolute effect, in the metric's units.
     *
     * @param value e.g. 0.01 for one percentage point
     * @return the effect
     * @throws IllegalArgumentException if the value is not a finite positive number
     */
    public static Effect absolute(double value) {
        return new Effect(value, false);
    }

    /**
     * A relative effect, as a fraction of the baseline.
     *
     * @param fraction e.g. 0.05 for +5%
     * @return the effect
     * @throws IllegalArgumentException if the fraction is not a finite positive number
     */
    public static Effect relative(double fraction) {
        return new Effect(fraction, true);
    }

    /**
     * The effect in the metric's units for the given baseline: {@code value * |baseline|} for a
     * relative effect, {@code value} otherwise.
     *
     * @param baseline the control's (expected) mean or rate
     * @return the absolute difference
     */
    public double absoluteFor(double baseline) {
        return relative ? value * Math.abs(baseline) : value;
    }
}

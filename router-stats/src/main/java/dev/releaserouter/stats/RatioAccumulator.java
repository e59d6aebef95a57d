package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;

/**
 * Collects the units of a ratio metric one at a time (a numerator and a denominator per unit,
 * e.g. an entity's errors and requests) with Welford's update extended to the cross moment, and
 * hands out immutable {@link RatioSummary} snapshots.
 *
 * <p><b>Not thread-safe</b>: give each thread its own accumulator and
 * {@linkplain RatioSummary#merge(RatioSummary) merge} the snapshots, or guard it with a lock.
 */
public final class RatioAccumulator {

    private long n;
    private double meanX;
    private double meanY;
    private double sxx;
    private double syy;
    private double sxy;

    /** Creates an empty accumulator. */
    public RatioAccumulator() {}

    /**
     * Records one unit. Add each unit once, with its totals: a unit is the independent draw of
     * the delta method.
     *
     * @param numerator the unit's {@code x}, e.g. its errors, finite
     * @param denominator the unit's {@code y}, e.g. its requests, finite
     * @return this accumulator
     * @throws IllegalArgumentException if a value is NaN or infinite
     */
    public RatioAccumulator add(double numerator, double denominator) {
        Checks.finite("numerator", numerator);
        Checks.finite("denominator", denominator);
        n++;
        double dx = numerator - meanX;
        double dy = denominator - meanY;
        meanX += dx / n;
        meanY += dy / n;
        // Old deviation times new deviation: no cancellation (Welford; Pebay 2008 for S_xy).
        sxx += dx * (numerator - meanX);
        syy += dy * (denominator - meanY);
        sxy += dx * (denominator - meanY);
        return this;
    }

    /**
     * A snapshot of the units recorded so far.
     *
     * @return an immutable summary
     */
    public RatioSummary toSummary() {
        return RatioSummary.of(n, meanX, meanY, sxx, syy, sxy);
    }
}

package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;

/**
 * Collects the observations of one arm one at a time with Welford's update (Welford 1962;
 * Knuth, TAOCP vol. 2, 4.2.2) and hands out immutable {@link ArmSummary} snapshots.
 *
 * <p><b>Not thread-safe</b>: give each thread (or each window) its own accumulator and
 * {@linkplain ArmSummary#merge(ArmSummary) merge} the snapshots, or guard it with a lock.
 */
public final class ArmAccumulator {

    private long n;
    private double mean;
    private double m2;
    private long conversions;

    /** Creates an empty accumulator. */
    public ArmAccumulator() {}

    /**
     * Records one value of a continuous metric, not converted.
     *
     * @param value a finite value
     * @return this accumulator
     * @throws IllegalArgumentException if the value is NaN or infinite
     */
    public ArmAccumulator add(double value) {
        return add(value, false);
    }

    /**
     * Records one unit with its metric value and whether it converted.
     *
     * @param value a finite value
     * @param converted whether the unit converted
     * @return this accumulator
     * @throws IllegalArgumentException if the value is NaN or infinite
     */
    public ArmAccumulator add(double value, boolean converted) {
        Checks.finite("value", value);
        n++;
        double delta = value - mean;
        mean += delta / n;
        // Welford: uses the old and the new deviation, so no catastrophic cancellation.
        m2 += delta * (value - mean);
        if (converted) {
            conversions++;
        }
        return this;
    }

    /**
     * Records one unit of a conversion metric: value 1 if it converted, 0 otherwise.
     *
     * @param converted whether the unit converted
     * @return this accumulator
     */
    public ArmAccumulator addConversion(boolean converted) {
        return add(converted ? 1 : 0, converted);
    }

    /**
     * Records everything a summary holds, as if its observations had been added here.
     *
     * @param summary the summary to fold in
     * @return this accumulator
     */
    public ArmAccumulator addAll(ArmSummary summary) {
        ArmSummary merged = toSummary().merge(summary);
        n = merged.n();
        mean = n == 0 ? 0 : merged.mean();
        m2 = merged.sumOfSquaredDeviations();
        conversions = merged.conversions();
        return this;
    }

    /**
     * A snapshot of what has been recorded so far.
     *
     * @return an immutable summary
     */
    public ArmSummary toSummary() {
        return ArmSummary.of(n, mean, m2, conversions);
    }
}

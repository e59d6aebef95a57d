package dev.releaserouter.api.shadow;

/**
 * Numeric differences (candidate score minus stable score) of a candidate's shadow comparisons:
 * how many there were, their mean and extremes over all of them, and the 5th, 50th and 95th
 * percentiles (R type 7) of the most recent ones.
 *
 * <p>Only exists when there was at least one delta, so every statistic is a finite number.
 * Immutable and thread-safe.
 *
 * @param count deltas seen, at least 1
 * @param mean their mean
 * @param min the smallest
 * @param max the largest
 * @param p05 the 5th percentile of the most recent deltas
 * @param p50 the median of the most recent deltas
 * @param p95 the 95th percentile of the most recent deltas
 */
public record ScoreDeltas(
        long count, double mean, double min, double max, double p05, double p50, double p95) {

    /**
     * @throws IllegalArgumentException if {@code count < 1}, a statistic is NaN or infinite, or
     *     {@code min > max}
     */
    public ScoreDeltas {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, but was " + count);
        }
        finite("mean", mean);
        finite("min", min);
        finite("max", max);
        finite("p05", p05);
        finite("p50", p50);
        finite("p95", p95);
        if (min > max) {
            throw new IllegalArgumentException("min must be <= max, but were " + min + ", " + max);
        }
    }

    private static void finite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite, but was " + v);
        }
    }
}

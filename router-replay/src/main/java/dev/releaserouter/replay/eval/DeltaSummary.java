package dev.releaserouter.replay.eval;

import dev.releaserouter.stats.Quantiles;
import java.util.Arrays;

/**
 * The distribution of score deltas ({@code candidate - stable}) over the comparisons that had
 * one. Immutable and thread-safe.
 *
 * <p>{@link #of(double[])} computes the mean and exact quantiles by R's type 7 (linear
 * interpolation between order statistics, {@code h = (n - 1) p}).
 *
 * @param n how many deltas, {@code >= 0}
 * @param mean their mean; NaN when {@code n} is 0
 * @param min the smallest; NaN when {@code n} is 0
 * @param max the largest; NaN when {@code n} is 0
 * @param p05 the 5th percentile; NaN when {@code n} is 0
 * @param p50 the median; NaN when {@code n} is 0
 * @param p95 the 95th percentile; NaN when {@code n} is 0
 */
public record DeltaSummary(
        long n, double mean, double min, double max, double p05, double p50, double p95) {

    /** No deltas: n 0 and NaN everywhere else. */
    public static final DeltaSummary EMPTY = new DeltaSummary(0, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /**
     * Creates a summary.
     *
     * @param n as described on the record
     * @param mean as described on the record
     * @param min as described on the record
     * @param max as described on the record
     * @param p05 as described on the record
     * @param p50 as described on the record
     * @param p95 as described on the record
     * @throws IllegalArgumentException if n is negative, or a statistic is infinite, or NaN
     *     although n is positive
     */
    public DeltaSummary {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, but was " + n);
        }
        check("mean", mean, n);
        check("min", min, n);
        check("max", max, n);
        check("p05", p05, n);
        check("p50", p50, n);
        check("p95", p95, n);
    }

    /**
     * Summarizes deltas.
     *
     * @param deltas the deltas, finite; not modified
     * @return their summary, or {@link #EMPTY} for an empty array
     * @throws IllegalArgumentException if a delta is not finite
     */
    public static DeltaSummary of(double[] deltas) {
        if (deltas.length == 0) {
            return EMPTY;
        }
        double[] sorted = deltas.clone();
        double mean = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (!Double.isFinite(sorted[i])) {
                throw new IllegalArgumentException(
                        "delta must be finite, but deltas[" + i + "] was " + sorted[i]);
            }
            mean += (sorted[i] - mean) / (i + 1); // running mean: no overflow of a sum
        }
        Arrays.sort(sorted);
        return new DeltaSummary(sorted.length, mean, sorted[0],
                sorted[sorted.length - 1], Quantiles.type7Sorted(sorted, 0.05),
                Quantiles.type7Sorted(sorted, 0.50), Quantiles.type7Sorted(sorted, 0.95));
    }

    private static void check(String name, double v, long n) {
        if (Double.isNaN(v) ? n > 0 : Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite (NaN only when n is 0),"
                    + " but was " + v + " with n " + n);
        }
    }
}

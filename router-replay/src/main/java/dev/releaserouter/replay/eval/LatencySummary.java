package dev.releaserouter.replay.eval;

import dev.releaserouter.stats.Quantiles;
import java.util.Arrays;

/**
 * Latency quantiles of one version's calls, in milliseconds. Immutable and thread-safe.
 *
 * <p>{@link #ofNanos(long[])} computes exact quantiles of the sample by R's type 7 (linear
 * interpolation between order statistics, {@code h = (n - 1) p}); quantiles taken elsewhere
 * (e.g. from a Micrometer timer) may be given directly.
 *
 * @param count how many calls the quantiles describe, {@code >= 0}
 * @param p50Ms the median, ms; NaN when {@code count} is 0
 * @param p95Ms the 95th percentile, ms; NaN when {@code count} is 0
 * @param p99Ms the 99th percentile, ms; NaN when {@code count} is 0
 */
public record LatencySummary(long count, double p50Ms, double p95Ms, double p99Ms) {

    /** No calls: count 0 and NaN quantiles. */
    public static final LatencySummary EMPTY =
            new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN);

    /**
     * Creates a summary.
     *
     * @param count as described on the record
     * @param p50Ms as described on the record
     * @param p95Ms as described on the record
     * @param p99Ms as described on the record
     * @throws IllegalArgumentException if the count is negative, a quantile is negative or
     *     infinite, or a quantile is NaN although the count is positive
     */
    public LatencySummary {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, but was " + count);
        }
        check("p50Ms", p50Ms, count);
        check("p95Ms", p95Ms, count);
        check("p99Ms", p99Ms, count);
    }

    /**
     * Summarizes latencies given in nanoseconds.
     *
     * @param nanos the latencies, each {@code >= 0}; not modified
     * @return their type-7 quantiles in ms, or {@link #EMPTY} for an empty array
     * @throws IllegalArgumentException if a latency is negative
     */
    public static LatencySummary ofNanos(long[] nanos) {
        if (nanos.length == 0) {
            return EMPTY;
        }
        double[] ms = new double[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            if (nanos[i] < 0) {
                throw new IllegalArgumentException(
                        "latency must be >= 0 ns, but nanos[" + i + "] was " + nanos[i]);
            }
            ms[i] = nanos[i] / 1e6;
        }
        return ofMillis(ms);
    }

    /** Summarizes latencies in ms, each finite and {@code >= 0}; sorts the array in place. */
    static LatencySummary ofMillis(double[] ms) {
        if (ms.length == 0) {
            return EMPTY;
        }
        Arrays.sort(ms);
        return new LatencySummary(ms.length, Quantiles.type7Sorted(ms, 0.50),
                Quantiles.type7Sorted(ms, 0.95), Quantiles.type7Sorted(ms, 0.99));
    }

    private static void check(String name, double v, long count) {
        if (Double.isNaN(v) ? count > 0 : !(v >= 0 && v < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0 (NaN only"
                    + " when count is 0), but was " + v + " with count " + count);
        }
    }
}

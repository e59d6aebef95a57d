package dev.releaserouter.api.shadow;

import java.time.Duration;
import java.util.Objects;

/**
 * The 50th, 95th and 99th percentiles of a set of call latencies.
 *
 * <p>Immutable and thread-safe.
 *
 * @param p50 the median latency; never null, never negative
 * @param p95 the 95th percentile; never null, at least {@code p50}
 * @param p99 the 99th percentile; never null, at least {@code p95}
 */
public record LatencyPercentiles(Duration p50, Duration p95, Duration p99) {

    /**
     * @throws NullPointerException if a percentile is null
     * @throws IllegalArgumentException if a percentile is negative or they are not in order
     */
    public LatencyPercentiles {
        Objects.requireNonNull(p50, "p50");
        Objects.requireNonNull(p95, "p95");
        Objects.requireNonNull(p99, "p99");
        if (p50.isNegative()) {
            throw new IllegalArgumentException("p50 must not be negative, but was " + p50);
        }
        if (p95.compareTo(p50) < 0 || p99.compareTo(p95) < 0) {
            throw new IllegalArgumentException("percentiles must be in order p50 <= p95 <= p99,"
                    + " but were " + p50 + ", " + p95 + ", " + p99);
        }
    }

    /**
     * Percentiles given in nanoseconds.
     *
     * @param p50 the median, ns
     * @param p95 the 95th percentile, ns
     * @param p99 the 99th percentile, ns
     * @return the percentiles
     * @throws IllegalArgumentException if a percentile is negative or they are not in order
     */
    public static LatencyPercentiles ofNanos(long p50, long p95, long p99) {
        return new LatencyPercentiles(
                Duration.ofNanos(p50), Duration.ofNanos(p95), Duration.ofNanos(p99));
    }
}

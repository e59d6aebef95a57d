package dev.releaserouter.core.shadow.internal;

import dev.releaserouter.api.shadow.LatencyPercentiles;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * A lock-free latency histogram with two significant decimal digits, from 0 up to a fixed
 * highest value: the bucket layout and percentile rule of HdrHistogram's {@code
 * ConcurrentHistogram(highest, 2)} (256 sub-buckets, each bucket doubling the resolution of the
 * one before; a percentile is the highest value equivalent to the bucket holding it), which this
 * class replaces so that router-core needs no histogram library.
 *
 * <p>Design: one {@link AtomicLongArray} of counts; a record is one {@code incrementAndGet}.
 * Readers copy the counts first, so a percentile is computed over one self-consistent copy even
 * while writers record (a copy may miss records made during it, never invent any).
 */
final class LatencyHistogram {

    /** Sub-buckets per bucket: 2^8, the least power of two of at least 2 * 10^2. */
    private static final int SUB_BUCKET_COUNT_MAGNITUDE = 8;
    private static final int SUB_BUCKET_HALF_COUNT_MAGNITUDE = SUB_BUCKET_COUNT_MAGNITUDE - 1;
    private static final int SUB_BUCKET_COUNT = 1 << SUB_BUCKET_COUNT_MAGNITUDE;
    private static final int SUB_BUCKET_HALF_COUNT = SUB_BUCKET_COUNT / 2;
    private static final long SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
    private static final int LEADING_ZERO_COUNT_BASE = 64 - SUB_BUCKET_COUNT_MAGNITUDE;

    private final long highest;
    private final AtomicLongArray counts;

    /**
     * @param highest the highest value to record, at least 2
     */
    LatencyHistogram(long highest) {
        if (highest < 2) {
            throw new IllegalArgumentException("highest must be >= 2, but was " + highest);
        }
        this.highest = highest;
        long smallestUntrackable = SUB_BUCKET_COUNT;
        int buckets = 1;
        while (smallestUntrackable <= highest) {
            if (smallestUntrackable > Long.MAX_VALUE / 2) {
                buckets++;
                break;
            }
            smallestUntrackable <<= 1;
            buckets++;
        }
        this.counts = new AtomicLongArray((buckets + 1) * SUB_BUCKET_HALF_COUNT);
    }

    /**
     * @param value a value from 0 to the highest value
     * @throws IndexOutOfBoundsException if it is outside that range
     */
    void record(long value) {
        if (value < 0 || value > highest) {
            throw new IndexOutOfBoundsException("value must be between 0 and " + highest
                    + ", but was " + value);
        }
        counts.incrementAndGet(index(value));
    }

    /**
     * @param percentiles e.g. 50, 95, 99
     * @return the value at each percentile (0 for each if nothing was recorded)
     */
    long[] percentiles(double... percentiles) {
        long[] copy = copyCounts();
        long total = total(copy);
        long[] out = new long[percentiles.length];
        if (total == 0) {
            return out;
        }
        for (int p = 0; p < percentiles.length; p++) {
            out[p] = valueAtPercentile(copy, total, percentiles[p]);
        }
        return out;
    }

    /**
     * @return the 50th, 95th and 99th percentiles (of one copy of the counts), or null if
     *     nothing was recorded
     */
    @Nullable LatencyPercentiles latencyPercentiles() {
        long[] copy = copyCounts();
        long total = total(copy);
        if (total == 0) {
            return null;
        }
        return LatencyPercentiles.ofNanos(valueAtPercentile(copy, total, 50),
                valueAtPercentile(copy, total, 95), valueAtPercentile(copy, total, 99));
    }

    private long[] copyCounts() {
        long[] copy = new long[counts.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = counts.get(i);
        }
        return copy;
    }

    private static long total(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }

    private static long valueAtPercentile(long[] counts, long total, double percentile) {
        double requested = Math.min(Math.max(Math.nextAfter(percentile,
                Double.NEGATIVE_INFINITY), 0), 100);
        long countAtPercentile = Math.max((long) Math.ceil(requested * total / 100), 1);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= countAtPercentile) {
                long value = valueFromIndex(i);
                return percentile == 0.0 ? lowestEquivalent(value) : highestEquivalent(value);
            }
        }
        return 0;
    }

    private static int bucketIndex(long value) {
        return LEADING_ZERO_COUNT_BASE - Long.numberOfLeadingZeros(value | SUB_BUCKET_MASK);
    }

    private static int index(long value) {
        int bucket = bucketIndex(value);
        int subBucket = (int) (value >>> bucket);
        return ((bucket + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (subBucket
                - SUB_BUCKET_HALF_COUNT);
    }

    private static long valueFromIndex(int index) {
        int bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
        int subBucket = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
        if (bucket < 0) {
            subBucket -= SUB_BUCKET_HALF_COUNT;
            bucket = 0;
        }
        return ((long) subBucket) << bucket;
    }

    private static long lowestEquivalent(long value) {
        int bucket = bucketIndex(value);
        return (value >>> bucket) << bucket;
    }

    private static long highestEquivalent(long value) {
        int bucket = bucketIndex(value);
        long subBucket = value >>> bucket;
        int shift = subBucket >= SUB_BUCKET_COUNT ? bucket + 1 : bucket;
        return lowestEquivalent(value) + (1L << shift) - 1;
    }
}

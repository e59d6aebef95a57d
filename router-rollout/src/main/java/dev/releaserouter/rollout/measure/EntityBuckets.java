package dev.releaserouter.rollout.measure;

import dev.releaserouter.api.spi.WindowSummary;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One window's per-entity-bucket totals of one arm, for the delta method: each entity key is
 * hashed into one of {@code B} buckets ({@link #bucketOf(String, int)}), and per bucket the
 * window keeps requests and errors, and (once a call reports them) scored calls and their score
 * sum, costed calls and their cost sum. A bucket is a cluster of whole entities, the same in
 * every window and on every instance, so buckets merge by adding and the delta method runs over
 * buckets as its units (docs/measurements.md, "Entity buckets").
 *
 * <p>Design (concurrency): lock-free. Counts are {@link AtomicLongArray} increments; a double
 * sum is a compare-and-set loop on the value's bits in an {@link AtomicLongArray} (contention is
 * spread over the buckets). The arrays for scores and costs, rarely reported, are created on
 * first use by one compare-and-set ({@link #extras}); a losing writer uses the winner's.
 * Readers read while writers may still add, as for the rest of the window.
 */
final class EntityBuckets {

    /** Default number of buckets. */
    static final int DEFAULT_BUCKETS = 128;

    /** Summary names: {@code entity.<B>.requests} etc. (histograms bucket -> count). */
    static final String PREFIX = "entity.";
    static final String REQUESTS = ".requests";
    static final String ERRORS = ".errors";
    static final String SCORE_COUNT = ".score_count";
    static final String COST_CALLS = ".cost_calls";
    /** Summary names of per-bucket sums: {@code entity.<B>.score.<bucket>}, {@code .cost.}. */
    static final String SCORE_SUM = ".score.";
    static final String COST_SUM = ".cost.";

    /**
     * Mixes the key's hash with this salt, so that buckets are independent of the router's
     * assignment (another hash of the same key): a bucket must hold entities of every arm.
     */
    private static final long SALT = 0x5bd1e9955bd1e995L;

    private final int buckets;
    final AtomicLongArray requests;
    final AtomicLongArray errors;
    private final AtomicReference<Extras> extras = new AtomicReference<>();

    /** Scores and costs per bucket, created when a call first reports one. */
    static final class Extras {
        final AtomicLongArray scoreCount;
        final AtomicLongArray scoreSum;
        final AtomicLongArray costCalls;
        final AtomicLongArray costSum;

        Extras(int buckets) {
            scoreCount = new AtomicLongArray(buckets);
            scoreSum = new AtomicLongArray(buckets);
            costCalls = new AtomicLongArray(buckets);
            costSum = new AtomicLongArray(buckets);
        }
    }

    /**
     * @param buckets a power of two
     */
    EntityBuckets(int buckets) {
        this.buckets = buckets;
        this.requests = new AtomicLongArray(buckets);
        this.errors = new AtomicLongArray(buckets);
    }

    /**
     * The bucket of an entity key: a wire contract (every instance of a fleet must agree, and
     * it must never change; golden vectors in the tests). {@link String#hashCode()} (specified
     * by the Java Language Specification, so the same on every JVM) mixed with a salt by the
     * 64-bit finalizer of MurmurHash3, its low bits.
     *
     * @param entityKey the key
     * @param buckets a power of two
     * @return the bucket in {@code [0, buckets)}
     */
    static int bucketOf(String entityKey, int buckets) {
        long h = entityKey.hashCode() ^ SALT;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) (h & (buckets - 1));
    }

    /** @return the number of buckets */
    int buckets() {
        return buckets;
    }

    /**
     * Records one call of an entity in its bucket. Lock-free, allocation-free (but for the
     * first score or cost of the window).
     *
     * @param bucket the entity's bucket
     * @param error whether the call failed
     * @param cost its cost, NaN if unknown
     * @param score its score, NaN if unknown
     */
    void record(int bucket, boolean error, double cost, double score) {
        requests.incrementAndGet(bucket);
        if (error) {
            errors.incrementAndGet(bucket);
        }
        boolean hasCost = Double.isFinite(cost);
        boolean hasScore = Double.isFinite(score);
        if (hasCost || hasScore) {
            Extras e = extras();
            if (hasCost) {
                e.costCalls.incrementAndGet(bucket);
                add(e.costSum, bucket, cost);
            }
            if (hasScore) {
                e.scoreCount.incrementAndGet(bucket);
                add(e.scoreSum, bucket, score);
            }
        }
    }

    private Extras extras() {
        Extras e = extras.get();
        if (e == null) {
            extras.compareAndSet(null, new Extras(buckets));
            e = extras.get();
        }
        return e;
    }

    private static void add(AtomicLongArray sums, int i, double value) {
        while (true) {
            long bits = sums.get(i);
            long next = Double.doubleToRawLongBits(Double.longBitsToDouble(bits) + value);
            if (sums.compareAndSet(i, bits, next)) {
                return;
            }
        }
    }

    private static double sum(AtomicLongArray sums, int i) {
        return Double.longBitsToDouble(sums.get(i));
    }

    /**
     * Adds this window's buckets into a merge buffer.
     *
     * @param into the buffer
     */
    void mergeInto(EntityTotals into) {
        int mask = into.maskFor(buckets);
        Extras e = extras.get();
        for (int b = 0; b < buckets; b++) {
            long n = requests.get(b);
            if (n == 0) {
                continue;
            }
            int to = b & mask;
            into.requests[to] += n;
            into.errors[to] += errors.get(b);
            if (e != null) {
                into.scoreCount[to] += e.scoreCount.get(b);
                into.scoreSum[to] += sum(e.scoreSum, b);
                into.costCalls[to] += e.costCalls.get(b);
                into.costSum[to] += sum(e.costSum, b);
            }
        }
    }

    /**
     * Writes the non-empty buckets into a window summary's maps: histograms
     * {@code entity.<B>.requests}, {@code .errors}, {@code .score_count}, {@code .cost_calls}
     * (bucket to count) and sums {@code entity.<B>.score.<bucket>}, {@code .cost.<bucket>}.
     *
     * @param sums the summary's sums
     * @param histograms the summary's histograms
     */
    void writeTo(Map<String, Double> sums, Map<String, SortedMap<Long, Long>> histograms) {
        String prefix = PREFIX + buckets;
        SortedMap<Long, Long> req = new TreeMap<>();
        SortedMap<Long, Long> err = new TreeMap<>();
        SortedMap<Long, Long> scored = new TreeMap<>();
        SortedMap<Long, Long> costed = new TreeMap<>();
        Extras e = extras.get();
        for (int b = 0; b < buckets; b++) {
            long n = requests.get(b);
            if (n == 0) {
                continue;
            }
            req.put((long) b, n);
            putIfPositive(err, b, errors.get(b));
            if (e != null) {
                if (putIfPositive(scored, b, e.scoreCount.get(b))) {
                    sums.put(prefix + SCORE_SUM + b, sum(e.scoreSum, b));
                }
                if (putIfPositive(costed, b, e.costCalls.get(b))) {
                    sums.put(prefix + COST_SUM + b, sum(e.costSum, b));
                }
            }
        }
        if (req.isEmpty()) {
            return;
        }
        histograms.put(prefix + REQUESTS, req);
        histograms.put(prefix + ERRORS, err);
        if (!scored.isEmpty()) {
            histograms.put(prefix + SCORE_COUNT, scored);
        }
        if (!costed.isEmpty()) {
            histograms.put(prefix + COST_CALLS, costed);
        }
    }

    private static boolean putIfPositive(SortedMap<Long, Long> into, int bucket, long count) {
        if (count > 0) {
            into.put((long) bucket, count);
            return true;
        }
        return false;
    }

    /**
     * Adds a summary's entity buckets (written by {@link #writeTo}, any bucket count; unknown
     * names are ignored) into a merge buffer.
     *
     * @param s the summary
     * @param into the buffer
     */
    static void mergeSummary(WindowSummary s, EntityTotals into) {
        for (Map.Entry<String, SortedMap<Long, Long>> h : s.histograms().entrySet()) {
            String name = h.getKey();
            if (!name.startsWith(PREFIX) || !name.endsWith(REQUESTS)) {
                continue;
            }
            String count = name.substring(PREFIX.length(), name.length() - REQUESTS.length());
            int buckets;
            try {
                buckets = Integer.parseInt(count);
            } catch (NumberFormatException notOurs) {
                continue;
            }
            if (buckets <= 0 || Integer.bitCount(buckets) != 1) {
                continue;
            }
            String prefix = PREFIX + count;
            int mask = into.maskFor(buckets);
            SortedMap<Long, Long> err = s.histograms().getOrDefault(prefix + ERRORS,
                    EMPTY);
            SortedMap<Long, Long> scored = s.histograms().getOrDefault(prefix + SCORE_COUNT,
                    EMPTY);
            SortedMap<Long, Long> costed = s.histograms().getOrDefault(prefix + COST_CALLS,
                    EMPTY);
            for (Map.Entry<Long, Long> b : h.getValue().entrySet()) {
                long key = b.getKey();
                if (key < 0 || key >= buckets) {
                    continue;
                }
                int to = (int) key & mask;
                into.requests[to] += b.getValue();
                into.errors[to] += err.getOrDefault(key, 0L);
                long sc = scored.getOrDefault(key, 0L);
                if (sc > 0) {
                    into.scoreCount[to] += sc;
                    into.scoreSum[to] += s.sum(prefix + SCORE_SUM + key);
                }
                long cc = costed.getOrDefault(key, 0L);
                if (cc > 0) {
                    into.costCalls[to] += cc;
                    into.costSum[to] += s.sum(prefix + COST_SUM + key);
                }
            }
        }
    }

    private static final SortedMap<Long, Long> EMPTY = new TreeMap<>();
}

package dev.releaserouter.rollout.measure;

import dev.releaserouter.api.spi.WindowSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * What one (model, version) recorded in one tumbling window.
 *
 * <p>Design (concurrency): every field is a lock-free accumulator ({@link LongAdder},
 * {@link DoubleAdder}, {@link AtomicLongArray}, HdrHistogram's {@link AtomicHistogram}), so
 * any number of threads record without locks. Readers merge while writers may still add: a
 * snapshot sees each call either entirely or, for a call recorded at the same instant, possibly
 * only some of its fields; the request count is always exact once writers are done. Outcome
 * metrics are created on first use through {@link ConcurrentHashMap#computeIfAbsent}.
 *
 * <p>Closing (so that a closed window is summarized exactly once, with every call recorded into
 * it): {@code state} counts the writers inside the window (times 2) and has a closed bit (1). A
 * writer {@link #enter()}s (adds 2; if the bit was set it backs out and records elsewhere),
 * records, and {@link #exit()}s (subtracts 2). {@link #close()} sets the bit. Whichever of these
 * moves the state to exactly "closed, no writer" (1) hands the window to {@code onClosed}, once
 * ({@code published} guards it): from then on nobody records into it, so its figures are final.
 * No one waits for anyone: the last writer out does the hand-over.
 */
final class ArmWindow {

    /** Number of score histogram bins over [0, 1]. */
    public static final int SCORE_BINS = 20;

    /**
     * Latency histograms resolve 1 microsecond, keep 2 significant digits (quantiles within 1% of
     * the recorded values) and cover up to one hour (longer calls count as one hour). Measured
     * (docs/benchmarks.md, "Memory"): a window of an arm takes 29 KiB whatever the traffic, where a
     * histogram of nanoseconds with 3 digits made it 290 KiB for 20,000 calls (17 MiB per arm for
     * the default 60 windows). An {@link AtomicHistogram} has a fixed range and is read without
     * locks, so a snapshot merges 60 windows in a fraction of what a {@code ConcurrentHistogram}
     * took (its reads take a lock per bucket).
     */
    static final long LATENCY_RESOLUTION_NANOS = 1_000;
    static final long LATENCY_MAX_NANOS = 3_600_000_000_000L;
    static final int LATENCY_DIGITS = 2;

    private final long index;
    private final String model;
    private final String version;
    private final Consumer<ArmWindow> onClosed;
    private final AtomicLong state = new AtomicLong();
    private final AtomicBoolean published = new AtomicBoolean();
    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    final AtomicHistogram latencyNanos =
            new AtomicHistogram(LATENCY_RESOLUTION_NANOS, LATENCY_MAX_NANOS, LATENCY_DIGITS);
    final DoubleAdder costSum = new DoubleAdder();
    final DoubleAdder costSumSq = new DoubleAdder();
    final LongAdder costCalls = new LongAdder();
    final LongAdder tokenCalls = new LongAdder();
    final DoubleAdder costWithTokens = new DoubleAdder();
    final DoubleAdder tokensWithCost = new DoubleAdder();
    final DoubleAdder scoreSum = new DoubleAdder();
    final DoubleAdder scoreSumSq = new DoubleAdder();
    final LongAdder scoreCount = new LongAdder();
    final AtomicLongArray scoreBins = new AtomicLongArray(SCORE_BINS);
    final DoubleAdder absErrorSum = new DoubleAdder();
    final DoubleAdder absErrorSumSq = new DoubleAdder();
    final LongAdder labels = new LongAdder();
    final ConcurrentHashMap<String, Outcome> outcomes = new ConcurrentHashMap<>();
    /** Per entity bucket totals of the calls that carried an entity key. */
    final EntityBuckets entities;

    /**
     * @param model the model
     * @param version the version
     * @param index the window's number: {@code floorDiv(epochMillis, windowMillis)}
     * @param entityBuckets entity buckets, a power of two
     * @param onClosed called once, when the window is closed and no writer is inside it
     */
    ArmWindow(String model, String version, long index, int entityBuckets,
            Consumer<ArmWindow> onClosed) {
        this.model = model;
        this.version = version;
        this.index = index;
        this.entities = new EntityBuckets(entityBuckets);
        this.onClosed = onClosed;
    }

    /** @return the model */
    String model() {
        return model;
    }

    /** @return the version */
    String version() {
        return version;
    }

    /**
     * Enters the window to record into it. Lock-free, allocation-free.
     *
     * @return true if the caller may record and must then {@link #exit()}; false if the window
     *     is closed (the caller records into a newer one and must not exit this one)
     */
    boolean enter() {
        if ((state.getAndAdd(2) & 1) == 0) {
            return true;
        }
        exit(); // closed: back out (and hand over if this was the last one inside)
        return false;
    }

    /** Leaves the window after recording; hands it over if it is closed and now idle. */
    void exit() {
        if (state.addAndGet(-2) == 1) {
            handOver();
        }
    }

    /** Closes the window (idempotent); hands it over now if no writer is inside. */
    void close() {
        while (true) {
            long s = state.get();
            if ((s & 1) != 0) {
                return;
            }
            if (state.compareAndSet(s, s | 1)) {
                if (s == 0) {
                    handOver();
                }
                return;
            }
        }
    }

    /** @return whether the window is closed (its figures may still be settling) */
    boolean isClosed() {
        return (state.get() & 1) != 0;
    }

    private void handOver() {
        if (published.compareAndSet(false, true)) {
            onClosed.accept(this);
        }
    }

    /** @return whether nothing was recorded: no call, label or outcome */
    boolean isEmpty() {
        return requests.sum() == 0 && labels.sum() == 0 && outcomes.isEmpty();
    }

    /** @return the window's number */
    public long index() {
        return index;
    }

    /**
     * Records a served call.
     *
     * @param latencyNanos latency; negative values count as 0
     * @param error whether the call failed
     * @param cost cost units, NaN if unknown
     * @param tokens tokens, NaN if unknown
     * @param score model score, NaN if unknown
     * @param entityBucket the bucket of the call's entity key
     *     ({@link EntityBuckets#bucketOf}), or -1 without a key
     */
    public void recordCall(long latencyNanos, boolean error, double cost, double tokens,
            double score, int entityBucket) {
        if (entityBucket >= 0) {
            entities.record(entityBucket, error, cost, score);
        }
        requests.increment();
        if (error) {
            errors.increment();
        }
        latencyNanos(latencyNanos);
        if (Double.isFinite(cost)) {
            costSum.add(cost);
            costSumSq.add(cost * cost);
            costCalls.increment();
            if (Double.isFinite(tokens)) {
                costWithTokens.add(cost);
                tokensWithCost.add(tokens);
                tokenCalls.increment();
            }
        }
        if (Double.isFinite(score)) {
            scoreSum.add(score);
            scoreSumSq.add(score * score);
            scoreCount.increment();
            scoreBins.incrementAndGet(bin(score));
        }
    }

    private void latencyNanos(long nanos) {
        latencyNanos.recordValue(Math.min(Math.max(0, nanos), LATENCY_MAX_NANOS));
    }

    /**
     * The score bin of a value: 20 equal bins over [0, 1], lower edge inclusive, 1.0 in the
     * last bin; values below 0 go to the first bin, above 1 to the last.
     *
     * @param score a finite score
     * @return the bin in [0, 20)
     */
    public static int bin(double score) {
        int b = (int) Math.floor(score * SCORE_BINS);
        return Math.max(0, Math.min(SCORE_BINS - 1, b));
    }

    /**
     * Records a late label.
     *
     * @param predicted the prediction
     * @param actual the observed value
     */
    public void recordLabel(double predicted, double actual) {
        double abs = Math.abs(predicted - actual);
        absErrorSum.add(abs);
        absErrorSumSq.add(abs * abs);
        labels.increment();
    }

    /**
     * Records a business outcome.
     *
     * @param metric the outcome's name
     * @param value its value
     */
    public void recordOutcome(String metric, double value) {
        outcomes.computeIfAbsent(metric, m -> new Outcome()).add(value);
    }

    /**
     * Adds this window into a merge buffer (the caller counts {@link Merged#windows}). Safe while
     * writers record.
     *
     * @param into the buffer
     */
    public void mergeInto(Merged into) {
        into.requests += requests.sum();
        into.errors += errors.sum();
        if (into.latency != latencyNanos) {
            into.latency.add(latencyNanos);
        }
        into.costSum += costSum.sum();
        into.costSumSq += costSumSq.sum();
        into.costCalls += costCalls.sum();
        into.tokenCalls += tokenCalls.sum();
        into.costWithTokens += costWithTokens.sum();
        into.tokensWithCost += tokensWithCost.sum();
        into.scoreSum += scoreSum.sum();
        into.scoreSumSq += scoreSumSq.sum();
        into.scoreCount += scoreCount.sum();
        for (int i = 0; i < SCORE_BINS; i++) {
            into.scoreBins[i] += scoreBins.get(i);
        }
        into.absErrorSum += absErrorSum.sum();
        into.absErrorSumSq += absErrorSumSq.sum();
        into.labels += labels.sum();
        for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
            double[] acc = into.outcomes.computeIfAbsent(e.getKey(), k -> new double[3]);
            acc[0] += e.getValue().sum.sum();
            acc[1] += e.getValue().count.sum();
            acc[2] += e.getValue().sumSq.sum();
        }
        entities.mergeInto(into.entities);
    }

    /** Summary names: counts. */
    static final String REQUESTS = "requests";
    static final String ERRORS = "errors";
    static final String COST_CALLS = "cost_calls";
    static final String TOKEN_CALLS = "token_calls";
    static final String SCORE_COUNT = "score_count";
    static final String LABELS = "labels";
    /** Summary names: sums. */
    static final String COST = "cost";
    static final String COST_SQ = "cost_sq";
    static final String COST_WITH_TOKENS = "cost_with_tokens";
    static final String TOKENS_WITH_COST = "tokens_with_cost";
    static final String SCORE = "score";
    static final String SCORE_SQ = "score_sq";
    static final String ABS_ERROR = "abs_error";
    static final String ABS_ERROR_SQ = "abs_error_sq";
    /** Summary names: histograms (latency: lowest value of each HdrHistogram bucket, in ns). */
    static final String LATENCY_NS = "latency_ns";
    static final String SCORE_BINS_NAME = "score";
    /** Summary names of an outcome: {@code outcome.<name>.n}, {@code .sum}, {@code .sum_sq}. */
    static final String OUTCOME = "outcome.";
    static final String OUTCOME_N = ".n";
    static final String OUTCOME_SUM = ".sum";
    static final String OUTCOME_SUM_SQ = ".sum_sq";

    /**
     * This window as a mergeable summary. Call it once the window is closed and idle (its
     * figures are final then).
     *
     * @param source this instance's id
     * @param windowMillis the window length
     * @return the summary
     */
    WindowSummary summary(String source, long windowMillis) {
        Map<String, Long> counts = new TreeMap<>();
        Map<String, Double> sums = new TreeMap<>();
        counts.put(REQUESTS, requests.sum());
        counts.put(ERRORS, errors.sum());
        counts.put(COST_CALLS, costCalls.sum());
        counts.put(TOKEN_CALLS, tokenCalls.sum());
        counts.put(SCORE_COUNT, scoreCount.sum());
        counts.put(LABELS, labels.sum());
        sums.put(COST, costSum.sum());
        sums.put(COST_SQ, costSumSq.sum());
        sums.put(COST_WITH_TOKENS, costWithTokens.sum());
        sums.put(TOKENS_WITH_COST, tokensWithCost.sum());
        sums.put(SCORE, scoreSum.sum());
        sums.put(SCORE_SQ, scoreSumSq.sum());
        sums.put(ABS_ERROR, absErrorSum.sum());
        sums.put(ABS_ERROR_SQ, absErrorSumSq.sum());
        for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
            String name = OUTCOME + e.getKey();
            counts.put(name + OUTCOME_N, e.getValue().count.sum());
            sums.put(name + OUTCOME_SUM, e.getValue().sum.sum());
            sums.put(name + OUTCOME_SUM_SQ, e.getValue().sumSq.sum());
        }
        // Keyed by the bucket's lowest equivalent value: recording it again lands in the same
        // bucket of a histogram of the same layout, so merged quantiles are the same.
        SortedMap<Long, Long> latency = new TreeMap<>();
        for (HistogramIterationValue v : latencyNanos.recordedValues()) {
            latency.merge(latencyNanos.lowestEquivalentValue(v.getValueIteratedTo()),
                    v.getCountAtValueIteratedTo(), Long::sum);
        }
        SortedMap<Long, Long> bins = new TreeMap<>();
        for (int i = 0; i < SCORE_BINS; i++) {
            long n = scoreBins.get(i);
            if (n > 0) {
                bins.put((long) i, n);
            }
        }
        Map<String, SortedMap<Long, Long>> histograms = new TreeMap<>();
        histograms.put(LATENCY_NS, latency);
        histograms.put(SCORE_BINS_NAME, bins);
        entities.writeTo(sums, histograms);
        return new WindowSummary(Set.of(source), model, version,
                Instant.ofEpochMilli(index * windowMillis), Duration.ofMillis(windowMillis),
                counts, sums, histograms);
    }

    /**
     * Adds a summary (this router-rollout's format; unknown names are ignored) into a merge
     * buffer that owns its latency histogram (the caller counts {@link Merged#windows}).
     *
     * @param s the summary
     * @param into the buffer
     */
    static void mergeSummary(WindowSummary s, Merged into) {
        into.requests += s.count(REQUESTS);
        into.errors += s.count(ERRORS);
        into.costCalls += s.count(COST_CALLS);
        into.tokenCalls += s.count(TOKEN_CALLS);
        into.scoreCount += s.count(SCORE_COUNT);
        into.labels += s.count(LABELS);
        into.costSum += s.sum(COST);
        into.costSumSq += s.sum(COST_SQ);
        into.costWithTokens += s.sum(COST_WITH_TOKENS);
        into.tokensWithCost += s.sum(TOKENS_WITH_COST);
        into.scoreSum += s.sum(SCORE);
        into.scoreSumSq += s.sum(SCORE_SQ);
        into.absErrorSum += s.sum(ABS_ERROR);
        into.absErrorSumSq += s.sum(ABS_ERROR_SQ);
        for (Map.Entry<String, Long> c : s.counts().entrySet()) {
            String k = c.getKey();
            if (k.startsWith(OUTCOME) && k.endsWith(OUTCOME_N)
                    && k.length() > OUTCOME.length() + OUTCOME_N.length()) {
                String name = k.substring(OUTCOME.length(), k.length() - OUTCOME_N.length());
                String prefix = OUTCOME + name;
                double[] acc = into.outcomes.computeIfAbsent(name, x -> new double[3]);
                acc[0] += s.sum(prefix + OUTCOME_SUM);
                acc[1] += c.getValue();
                acc[2] += s.sum(prefix + OUTCOME_SUM_SQ);
            }
        }
        SortedMap<Long, Long> latency = s.histograms().get(LATENCY_NS);
        if (latency != null) {
            for (Map.Entry<Long, Long> b : latency.entrySet()) {
                into.latency.recordValueWithCount(
                        Math.min(Math.max(0, b.getKey()), LATENCY_MAX_NANOS), b.getValue());
            }
        }
        SortedMap<Long, Long> bins = s.histograms().get(SCORE_BINS_NAME);
        if (bins != null) {
            for (Map.Entry<Long, Long> b : bins.entrySet()) {
                long i = b.getKey();
                into.scoreBins[(int) Math.max(0, Math.min(SCORE_BINS - 1, i))] += b.getValue();
            }
        }
        EntityBuckets.mergeSummary(s, into.entities);
    }

    /** Sum and count of one outcome metric. */
    static final class Outcome {
        final DoubleAdder sum = new DoubleAdder();
        final LongAdder count = new LongAdder();
        final DoubleAdder sumSq = new DoubleAdder();

        void add(double v) {
            sum.add(v);
            sumSq.add(v * v);
            count.increment();
        }
    }

    /**
     * The sample variance from a count, a sum and a sum of squares (the textbook formula; fine
     * for the magnitudes measured here: scores, errors, business outcomes).
     *
     * @param n count
     * @param sum sum of the values
     * @param sumSq sum of their squares
     * @return the variance with n - 1 in the denominator, or NaN if n &lt; 2
     */
    public static double variance(double n, double sum, double sumSq) {
        if (n < 2) {
            return Double.NaN;
        }
        return Math.max(0, (sumSq - sum * sum / n) / (n - 1));
    }

    /**
     * A single-threaded buffer that windows are merged into. Not thread-safe.
     */
    public static final class Merged {
        /** Windows merged that had any data. */
        public int windows;
        /** Calls. */
        public long requests;
        /** Failed calls. */
        public long errors;
        /** Latency in nanoseconds. */
        public final Histogram latency;
        /** Sum of reported costs. */
        public double costSum;
        /** Sum of squared reported costs. */
        public double costSumSq;
        /** Calls that reported a cost. */
        public long costCalls;
        /** Calls that reported both cost and tokens. */
        public long tokenCalls;
        /** Sum of costs of calls that reported tokens too. */
        public double costWithTokens;
        /** Sum of tokens of calls that reported a cost too. */
        public double tokensWithCost;
        /** Sum of scores. */
        public double scoreSum;
        /** Sum of squared scores. */
        public double scoreSumSq;
        /** Calls that reported a score. */
        public long scoreCount;
        /** Score histogram counts. */
        public final long[] scoreBins = new long[SCORE_BINS];
        /** Sum of absolute label errors. */
        public double absErrorSum;
        /** Sum of squared absolute label errors. */
        public double absErrorSumSq;
        /** Labels. */
        public long labels;
        /** Outcome name to {sum, count, sum of squares}. */
        public final Map<String, double[]> outcomes = new TreeMap<>();
        /** Per entity bucket totals. */
        final EntityTotals entities = new EntityTotals();

        /** An empty buffer with a latency histogram of its own, for merging several windows. */
        public Merged() {
            this.latency = new Histogram(LATENCY_RESOLUTION_NANOS, LATENCY_MAX_NANOS,
                    LATENCY_DIGITS);
        }

        private Merged(Histogram shared) {
            this.latency = shared;
        }

        /** Empties the buffer (its own latency histogram included), to reuse it. */
        void reset() {
            windows = 0;
            requests = 0;
            errors = 0;
            latency.reset();
            costSum = 0;
            costSumSq = 0;
            costCalls = 0;
            tokenCalls = 0;
            costWithTokens = 0;
            tokensWithCost = 0;
            scoreSum = 0;
            scoreSumSq = 0;
            scoreCount = 0;
            java.util.Arrays.fill(scoreBins, 0);
            absErrorSum = 0;
            absErrorSumSq = 0;
            labels = 0;
            outcomes.clear();
            entities.reset();
        }
    }

    /**
     * A buffer for this window alone, whose latency histogram is this window's own, read in
     * place rather than copied (a snapshot reads each window's quantiles). Merge only this
     * window into it.
     *
     * @return an empty buffer sharing this window's latency histogram
     */
    public Merged single() {
        return new Merged(latencyNanos);
    }
}

package dev.releaserouter.rollout.measure;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one (model, version) recorded in one tumbling window.
 *
 * <p>Design (concurrency): every field is a lock-free accumulator ({@link LongAdder},
 * {@link DoubleAdder}, {@link AtomicLongArray}, HdrHistogram's {@link AtomicHistogram}), so
 * any number of threads record without locks. Readers merge while writers may still add: a
 * snapshot sees each call either entirely or, for a call recorded at the same instant, possibly
 * only some of its fields; the request count is always exact once writers are done. Outcome
 * metrics are created on first use through {@link ConcurrentHashMap#computeIfAbsent}.
 */
final class ArmWindow {

    /** Number of score histogram bins over [0, 1]. */
    public static final int SCORE_BINS = 20;

    /**
     * Latency histograms resolve 1 microsecond, keep 2 significant digits (quantiles within 1% of
     * the recorded values) and cover up to one hour (longer calls count as one hour). Measured
     * (docs/benchmarks.md, "Memory"): a window of an arm takes 29 KiB whatever the traffic,
     * where a histogram of nanoseconds with 3 digits made it 290 KiB for 20,000 calls (17 MiB per
     * arm for the default 60 windows). An {@link AtomicHistogram} has a fixed range and is read without locks, so a
     * snapshot merges 60 windows in a fraction of what a {@code ConcurrentHistogram} took (its
     * reads take a lock per bucket).
     */
    static final long LATENCY_RESOLUTION_NANOS = 1_000;
    static final long LATENCY_MAX_NANOS = 3_600_000_000_000L;
    static final int LATENCY_DIGITS = 2;

    private final long index;
    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    final AtomicHistogram latencyNanos =
            new AtomicHistogram(LATENCY_RESOLUTION_NANOS, LATENCY_MAX_NANOS, LATENCY_DIGITS);
    final DoubleAdder costSum = new DoubleAdder();
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

    /**
     * @param index the window's number: {@code floorDiv(epochMillis, windowMillis)}
     */
    public ArmWindow(long index) {
        this.index = index;
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
     */
    public void recordCall(long latencyNanos, boolean error, double cost, double tokens,
            double score) {
        requests.increment();
        if (error) {
            errors.increment();
        }
        latencyNanos(latencyNanos);
        if (Double.isFinite(cost)) {
            costSum.add(cost);
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
     * Adds this window into a merge buffer. Safe while writers record.
     *
     * @param into the buffer
     */
    public void mergeInto(Merged into) {
        into.windows++;
        into.requests += requests.sum();
        into.errors += errors.sum();
        if (into.latency != latencyNanos) {
            into.latency.add(latencyNanos);
        }
        into.costSum += costSum.sum();
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

        /** An empty buffer with a latency histogram of its own, for merging several windows. */
        public Merged() {
            this.latency = new Histogram(LATENCY_RESOLUTION_NANOS, LATENCY_MAX_NANOS,
                    LATENCY_DIGITS);
        }

        private Merged(Histogram shared) {
            this.latency = shared;
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

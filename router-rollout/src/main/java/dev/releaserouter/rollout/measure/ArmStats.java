package dev.releaserouter.rollout.measure;

import dev.releaserouter.stats.RatioSummary;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one version of a model did over a period (one window or several merged): calls, errors,
 * latency quantiles, score distribution, cost, late labels and business outcomes.
 *
 * <p>Immutable and thread-safe. Built by {@link ArmMeasurements} snapshots; {@link #builder}
 * exists so that gates can be tested on hand-made numbers. A metric without data is
 * {@code NaN} (never 0), so "not enough data" can be told apart from "zero".
 *
 * <p>Gate metric names ({@link #value(String)}, listed in {@link #METRICS}): {@code requests},
 * {@code errors}, {@code error_rate}, {@code p50_ms}, {@code p95_ms}, {@code p99_ms},
 * {@code avg_score}, {@code cost_per_call}, {@code cost_per_1k_calls},
 * {@code cost_per_1k_tokens}, {@code mae}, {@code labels}, the seed 001 names
 * {@code latency_p50_ms}, {@code latency_p95_ms}, {@code latency_p99_ms} (the same quantiles)
 * and {@code error_rate_5xx} (the error rate: an error is an exception, a 5xx-like outcome or an
 * invalid output), {@code policy_violations} and {@code critical_policy_violations} (the
 * number of named policy violations the arm's outputs reported, seed 001 §4; 0 when none was
 * reported), and {@code outcome.<name>} (the mean of that business outcome).
 */
public final class ArmStats {

    /**
     * Every metric name {@link #value(String)} knows, in documentation order, the seed 001
     * aliases included; besides these, {@code outcome.<name>} for any business outcome.
     */
    public static final List<String> METRICS = List.of("requests", "requests_per_second",
            "errors", "error_rate",
            "error_rate_5xx", "p50_ms", "p95_ms", "p99_ms", "latency_p50_ms", "latency_p95_ms",
            "latency_p99_ms", "avg_score", "cost_per_call", "cost_per_1k_calls",
            "cost_per_1k_tokens", "mae", "labels", "policy_violations",
            "critical_policy_violations");

    private static final String KNOWN = String.join(", ", METRICS) + ", outcome.<name>";

    /** The metrics kept per entity bucket, with a delta-method standard error. */
    static final List<String> REQUEST_LEVEL = List.of("error_rate", "avg_score",
            "cost_per_call");

    /** Number of bins of {@link #scoreHistogram()}. */
    public static final int SCORE_BINS = 20;

    private final String version;
    private final Instant from;
    private final Instant to;
    private final int windows;
    private final long requests;
    private final long errors;
    private final double p50Ms;
    private final double p95Ms;
    private final double p99Ms;
    private final double avgScore;
    private final long scores;
    private final double scoreVariance;
    private final double[] scoreHistogram;
    private final double costPer1kCalls;
    private final double costPer1kTokens;
    private final long costCalls;
    private final long tokenCalls;
    private final double mae;
    private final double maeVariance;
    private final long labels;
    private final Map<String, Double> outcomeMeans;
    private final Map<String, Long> outcomeCounts;
    private final Map<String, Double> outcomeVariances;
    private final Map<String, MetricEstimate> estimates;
    private final Map<String, RatioSummary> entityRatios;

    private ArmStats(Builder b) {
        this.version = b.version;
        this.from = b.from;
        this.to = b.to;
        this.windows = b.windows;
        this.requests = b.requests;
        this.errors = b.errors;
        this.p50Ms = b.p50Ms;
        this.p95Ms = b.p95Ms;
        this.p99Ms = b.p99Ms;
        this.avgScore = b.avgScore;
        this.scores = b.scores;
        this.scoreVariance = b.scoreVariance;
        this.scoreHistogram = b.scoreHistogram.clone();
        this.costPer1kCalls = b.costPer1kCalls;
        this.costPer1kTokens = b.costPer1kTokens;
        this.costCalls = b.costCalls;
        this.tokenCalls = b.tokenCalls;
        this.mae = b.mae;
        this.maeVariance = b.maeVariance;
        this.labels = b.labels;
        this.outcomeMeans = Map.copyOf(b.outcomeMeans);
        this.outcomeCounts = Map.copyOf(b.outcomeCounts);
        this.outcomeVariances = Map.copyOf(b.outcomeVariances);
        this.estimates = Map.copyOf(b.estimates);
        this.entityRatios = Map.copyOf(b.entityRatios);
    }

    /**
     * Starts hand-made statistics (for tests of gates); every metric starts without data.
     *
     * @param version the version
     * @return a new builder
     * @throws NullPointerException if version is null
     */
    public static Builder builder(String version) {
        return new Builder(version);
    }

    /** @return the version these statistics are about */
    public String version() {
        return version;
    }

    /** @return start of the period (start of its oldest window), inclusive */
    public Instant from() {
        return from;
    }

    /** @return end of the period, exclusive */
    public Instant to() {
        return to;
    }

    /** @return how many windows of the period had any data for this version */
    public int windows() {
        return windows;
    }

    /** @return calls recorded */
    public long requests() {
        return requests;
    }

    /** @return calls that failed (exception, 5xx-like outcome, invalid output) */
    public long errors() {
        return errors;
    }

    /** @return errors / requests, or NaN without requests */
    public double errorRate() {
        return requests == 0 ? Double.NaN : (double) errors / requests;
    }

    /** @return median latency in milliseconds (HdrHistogram, 3 significant digits), or NaN */
    public double p50Ms() {
        return p50Ms;
    }

    /** @return 95th percentile latency in milliseconds, or NaN */
    public double p95Ms() {
        return p95Ms;
    }

    /** @return 99th percentile latency in milliseconds, or NaN */
    public double p99Ms() {
        return p99Ms;
    }

    /** @return mean of the reported scores, or NaN if none */
    public double avgScore() {
        return avgScore;
    }

    /** @return how many calls reported a score */
    public long scores() {
        return scores;
    }

    /**
     * Score distribution: counts in 20 equal bins over [0, 1] (bin {@code i} holds
     * {@code [i/20, (i+1)/20)}, the last also 1.0). Scores below 0 are counted in the first bin
     * and scores above 1 in the last, so every reported score is counted once. Use it for PSI
     * against the stable arm.
     *
     * @return a fresh copy of the 20 counts
     */
    public double[] scoreHistogram() {
        return scoreHistogram.clone();
    }

    /** @return cost per 1000 calls over the calls that reported a cost, or NaN if none */
    public double costPer1kCalls() {
        return costPer1kCalls;
    }

    /**
     * @return cost per 1000 tokens over the calls that reported both cost and tokens, or NaN if
     *     none (or zero tokens)
     */
    public double costPer1kTokens() {
        return costPer1kTokens;
    }

    /** @return mean absolute error of the late labels, or NaN without labels */
    public double mae() {
        return mae;
    }

    /** @return how many late labels were reported */
    public long labels() {
        return labels;
    }

    /** @return mean of each business outcome reported; immutable */
    public Map<String, Double> outcomeMeans() {
        return outcomeMeans;
    }

    /** @return how many values of each business outcome were reported; immutable */
    public Map<String, Long> outcomeCounts() {
        return outcomeCounts;
    }

    /**
     * @return sample variance of each business outcome (NaN with fewer than 2 values); immutable
     */
    public Map<String, Double> outcomeVariances() {
        return outcomeVariances;
    }

    /**
     * The number of units behind a metric, for statistical criteria: {@link #requests()} for
     * {@code requests}, {@code errors}, {@code error_rate} and the latency quantiles;
     * {@link #scores()} for {@code avg_score}; the calls that reported a cost (and tokens) for
     * the cost metrics; {@link #labels()} for {@code mae} and {@code labels}; the values
     * reported for {@code outcome.<name>}.
     *
     * @param metric a gate metric name (see {@link #value(String)})
     * @return the count, {@code >= 0}
     * @throws IllegalArgumentException if the name is unknown
     * @throws NullPointerException if metric is null
     */
    public long samples(String metric) {
        switch (metric) {
            case "avg_score":
                return scores;
            case "cost_per_call":
            case "cost_per_1k_calls":
                return costCalls;
            case "cost_per_1k_tokens":
                return tokenCalls;
            case "mae":
            case "labels":
                return labels;
            default:
                String outcome = outcomeName(metric);
                if (outcome != null) {
                    return outcomeCounts.getOrDefault(outcome, 0L);
                }
                value(metric); // throws for unknown names
                return requests;
        }
    }

    /**
     * The sample variance of the per-unit values behind a mean metric, for statistical criteria
     * of kind continuous: {@code avg_score} (of the scores), {@code mae} (of the absolute
     * errors) and {@code outcome.<name>}. NaN for other metrics and with fewer than 2 values.
     *
     * @param metric a gate metric name (see {@link #value(String)})
     * @return the variance (n - 1 denominator), or NaN
     * @throws IllegalArgumentException if the name is unknown
     * @throws NullPointerException if metric is null
     */
    public double variance(String metric) {
        switch (metric) {
            case "avg_score":
                return scoreVariance;
            case "mae":
                return maeVariance;
            default:
                String outcome = outcomeName(metric);
                if (outcome != null) {
                    return outcomeVariances.getOrDefault(outcome, Double.NaN);
                }
                value(metric); // throws for unknown names
                return Double.NaN;
        }
    }

    /**
     * A request-level metric with its standard error, for criteria that account for sampling
     * error: {@code error_rate} (alias {@code error_rate_5xx}), {@code avg_score},
     * {@code cost_per_call} and {@code cost_per_1k_calls}. When every request behind the metric
     * carried an entity key (calls through {@code route(...)}, or recorded with their
     * {@code RouteRequest}) the standard error is the delta method's over entity buckets, which
     * counts the correlation of one entity's requests; otherwise it is per request, as if
     * requests were independent; {@link MetricEstimate#method()} says which. Statistics built by
     * hand without estimates give the per-request one (binomial for the error rate, the score
     * variance for {@code avg_score}, unknown for costs).
     *
     * @param metric a gate metric name (see {@link #value(String)})
     * @return the estimate, or empty for a metric without a sampling model here (counts,
     *     quantiles, {@code cost_per_1k_tokens}, {@code mae}, outcomes: their variances are in
     *     {@link #variance(String)})
     * @throws IllegalArgumentException if the name is unknown
     * @throws NullPointerException if metric is null
     */
    public Optional<MetricEstimate> estimate(String metric) {
        switch (metric) {
            case "error_rate":
            case "error_rate_5xx":
                return Optional.of(estimates.getOrDefault("error_rate", perRequest(
                        errorRate(), requests, errorRate() * (1 - errorRate()))));
            case "avg_score":
                return Optional.of(estimates.getOrDefault("avg_score", perRequest(avgScore,
                        scores, scoreVariance)));
            case "cost_per_call":
                return Optional.of(estimates.getOrDefault("cost_per_call", perRequest(
                        costPer1kCalls / 1000, costCalls, Double.NaN)));
            case "cost_per_1k_calls":
                return estimate("cost_per_call").map(e -> e.scaled(1000));
            default:
                value(metric); // throws for unknown names
                return Optional.empty();
        }
    }

    private static MetricEstimate perRequest(double value, long n, double variance) {
        double se = n >= 2 && variance >= 0 ? Math.sqrt(variance / n) : Double.NaN;
        return new MetricEstimate(value, se, n, 0, MetricEstimate.Method.PER_REQUEST,
                n == 0 ? "per request: no data" : "per request");
    }

    /**
     * The per-entity-bucket units of a request-level metric ({@code error_rate},
     * {@code avg_score}, {@code cost_per_call}): what a two-arm delta-method test
     * ({@code Ratios.test(stable, candidate)} of router-stats) compares. It covers only the
     * calls that carried an entity key; compare its {@link RatioSummary#sumY()} with
     * {@link #samples(String)} to know whether that is all of them.
     *
     * @param metric a gate metric name
     * @return the units, or empty if the metric is not kept per bucket or these statistics
     *     were built by hand without them
     * @throws NullPointerException if metric is null
     */
    public Optional<RatioSummary> entityRatio(String metric) {
        String name = metric.equals("error_rate_5xx") ? "error_rate" : metric;
        return Optional.ofNullable(entityRatios.get(name));
    }

    private static @Nullable String outcomeName(String metric) {
        return metric.startsWith("outcome.") && metric.length() > "outcome.".length()
                ? metric.substring("outcome.".length()) : null;
    }

    /**
     * Whether {@link #value(String)} knows a metric name: one of {@link #METRICS}, or
     * {@code outcome.<name>}.
     *
     * @param metric a metric name
     * @return whether it is known
     * @throws NullPointerException if metric is null
     */
    public static boolean isMetric(String metric) {
        return METRICS.contains(metric) || outcomeName(metric) != null;
    }

    /**
     * A metric by its gate name: {@code requests}, {@code errors}, {@code error_rate}
     * (alias {@code error_rate_5xx}), {@code p50_ms}, {@code p95_ms}, {@code p99_ms} (aliases
     * {@code latency_p50_ms}...), {@code requests_per_second}, {@code avg_score},
     * {@code cost_per_call},
     * {@code cost_per_1k_calls}, {@code cost_per_1k_tokens}, {@code mae}, {@code labels},
     * {@code policy_violations}, {@code critical_policy_violations} (counts; 0 if none), or
     * {@code outcome.<name>} (mean; NaN if that outcome was never reported).
     *
     * @param metric the metric's name
     * @return its value; NaN when there is no data
     * @throws IllegalArgumentException if the name is unknown
     * @throws NullPointerException if metric is null
     */
    public double value(String metric) {
        switch (metric) {
            case "requests":
                return requests;
            case "requests_per_second":
                return requestsPerSecond();
            case "errors":
                return errors;
            case "error_rate":
            case "error_rate_5xx":
                return errorRate();
            case "p50_ms":
            case "latency_p50_ms":
                return p50Ms;
            case "p95_ms":
            case "latency_p95_ms":
                return p95Ms;
            case "p99_ms":
            case "latency_p99_ms":
                return p99Ms;
            case "avg_score":
                return avgScore;
            case "cost_per_call":
                return costPer1kCalls / 1000;
            case "cost_per_1k_calls":
                return costPer1kCalls;
            case "cost_per_1k_tokens":
                return costPer1kTokens;
            case "mae":
                return mae;
            case "labels":
                return labels;
            case "policy_violations":
            case "critical_policy_violations":
                return total(metric);
            default:
                String outcome = outcomeName(metric);
                if (outcome != null) {
                    return outcomeMeans.getOrDefault(outcome, Double.NaN);
                }
                throw new IllegalArgumentException("unknown metric '" + metric + "'; known: "
                        + KNOWN);
        }
    }

    /**
     * The arm's throughput (seed 001 §3.3): requests over the period's length, from its first
     * window's start to its end (now, for a snapshot's open window).
     *
     * @return requests per second, NaN for an empty period
     */
    public double requestsPerSecond() {
        double seconds = java.time.Duration.between(from, to).toNanos() / 1e9;
        return seconds > 0 ? requests / seconds : Double.NaN;
    }

    /**
     * The sum of an outcome (its mean times its count, rounded): the violation counts are
     * recorded per violating output, so their sum is the number of violations; 0 if none.
     */
    private double total(String outcome) {
        long n = outcomeCounts.getOrDefault(outcome, 0L);
        double mean = outcomeMeans.getOrDefault(outcome, Double.NaN);
        return n == 0 || Double.isNaN(mean) ? 0 : Math.round(mean * n);
    }

    @Override
    public String toString() {
        return "ArmStats{version=" + version + ", from=" + from + ", to=" + to + ", windows="
                + windows + ", requests=" + requests + ", errors=" + errors + ", p50Ms=" + p50Ms
                + ", p95Ms=" + p95Ms + ", p99Ms=" + p99Ms + ", avgScore=" + avgScore
                + ", scoreHistogram=" + Arrays.toString(scoreHistogram) + ", costPer1kCalls="
                + costPer1kCalls + ", costPer1kTokens=" + costPer1kTokens + ", mae=" + mae
                + ", labels=" + labels + ", outcomeMeans=" + new TreeMap<>(outcomeMeans) + "}";
    }

    /** Builds {@link ArmStats}. Not thread-safe. */
    public static final class Builder {
        private final String version;
        private Instant from = Instant.EPOCH;
        private Instant to = Instant.EPOCH;
        private int windows;
        private long requests;
        private long errors;
        private double p50Ms = Double.NaN;
        private double p95Ms = Double.NaN;
        private double p99Ms = Double.NaN;
        private double avgScore = Double.NaN;
        private long scores;
        private double scoreVariance = Double.NaN;
        private double[] scoreHistogram = new double[SCORE_BINS];
        private double costPer1kCalls = Double.NaN;
        private double costPer1kTokens = Double.NaN;
        private long costCalls;
        private long tokenCalls;
        private double mae = Double.NaN;
        private double maeVariance = Double.NaN;
        private long labels;
        private final Map<String, Double> outcomeMeans = new TreeMap<>();
        private final Map<String, Long> outcomeCounts = new TreeMap<>();
        private final Map<String, Double> outcomeVariances = new TreeMap<>();
        private final Map<String, MetricEstimate> estimates = new TreeMap<>();
        private final Map<String, RatioSummary> entityRatios = new TreeMap<>();

        private Builder(String version) {
            this.version = Objects.requireNonNull(version, "version");
        }

        /**
         * @param from start of the period, inclusive
         * @param to end of the period, exclusive
         * @return this builder
         * @throws IllegalArgumentException if to is before from
         * @throws NullPointerException if an argument is null
         */
        public Builder period(Instant from, Instant to) {
            if (to.isBefore(Objects.requireNonNull(from, "from"))) {
                throw new IllegalArgumentException(
                        "to must not be before from, but was " + to + " < " + from);
            }
            this.from = from;
            this.to = to;
            return this;
        }

        /**
         * @param windows windows with data, at least 0
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder windows(int windows) {
            this.windows = (int) nonNegative("windows", windows);
            return this;
        }

        /**
         * @param requests calls
         * @param errors failed calls
         * @return this builder
         * @throws IllegalArgumentException if negative or errors exceed requests
         */
        public Builder counts(long requests, long errors) {
            nonNegative("requests", requests);
            nonNegative("errors", errors);
            if (errors > requests) {
                throw new IllegalArgumentException("errors must not exceed requests, but was "
                        + errors + " > " + requests);
            }
            this.requests = requests;
            this.errors = errors;
            return this;
        }

        /**
         * @param p50 median latency in ms, or NaN
         * @param p95 95th percentile in ms, or NaN
         * @param p99 99th percentile in ms, or NaN
         * @return this builder
         */
        public Builder latencyMs(double p50, double p95, double p99) {
            this.p50Ms = p50;
            this.p95Ms = p95;
            this.p99Ms = p99;
            return this;
        }

        /**
         * @param avgScore mean score, or NaN
         * @param histogram the 20 bin counts (copied)
         * @return this builder
         * @throws IllegalArgumentException if the histogram does not have 20 bins
         */
        public Builder scores(double avgScore, double[] histogram) {
            if (histogram.length != SCORE_BINS) {
                throw new IllegalArgumentException("score histogram must have " + SCORE_BINS
                        + " bins, but had " + histogram.length);
            }
            this.avgScore = avgScore;
            this.scoreHistogram = histogram.clone();
            long n = 0;
            for (double c : histogram) {
                n += (long) c;
            }
            this.scores = n;
            return this;
        }

        /**
         * @param variance sample variance of the scores, or NaN
         * @return this builder
         */
        public Builder scoreVariance(double variance) {
            this.scoreVariance = variance;
            return this;
        }

        /**
         * @param costCalls calls that reported a cost
         * @param tokenCalls calls that reported both cost and tokens
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder costSamples(long costCalls, long tokenCalls) {
            this.costCalls = nonNegative("costCalls", costCalls);
            this.tokenCalls = nonNegative("tokenCalls", tokenCalls);
            return this;
        }

        /**
         * @param variance sample variance of the absolute errors behind the MAE, or NaN
         * @return this builder
         */
        public Builder maeVariance(double variance) {
            this.maeVariance = variance;
            return this;
        }

        /**
         * @param per1kCalls cost per 1000 calls, or NaN
         * @param per1kTokens cost per 1000 tokens, or NaN
         * @return this builder
         */
        public Builder cost(double per1kCalls, double per1kTokens) {
            this.costPer1kCalls = per1kCalls;
            this.costPer1kTokens = per1kTokens;
            return this;
        }

        /**
         * @param mae mean absolute error, or NaN
         * @param labels labels behind it
         * @return this builder
         * @throws IllegalArgumentException if labels is negative
         */
        public Builder labels(double mae, long labels) {
            this.mae = mae;
            this.labels = nonNegative("labels", labels);
            return this;
        }

        /**
         * @param name the business outcome
         * @param mean its mean
         * @param count values behind it
         * @return this builder
         * @throws IllegalArgumentException if count is negative
         * @throws NullPointerException if name is null
         */
        public Builder outcome(String name, double mean, long count) {
            return outcome(name, mean, count, Double.NaN);
        }

        /**
         * @param name the business outcome
         * @param mean its mean
         * @param count values behind it
         * @param variance their sample variance, or NaN
         * @return this builder
         * @throws IllegalArgumentException if count is negative
         * @throws NullPointerException if name is null
         */
        public Builder outcome(String name, double mean, long count, double variance) {
            outcomeMeans.put(Objects.requireNonNull(name, "name"), mean);
            outcomeCounts.put(name, nonNegative("count", count));
            outcomeVariances.put(name, variance);
            return this;
        }

        /**
         * @param metric {@code error_rate}, {@code avg_score} or {@code cost_per_call}
         * @param estimate its estimate with standard error
         * @return this builder
         * @throws IllegalArgumentException for another metric
         * @throws NullPointerException if an argument is null
         */
        public Builder estimate(String metric, MetricEstimate estimate) {
            estimates.put(requestLevel(metric), Objects.requireNonNull(estimate, "estimate"));
            return this;
        }

        /**
         * @param metric {@code error_rate}, {@code avg_score} or {@code cost_per_call}
         * @param units its per-entity-bucket units
         * @return this builder
         * @throws IllegalArgumentException for another metric
         * @throws NullPointerException if an argument is null
         */
        public Builder entityRatio(String metric, RatioSummary units) {
            entityRatios.put(requestLevel(metric), Objects.requireNonNull(units, "units"));
            return this;
        }

        private static String requestLevel(String metric) {
            if (!REQUEST_LEVEL.contains(Objects.requireNonNull(metric, "metric"))) {
                throw new IllegalArgumentException("metric must be one of " + REQUEST_LEVEL
                        + ", but was '" + metric + "'");
            }
            return metric;
        }

        /** @return the immutable statistics */
        public ArmStats build() {
            return new ArmStats(this);
        }

        private static long nonNegative(String name, long v) {
            if (v < 0) {
                throw new IllegalArgumentException(name + " must be >= 0, but was " + v);
            }
            return v;
        }
    }
}

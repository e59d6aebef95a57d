package dev.releaserouter.replay.eval;

import dev.releaserouter.rollout.gates.Policy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The thresholds a shadowed candidate version must meet: the shadow SLA, as typed values that
 * {@link #toPolicy()} turns into a {@code rollout.gates} {@link Policy}, the one gate engine
 * that judges shadow runs and rollouts alike ({@link ShadowEvaluation}). Immutable and
 * thread-safe; built with {@link #builder()}, or {@link #defaults()} for the SLA's values,
 * whose policy is the shipped {@code shadow-sla.json} ({@link ShadowEvaluation#defaultPolicy()}).
 *
 * <table>
 * <caption>Criteria, in the order they are reported</caption>
 * <tr><th>name</th><th>passes when</th><th>default</th></tr>
 * <tr><td>{@value #MATCH_RATE}</td><td>matches / comparisons {@code >= minMatchRate}</td>
 *     <td>0.95</td></tr>
 * <tr><td>{@value #FAILURE_RATE}</td><td>(errors + timeouts + invalid outputs + fallbacks) /
 *     shadow calls {@code <= maxFailureRate}</td><td>0.03</td></tr>
 * <tr><td>{@value #P95_LATENCY_INCREASE_PCT}</td><td>{@code 100 * (candidate p95 - stable p95) /
 *     stable p95 <= maxP95IncreasePct}</td><td>15.0</td></tr>
 * <tr><td>{@value #PSI}</td><td>PSI of the candidate's scores against the stable version's
 *     {@code <= maxPsi}; checked only when the outputs are numeric scores</td><td>0.2</td></tr>
 * <tr><td>{@value #ABS_MEAN_DELTA}</td><td>|mean score delta| {@code <= maxAbsMeanDelta}</td>
 *     <td>NaN: not checked</td></tr>
 * <tr><td>{@value #SERVED_FROM_SHADOW}</td><td>answers served from a shadow call {@code == 0}
 *     (zero impact; not configurable)</td><td>0</td></tr>
 * </table>
 *
 * <p>A criterion measured on fewer than {@link #minSamples()} observations is
 * {@code NOT_ENOUGH_DATA}, never a pass (the policy's criteria say {@code "min_samples_per":
 * "metric"}); the zero-impact criterion is judged on any number of calls
 * ({@code "min_samples": 0}). Every criterion is CRITICAL. See {@link ShadowEvaluation}.
 */
public final class ShadowCriteria {

    /** Name of the decision-match criterion. */
    public static final String MATCH_RATE = "match_rate";
    /** Name of the failure (errors, timeouts, invalid outputs, fallbacks) criterion. */
    public static final String FAILURE_RATE = "failure_rate";
    /** Name of the p95 latency criterion. */
    public static final String P95_LATENCY_INCREASE_PCT = "p95_latency_increase_pct";
    /** Name of the score-distribution criterion. */
    public static final String PSI = "psi";
    /** Name of the optional mean-score-delta criterion. */
    public static final String ABS_MEAN_DELTA = "abs_mean_delta";
    /** Name of the zero-impact criterion. */
    public static final String SERVED_FROM_SHADOW = "served_from_shadow";

    /** Default {@link #minMatchRate()}: 0.95. */
    public static final double DEFAULT_MIN_MATCH_RATE = 0.95;
    /** Default {@link #maxFailureRate()}: 0.03. */
    public static final double DEFAULT_MAX_FAILURE_RATE = 0.03;
    /** Default {@link #maxP95IncreasePct()}: 15.0. */
    public static final double DEFAULT_MAX_P95_INCREASE_PCT = 15.0;
    /** Default {@link #maxPsi()}: 0.2. */
    public static final double DEFAULT_MAX_PSI = 0.2;
    /** Default {@link #minSamples()}: 100. */
    public static final long DEFAULT_MIN_SAMPLES = 100;

    private static final ShadowCriteria DEFAULTS = builder().build();

    private final double minMatchRate;
    private final double maxFailureRate;
    private final double maxP95IncreasePct;
    private final double maxPsi;
    private final double maxAbsMeanDelta;
    private final long minSamples;

    private ShadowCriteria(Builder b) {
        this.minMatchRate = b.minMatchRate;
        this.maxFailureRate = b.maxFailureRate;
        this.maxP95IncreasePct = b.maxP95IncreasePct;
        this.maxPsi = b.maxPsi;
        this.maxAbsMeanDelta = b.maxAbsMeanDelta;
        this.minSamples = b.minSamples;
    }

    /** The name of the policies {@link #toPolicy()} builds. */
    public static final String POLICY_NAME = "shadow.sla";

    /** @return the shadow SLA's criteria: 0.95, 0.03, 15%, PSI 0.2, 100 samples */
    public static ShadowCriteria defaults() {
        return DEFAULTS;
    }

    /** @return a builder preset with the {@linkplain #defaults() defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder preset with this object's values */
    public Builder toBuilder() {
        return new Builder()
                .minMatchRate(minMatchRate)
                .maxFailureRate(maxFailureRate)
                .maxP95IncreasePct(maxP95IncreasePct)
                .maxPsi(maxPsi)
                .maxAbsMeanDelta(maxAbsMeanDelta)
                .minSamples(minSamples);
    }

    /** @return the lowest acceptable share of comparisons that match, in [0, 1] */
    public double minMatchRate() {
        return minMatchRate;
    }

    /**
     * @return the highest acceptable share of shadow calls that failed (error, timeout, invalid
     *     output) or fell back to the stable version, in [0, 1]
     */
    public double maxFailureRate() {
        return maxFailureRate;
    }

    /** @return how many percent the candidate's p95 latency may exceed the stable version's */
    public double maxP95IncreasePct() {
        return maxP95IncreasePct;
    }

    /** @return the highest acceptable PSI of the score distributions, or NaN if not checked */
    public double maxPsi() {
        return maxPsi;
    }

    /** @return the highest acceptable |mean score delta|, or NaN (the default) if not checked */
    public double maxAbsMeanDelta() {
        return maxAbsMeanDelta;
    }

    /** @return the fewest observations a criterion needs to pass or fail on a rate, {@code >= 1} */
    public long minSamples() {
        return minSamples;
    }

    /**
     * These thresholds as a gate policy: one CRITICAL expression criterion per checked
     * threshold, named as in the table on the class, thresholds in {@code params} under
     * {@code sla}. For {@link #defaults()} the text is that of the shipped
     * {@code shadow-sla.json}, so both have the same digest.
     *
     * @return the policy's JSON text
     */
    public String toPolicyJson() {
        List<String> params = new ArrayList<>();
        List<String> criteria = new ArrayList<>();
        params.add("\"min_match_rate\": " + minMatchRate);
        criteria.add(criterion(MATCH_RATE, "candidate.match_rate >= sla.min_match_rate", true));
        params.add("\"max_failure_rate\": " + maxFailureRate);
        criteria.add(criterion(FAILURE_RATE, "candidate.failure_rate <= sla.max_failure_rate",
                true));
        params.add("\"max_p95_increase_pct\": " + maxP95IncreasePct);
        criteria.add(criterion(P95_LATENCY_INCREASE_PCT,
                "candidate.p95_latency_increase_pct <= sla.max_p95_increase_pct", true));
        if (!Double.isNaN(maxPsi)) {
            params.add("\"max_psi\": " + maxPsi);
            criteria.add(criterion(PSI, "candidate.psi <= sla.max_psi", true));
        }
        if (!Double.isNaN(maxAbsMeanDelta)) {
            params.add("\"max_abs_mean_delta\": " + maxAbsMeanDelta);
            criteria.add(criterion(ABS_MEAN_DELTA,
                    "abs(candidate.score_delta_mean) <= sla.max_abs_mean_delta", true));
        }
        criteria.add(criterion(SERVED_FROM_SHADOW, "candidate.served_from_shadow <= 0", false));
        return "{\n"
                + "  \"name\": \"" + POLICY_NAME + "\",\n"
                + "  \"description\": \"The shadow SLA (seed 002): decisions match, few failures"
                + " and fallbacks, a bounded p95 increase, stable score distributions, and no"
                + " answer ever served from a shadow call.\",\n"
                + "  \"min_samples\": " + minSamples + ",\n"
                + "  \"params\": {\"sla\": {" + String.join(", ", params) + "}},\n"
                + "  \"criteria\": [\n    " + String.join(",\n    ", criteria) + "\n  ]\n"
                + "}\n";
    }

    /**
     * These thresholds as a gate policy, see {@link #toPolicyJson()}.
     *
     * @return the policy, its source {@code shadow-sla.json}
     */
    public Policy toPolicy() {
        return Policy.parse(toPolicyJson().getBytes(StandardCharsets.UTF_8), "shadow-sla.json");
    }

    private static String criterion(String name, String expr, boolean perMetric) {
        return "{\"name\": \"" + name + "\", \"expr\": \"" + expr
                + "\", \"severity\": \"CRITICAL\", "
                + (perMetric ? "\"min_samples_per\": \"metric\"}" : "\"min_samples\": 0}");
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof ShadowCriteria)) {
            return false;
        }
        ShadowCriteria c = (ShadowCriteria) o;
        return Double.compare(minMatchRate, c.minMatchRate) == 0
                && Double.compare(maxFailureRate, c.maxFailureRate) == 0
                && Double.compare(maxP95IncreasePct, c.maxP95IncreasePct) == 0
                && Double.compare(maxPsi, c.maxPsi) == 0
                && Double.compare(maxAbsMeanDelta, c.maxAbsMeanDelta) == 0
                && minSamples == c.minSamples;
    }

    @Override
    public int hashCode() {
        return Objects.hash(minMatchRate, maxFailureRate, maxP95IncreasePct, maxPsi,
                maxAbsMeanDelta, minSamples);
    }

    @Override
    public String toString() {
        return "ShadowCriteria{minMatchRate=" + minMatchRate + ", maxFailureRate="
                + maxFailureRate + ", maxP95IncreasePct=" + maxP95IncreasePct + ", maxPsi="
                + maxPsi + ", maxAbsMeanDelta=" + maxAbsMeanDelta + ", minSamples=" + minSamples
                + "}";
    }

    /**
     * Builds {@link ShadowCriteria}, starting from the defaults. Each setter validates its
     * argument at once. Not thread-safe.
     */
    public static final class Builder {
        private double minMatchRate = DEFAULT_MIN_MATCH_RATE;
        private double maxFailureRate = DEFAULT_MAX_FAILURE_RATE;
        private double maxP95IncreasePct = DEFAULT_MAX_P95_INCREASE_PCT;
        private double maxPsi = DEFAULT_MAX_PSI;
        private double maxAbsMeanDelta = Double.NaN;
        private long minSamples = DEFAULT_MIN_SAMPLES;

        private Builder() {}

        /**
         * @param v the lowest acceptable match rate, in [0, 1]
         * @return this builder
         * @throws IllegalArgumentException if {@code v} is outside [0, 1] or NaN
         */
        public Builder minMatchRate(double v) {
            this.minMatchRate = unit("minMatchRate", v);
            return this;
        }

        /**
         * @param v the highest acceptable failure rate, in [0, 1]
         * @return this builder
         * @throws IllegalArgumentException if {@code v} is outside [0, 1] or NaN
         */
        public Builder maxFailureRate(double v) {
            this.maxFailureRate = unit("maxFailureRate", v);
            return this;
        }

        /**
         * @param v how many percent the candidate's p95 may exceed the stable version's; may be
         *     negative (the candidate must be faster) but above -100
         * @return this builder
         * @throws IllegalArgumentException if {@code v} is not finite or not above -100
         */
        public Builder maxP95IncreasePct(double v) {
            if (!Double.isFinite(v) || v <= -100) {
                throw new IllegalArgumentException(
                        "maxP95IncreasePct must be a finite number above -100, but was " + v);
            }
            this.maxP95IncreasePct = v;
            return this;
        }

        /**
         * @param v the highest acceptable PSI, {@code >= 0}, or NaN to not check it
         * @return this builder
         * @throws IllegalArgumentException if {@code v} is negative or infinite
         */
        public Builder maxPsi(double v) {
            this.maxPsi = optionalNonNegative("maxPsi", v);
            return this;
        }

        /**
         * @param v the highest acceptable |mean score delta|, {@code >= 0}, or NaN (the default)
         *     to not check it
         * @return this builder
         * @throws IllegalArgumentException if {@code v} is negative or infinite
         */
        public Builder maxAbsMeanDelta(double v) {
            this.maxAbsMeanDelta = optionalNonNegative("maxAbsMeanDelta", v);
            return this;
        }

        /**
         * @param v the fewest observations a criterion needs, {@code >= 1}
         * @return this builder
         * @throws IllegalArgumentException if {@code v} is below 1
         */
        public Builder minSamples(long v) {
            if (v < 1) {
                throw new IllegalArgumentException("minSamples must be >= 1, but was " + v);
            }
            this.minSamples = v;
            return this;
        }

        /** @return the criteria */
        public ShadowCriteria build() {
            return new ShadowCriteria(this);
        }

        private static double unit(String name, double v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(
                        name + " must be between 0 and 1, but was " + v);
            }
            return v;
        }

        private static double optionalNonNegative(String name, double v) {
            if (!Double.isNaN(v) && !(v >= 0 && v < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException(name
                        + " must be a finite number >= 0, or NaN to not check it, but was " + v);
            }
            return v;
        }
    }
}

package dev.releaserouter.rollout;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The exit criteria of a {@link ShadowPhase}: what the shadow evaluation must show before the
 * candidate may take live traffic. Defaults are seed 002's SLA table (functional parity
 * {@code >= 95%} decisions match, handoff rate {@code <= 3%}, p95 latency {@code <=} baseline
 * + 15%); seed 000 §3.2's "deltas within the contracted limit and cost OK" are the optional
 * score-delta and cost criteria (NaN: not checked).
 *
 * <table>
 * <caption>Criteria</caption>
 * <tr><th>name</th><th>passes when</th><th>default</th></tr>
 * <tr><td>{@code match_rate}</td><td>matches / comparisons {@code >= minMatchRate}</td>
 *     <td>0.95</td></tr>
 * <tr><td>{@code failure_rate}</td><td>(errors + timeouts + invalid outputs) / calls
 *     {@code <= maxFailureRate}</td><td>0.03</td></tr>
 * <tr><td>{@code p95_latency_increase_pct}</td><td>{@code 100 (candidate p95 - stable p95) /
 *     stable p95 <= maxP95IncreasePct}</td><td>15</td></tr>
 * <tr><td>{@code abs_mean_score_delta}</td><td>|mean score delta| {@code <=
 *     maxAbsMeanScoreDelta}</td><td>NaN: not checked</td></tr>
 * <tr><td>{@code cost_increase_pct}</td><td>{@code 100 (candidate cost - stable cost) / stable
 *     cost <= maxCostIncreasePct}</td><td>NaN: not checked</td></tr>
 * </table>
 *
 * <p>With fewer than {@link #minComparisons()} comparisons the verdict is NOT_ENOUGH_DATA, never
 * a pass nor a fail; so is a checked criterion whose measurement is unknown (e.g. a cost
 * criterion when the evidence has no cost). Immutable and thread-safe.
 */
public final class ShadowExitCriteria {

    private final double minMatchRate;
    private final double maxFailureRate;
    private final double maxP95IncreasePct;
    private final double maxAbsMeanScoreDelta;
    private final double maxCostIncreasePct;
    private final long minComparisons;

    private ShadowExitCriteria(Builder b) {
        this.minMatchRate = b.minMatchRate;
        this.maxFailureRate = b.maxFailureRate;
        this.maxP95IncreasePct = b.maxP95IncreasePct;
        this.maxAbsMeanScoreDelta = b.maxAbsMeanScoreDelta;
        this.maxCostIncreasePct = b.maxCostIncreasePct;
        this.minComparisons = b.minComparisons;
    }

    /** @return a builder with seed 002's defaults (see the class comment) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the criteria with every default */
    public static ShadowExitCriteria defaults() {
        return builder().build();
    }

    /** @return the smallest match rate that passes */
    public double minMatchRate() {
        return minMatchRate;
    }

    /** @return the largest failure rate that passes */
    public double maxFailureRate() {
        return maxFailureRate;
    }

    /** @return the largest p95 latency increase in percent that passes */
    public double maxP95IncreasePct() {
        return maxP95IncreasePct;
    }

    /** @return the largest |mean score delta| that passes; NaN when not checked */
    public double maxAbsMeanScoreDelta() {
        return maxAbsMeanScoreDelta;
    }

    /** @return the largest cost increase in percent that passes; NaN when not checked */
    public double maxCostIncreasePct() {
        return maxCostIncreasePct;
    }

    /** @return the comparisons needed before any verdict but NOT_ENOUGH_DATA */
    public long minComparisons() {
        return minComparisons;
    }

    /**
     * Judges the evidence.
     *
     * @param e the evidence
     * @return the verdict, with one reason per criterion and the evidence last
     * @throws NullPointerException if e is null
     */
    public ShadowVerdict judge(ShadowEvidence e) {
        List<String> reasons = new ArrayList<>();
        if (e.comparisons() < minComparisons) {
            reasons.add("comparisons " + e.comparisons() + " < " + minComparisons
                    + " needed: not enough data");
            reasons.add("evidence: " + e.describe());
            return new ShadowVerdict(ShadowVerdict.Result.NOT_ENOUGH_DATA, reasons, e);
        }
        boolean fail = false;
        boolean unknown = false;
        double[][] checks = {
            {e.matchRate(), minMatchRate, 1},
            {e.failureRate(), maxFailureRate, 0},
            {e.p95IncreasePct(), maxP95IncreasePct, 0},
            {Math.abs(e.meanScoreDelta()), maxAbsMeanScoreDelta, 0},
            {e.costIncreasePct(), maxCostIncreasePct, 0}};
        String[] names = {"match_rate", "failure_rate", "p95_latency_increase_pct",
            "abs_mean_score_delta", "cost_increase_pct"};
        for (int i = 0; i < checks.length; i++) {
            double value = checks[i][0];
            double limit = checks[i][1];
            boolean atLeast = checks[i][2] == 1;
            if (Double.isNaN(limit)) {
                continue; // not checked
            }
            String op = atLeast ? " >= " : " <= ";
            if (Double.isNaN(value)) {
                unknown = true;
                reasons.add(names[i] + " unknown (needs" + op + fmt(limit) + "): not enough data");
            } else if (atLeast ? value >= limit : value <= limit) {
                reasons.add(names[i] + " " + fmt(value) + op + fmt(limit) + ": ok");
            } else {
                fail = true;
                reasons.add(names[i] + " " + fmt(value) + " breaches" + op + fmt(limit)
                        + ": FAIL");
            }
        }
        reasons.add("evidence: " + e.describe());
        ShadowVerdict.Result r = fail ? ShadowVerdict.Result.FAIL
                : unknown ? ShadowVerdict.Result.NOT_ENOUGH_DATA : ShadowVerdict.Result.PASS;
        return new ShadowVerdict(r, reasons, e);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    @Override
    public String toString() {
        return "ShadowExitCriteria{minMatchRate=" + minMatchRate + ", maxFailureRate="
                + maxFailureRate + ", maxP95IncreasePct=" + maxP95IncreasePct
                + ", maxAbsMeanScoreDelta=" + maxAbsMeanScoreDelta + ", maxCostIncreasePct="
                + maxCostIncreasePct + ", minComparisons=" + minComparisons + "}";
    }

    /** Builds {@link ShadowExitCriteria}. Not thread-safe. */
    public static final class Builder {
        private double minMatchRate = 0.95;
        private double maxFailureRate = 0.03;
        private double maxP95IncreasePct = 15.0;
        private double maxAbsMeanScoreDelta = Double.NaN;
        private double maxCostIncreasePct = Double.NaN;
        private long minComparisons = 100;

        private Builder() {}

        /**
         * @param rate the smallest decision match rate that passes, 0..1 (seed 002: 0.95)
         * @return this builder
         * @throws IllegalArgumentException if outside 0..1
         */
        public Builder minMatchRate(double rate) {
            this.minMatchRate = fraction(rate, "minMatchRate");
            return this;
        }

        /**
         * @param rate the largest failure (handoff) rate that passes, 0..1 (seed 002: 0.03)
         * @return this builder
         * @throws IllegalArgumentException if outside 0..1
         */
        public Builder maxFailureRate(double rate) {
            this.maxFailureRate = fraction(rate, "maxFailureRate");
            return this;
        }

        /**
         * @param pct the largest p95 latency increase over stable, percent (seed 002: 15);
         *     NaN to not check it
         * @return this builder
         * @throws IllegalArgumentException if negative or infinite
         */
        public Builder maxP95IncreasePct(double pct) {
            this.maxP95IncreasePct = optional(pct, "maxP95IncreasePct");
            return this;
        }

        /**
         * @param delta the largest |mean score delta| (candidate - stable) that passes; NaN
         *     (the default) to not check it
         * @return this builder
         * @throws IllegalArgumentException if negative or infinite
         */
        public Builder maxAbsMeanScoreDelta(double delta) {
            this.maxAbsMeanScoreDelta = optional(delta, "maxAbsMeanScoreDelta");
            return this;
        }

        /**
         * @param pct the largest cost-per-call increase over stable, percent; NaN (the
         *     default) to not check it. The live router's statistics carry no cost: checking it
         *     needs a {@link ShadowEvidenceSource} that provides one
         * @return this builder
         * @throws IllegalArgumentException if negative or infinite
         */
        public Builder maxCostIncreasePct(double pct) {
            this.maxCostIncreasePct = optional(pct, "maxCostIncreasePct");
            return this;
        }

        /**
         * @param n comparisons needed before a verdict, {@code >= 1} (default 100)
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder minComparisons(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("minComparisons must be >= 1, but was " + n);
            }
            this.minComparisons = n;
            return this;
        }

        /** @return the criteria */
        public ShadowExitCriteria build() {
            return new ShadowExitCriteria(this);
        }

        private static double fraction(double v, String field) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(field + " must be between 0 and 1, but was "
                        + v);
            }
            return v;
        }

        private static double optional(double v, String field) {
            if (!Double.isNaN(v) && (v < 0 || Double.isInfinite(v))) {
                throw new IllegalArgumentException(field + " must be a finite number >= 0 (or "
                        + "NaN: not checked), but was " + v);
            }
            return v;
        }
    }
}

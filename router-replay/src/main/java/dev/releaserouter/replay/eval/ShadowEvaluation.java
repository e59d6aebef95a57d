package dev.releaserouter.replay.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The verdict of a shadow evaluation: each criterion of a {@link ShadowCriteria} judged against
 * {@link ShadowMeasurements}, with the measured value, the threshold and the sample size.
 * Immutable and thread-safe.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>A criterion is {@link Status#NOT_ENOUGH_DATA} when its sample (comparisons for the match
 *       rate, shadow calls for the failure rate, latency pairs for p95, score pairs for the PSI,
 *       deltas for the mean delta) is smaller than {@link ShadowCriteria#minSamples()}, or its
 *       value cannot be measured; otherwise {@link Status#PASS} if the value is within the
 *       threshold (the bound included) and {@link Status#FAIL} if not.
 *   <li>The zero-impact criterion ({@value ShadowCriteria#SERVED_FROM_SHADOW}) fails on any
 *       answer served from a shadow call, however few calls there were: it counts violations,
 *       it does not estimate a rate. With none it passes once there are enough calls.
 *   <li>The PSI is checked only when the outputs were scores (a PSI was measured) and
 *       {@link ShadowCriteria#maxPsi()} is not NaN; the mean delta only when
 *       {@link ShadowCriteria#maxAbsMeanDelta()} is not NaN. Criteria not checked are listed in
 *       {@link #notChecked()} with the reason.
 *   <li>The verdict is {@link Status#FAIL} if any criterion fails, else
 *       {@link Status#NOT_ENOUGH_DATA} if any lacks data, else {@link Status#PASS}.
 * </ul>
 *
 * <p>{@link #toJson()} writes the {@code shadow_eval.json} document described in
 * {@code docs/shadow.md}.
 */
public final class ShadowEvaluation {

    /** The outcome of one criterion, or of the whole evaluation. */
    public enum Status {
        /** Within the threshold, on enough data. */
        PASS,
        /** Beyond the threshold, on enough data (or any answer served from a shadow call). */
        FAIL,
        /** Too few observations to judge. */
        NOT_ENOUGH_DATA
    }

    /** Which side of the threshold passes. */
    public enum Bound {
        /** Passes when {@code measured <= threshold}. */
        AT_MOST("<="),
        /** Passes when {@code measured >= threshold}. */
        AT_LEAST(">=");

        private final String symbol;

        Bound(String symbol) {
            this.symbol = symbol;
        }

        /** @return {@code "<="} or {@code ">="} */
        public String symbol() {
            return symbol;
        }

        /**
         * @param measured the measured value, not NaN
         * @param threshold the threshold
         * @return whether the measured value is on the passing side (the bound included)
         */
        public boolean holds(double measured, double threshold) {
            return this == AT_MOST ? measured <= threshold : measured >= threshold;
        }
    }

    /**
     * One criterion's result.
     *
     * @param name the criterion, one of the names in {@link ShadowCriteria}
     * @param measured the measured value; NaN if it could not be measured, +Infinity for a p95
     *     increase over a stable p95 of 0
     * @param threshold the threshold
     * @param bound which side of the threshold passes
     * @param status the outcome
     * @param sampleSize the observations the value was measured on
     */
    public record CriterionResult(String name, double measured, double threshold, Bound bound,
            Status status, long sampleSize) {

        /**
         * Creates a result.
         *
         * @param name as described on the record
         * @param measured as described on the record
         * @param threshold as described on the record
         * @param bound as described on the record
         * @param status as described on the record
         * @param sampleSize as described on the record
         * @throws NullPointerException if name, bound or status is null
         */
        public CriterionResult {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(bound, "bound");
            Objects.requireNonNull(status, "status");
        }

        /** @return the comparison that passes: {@code "<="} or {@code ">="} */
        public String comparison() {
            return bound.symbol();
        }
    }

    /**
     * A criterion that was not checked.
     *
     * @param name the criterion
     * @param reason why, e.g. {@code "not configured"}
     */
    public record NotChecked(String name, String reason) {

        /**
         * Creates an entry.
         *
         * @param name as described on the record
         * @param reason as described on the record
         * @throws NullPointerException if an argument is null
         */
        public NotChecked {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reason, "reason");
        }
    }

    private final ShadowMeasurements measurements;
    private final ShadowCriteria thresholds;
    private final Status verdict;
    private final List<CriterionResult> criteria;
    private final List<NotChecked> notChecked;

    private ShadowEvaluation(ShadowMeasurements measurements, ShadowCriteria thresholds,
            List<CriterionResult> criteria, List<NotChecked> notChecked) {
        this.measurements = measurements;
        this.thresholds = thresholds;
        this.criteria = List.copyOf(criteria);
        this.notChecked = List.copyOf(notChecked);
        this.verdict = verdictOf(this.criteria);
    }

    /**
     * Judges measurements against criteria, as described on the class.
     *
     * @param m what was measured
     * @param c the thresholds
     * @return the evaluation
     */
    public static ShadowEvaluation evaluate(ShadowMeasurements m, ShadowCriteria c) {
        Objects.requireNonNull(m, "measurements");
        Objects.requireNonNull(c, "criteria");
        long min = c.minSamples();
        List<CriterionResult> results = new ArrayList<>();
        List<NotChecked> skipped = new ArrayList<>();
        results.add(rate(ShadowCriteria.MATCH_RATE, m.matchRate(), c.minMatchRate(),
                Bound.AT_LEAST, m.comparisons(), min));
        results.add(rate(ShadowCriteria.FAILURE_RATE, m.failureRate(), c.maxFailureRate(),
                Bound.AT_MOST, m.calls(), min));
        results.add(rate(ShadowCriteria.P95_LATENCY_INCREASE_PCT,
                increasePct(m.stableLatency().p95Ms(), m.candidateLatency().p95Ms()),
                c.maxP95IncreasePct(), Bound.AT_MOST,
                Math.min(m.stableLatency().count(), m.candidateLatency().count()), min));
        if (Double.isNaN(c.maxPsi())) {
            skipped.add(new NotChecked(ShadowCriteria.PSI, "not configured"));
        } else if (Double.isNaN(m.psi()) || m.psiSamples() == 0) {
            skipped.add(new NotChecked(ShadowCriteria.PSI, "outputs are not numeric scores"));
        } else {
            results.add(rate(ShadowCriteria.PSI, m.psi(), c.maxPsi(), Bound.AT_MOST,
                    m.psiSamples(), min));
        }
        if (Double.isNaN(c.maxAbsMeanDelta())) {
            skipped.add(new NotChecked(ShadowCriteria.ABS_MEAN_DELTA, "not configured"));
        } else {
            results.add(rate(ShadowCriteria.ABS_MEAN_DELTA, Math.abs(m.scoreDelta().mean()),
                    c.maxAbsMeanDelta(), Bound.AT_MOST, m.scoreDelta().n(), min));
        }
        long served = m.servedFromShadow();
        Status zeroImpact = served > 0 ? Status.FAIL
                : m.calls() < min ? Status.NOT_ENOUGH_DATA : Status.PASS;
        results.add(new CriterionResult(ShadowCriteria.SERVED_FROM_SHADOW, served, 0,
                Bound.AT_MOST, zeroImpact, m.calls()));
        return new ShadowEvaluation(m, c, results, skipped);
    }

    /**
     * @return {@code 100 (candidate - stable) / stable}; 0 when both are 0, +Infinity when only
     *     the stable p95 is 0, NaN when either is unknown
     */
    private static double increasePct(double stableP95, double candidateP95) {
        if (Double.isNaN(stableP95) || Double.isNaN(candidateP95)) {
            return Double.NaN;
        }
        if (stableP95 == 0) {
            return candidateP95 == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        // Multiplying before dividing keeps round values exact: (115 - 100) * 100 / 100 is 15.
        return 100 * (candidateP95 - stableP95) / stableP95;
    }

    private static CriterionResult rate(String name, double measured, double threshold,
            Bound bound, long sampleSize, long minSamples) {
        Status status = sampleSize < minSamples || Double.isNaN(measured)
                ? Status.NOT_ENOUGH_DATA
                : bound.holds(measured, threshold) ? Status.PASS : Status.FAIL;
        return new CriterionResult(name, measured, threshold, bound, status, sampleSize);
    }

    private static Status verdictOf(List<CriterionResult> criteria) {
        Status verdict = Status.PASS;
        for (CriterionResult r : criteria) {
            if (r.status() == Status.FAIL) {
                return Status.FAIL;
            }
            if (r.status() == Status.NOT_ENOUGH_DATA) {
                verdict = Status.NOT_ENOUGH_DATA;
            }
        }
        return verdict;
    }

    /** @return PASS, FAIL or NOT_ENOUGH_DATA, as described on the class */
    public Status verdict() {
        return verdict;
    }

    /** @return the checked criteria in report order, immutable */
    public List<CriterionResult> criteria() {
        return criteria;
    }

    /**
     * @param name a criterion name from {@link ShadowCriteria}
     * @return its result, or empty if it was not checked
     */
    public Optional<CriterionResult> criterion(String name) {
        return criteria.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** @return the criteria that were not checked, with the reason, immutable */
    public List<NotChecked> notChecked() {
        return notChecked;
    }

    /** @return what was measured */
    public ShadowMeasurements measurements() {
        return measurements;
    }

    /** @return the thresholds judged against */
    public ShadowCriteria thresholds() {
        return thresholds;
    }

    /**
     * Renders this evaluation as the {@code shadow_eval.json} document: pretty-printed with
     * two-space indentation, {@code \n} line ends and a final line end, fields in a fixed
     * order, numbers that are not finite written as {@code null}. The schema is documented in
     * {@code docs/shadow.md}.
     *
     * @return the JSON text
     */
    public String toJson() {
        return EvaluationJson.write(this);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof ShadowEvaluation)) {
            return false;
        }
        ShadowEvaluation e = (ShadowEvaluation) o;
        return measurements.equals(e.measurements) && thresholds.equals(e.thresholds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(measurements, thresholds);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("ShadowEvaluation{").append(verdict);
        for (CriterionResult r : criteria) {
            s.append(", ").append(r.name()).append('=').append(r.measured()).append(' ')
                    .append(r.comparison()).append(' ').append(r.threshold()).append(' ')
                    .append(r.status()).append(" (n=").append(r.sampleSize()).append(')');
        }
        return s.append('}').toString();
    }
}

package dev.releaserouter.replay.eval;

import dev.releaserouter.rollout.gates.CriterionResult;
import dev.releaserouter.rollout.gates.CriterionStatus;
import dev.releaserouter.rollout.gates.GateDecision;
import dev.releaserouter.rollout.gates.GateVerdict;
import dev.releaserouter.rollout.gates.MetricCatalog;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.gates.PolicyEvaluator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The verdict of a shadow evaluation: a gate {@link Policy} (by default the shadow SLA,
 * {@link #defaultPolicy()}) evaluated by the one gate engine ({@link PolicyEvaluator}) over
 * {@link ShadowMeasurements}. Shadow runs and rollouts are judged by the same engine, with the
 * same {@link CriterionResult}s, statuses and decision rule. Immutable and thread-safe.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>The measurements are read as a {@code GateInput} whose arms are {@code stable} and
 *       {@code candidate}, with the metrics in {@link #METRICS} (match rate, failure rate,
 *       latency quantiles and their increase, PSI, score deltas, counts, served from shadow).
 *       Each metric's sample is what it was measured on (comparisons for the match rate,
 *       answered calls for latencies, ...), so a criterion with {@code "min_samples_per":
 *       "metric"} is NOT_ENOUGH_DATA on fewer than {@code min_samples} of them. The window is
 *       zero: a policy with a {@code min_window} never passes here.
 *   <li>A criterion that reads a metric these measurements cannot provide at all (the PSI when
 *       the outputs are not numeric scores) is not checked: it is listed in
 *       {@link #notChecked()} with the reason, and left out of {@link #criteria()} and the
 *       decision.
 *   <li>{@link #decision()} follows {@link GateVerdict}'s rule over the checked criteria: any
 *       CRITICAL gives ROLLBACK, else any ALERT or NOT_ENOUGH_DATA gives HOLD, else PROCEED.
 *       In {@code shadow_eval.json} the verdict is written {@code PASS} (PROCEED), {@code FAIL}
 *       (some criterion failed: {@link #failed()}) or {@code NOT_ENOUGH_DATA}.
 * </ul>
 *
 * <p>{@link #toJson()} writes the {@code shadow_eval.json} document described in
 * {@code docs/shadow.md}.
 */
public final class ShadowEvaluation {

    /** The metrics shadow measurements provide, for {@link Policy#requireMetrics}. */
    public static final MetricCatalog METRICS = ShadowGateInput.METRICS;

    /** The classpath resource of the shipped shadow SLA policy. */
    public static final String DEFAULT_POLICY_RESOURCE =
            "dev/releaserouter/replay/eval/shadow-sla.json";

    private static final Policy DEFAULT_POLICY = Policy.fromClasspath(DEFAULT_POLICY_RESOURCE,
            ShadowEvaluation.class.getClassLoader()).requireMetrics(METRICS);

    /**
     * A criterion that was not checked.
     *
     * @param name the criterion
     * @param reason why, e.g. {@code "outputs are not numeric scores"}
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
    private final Policy policy;
    private final GateVerdict gateVerdict;
    private final List<CriterionResult> criteria;
    private final List<NotChecked> notChecked;
    private final GateDecision decision;

    private ShadowEvaluation(ShadowMeasurements measurements, Policy policy,
            GateVerdict gateVerdict, List<CriterionResult> criteria,
            List<NotChecked> notChecked) {
        this.measurements = measurements;
        this.policy = policy;
        this.gateVerdict = gateVerdict;
        this.criteria = List.copyOf(criteria);
        this.notChecked = List.copyOf(notChecked);
        this.decision = decide(this.criteria);
    }

    /**
     * The shipped shadow SLA, {@code shadow-sla.json} (also in
     * {@code docs/examples/shadow}): the policy of {@link ShadowCriteria#defaults()}.
     *
     * @return the policy
     */
    public static Policy defaultPolicy() {
        return DEFAULT_POLICY;
    }

    /**
     * Judges measurements against typed thresholds: {@code evaluate(m, c.toPolicy())}.
     *
     * @param m what was measured
     * @param c the thresholds
     * @return the evaluation
     * @throws NullPointerException if an argument is null
     */
    public static ShadowEvaluation evaluate(ShadowMeasurements m, ShadowCriteria c) {
        Objects.requireNonNull(c, "criteria");
        return evaluate(m, c.equals(ShadowCriteria.defaults()) ? DEFAULT_POLICY : c.toPolicy());
    }

    /**
     * Judges measurements against a gate policy, as described on the class. Check a policy
     * written for shadow runs with {@code policy.requireMetrics(ShadowEvaluation.METRICS)}
     * when loading it: a metric these measurements do not know is NOT_ENOUGH_DATA here.
     *
     * @param m what was measured
     * @param policy the policy, e.g. {@link #defaultPolicy()} or {@code Policy.load(file)}
     * @return the evaluation
     * @throws NullPointerException if an argument is null
     */
    public static ShadowEvaluation evaluate(ShadowMeasurements m, Policy policy) {
        Objects.requireNonNull(m, "measurements");
        Objects.requireNonNull(policy, "policy");
        ShadowGateInput input = new ShadowGateInput(m);
        GateVerdict verdict = PolicyEvaluator.evaluate(policy, input);
        List<CriterionResult> checked = new ArrayList<>();
        List<NotChecked> skipped = new ArrayList<>();
        for (CriterionResult r : verdict.criteria()) {
            String reason = null;
            for (String ref : policy.metricsRead(r.name())) {
                int dot = ref.indexOf('.');
                reason = input.notApplicable(ref.substring(0, dot), ref.substring(dot + 1));
                if (reason != null) {
                    break;
                }
            }
            if (reason != null && r.status() == CriterionStatus.NOT_ENOUGH_DATA) {
                skipped.add(new NotChecked(r.name(), reason));
            } else {
                checked.add(r);
            }
        }
        return new ShadowEvaluation(m, policy, verdict, checked, skipped);
    }

    private static GateDecision decide(List<CriterionResult> criteria) {
        boolean hold = false;
        for (CriterionResult c : criteria) {
            if (c.status() == CriterionStatus.CRITICAL) {
                return GateDecision.ROLLBACK;
            }
            hold |= c.status() != CriterionStatus.OK;
        }
        return hold ? GateDecision.HOLD : GateDecision.PROCEED;
    }

    /** @return PROCEED, HOLD or ROLLBACK over the checked criteria, as described on the class */
    public GateDecision decision() {
        return decision;
    }

    /** @return whether a checked criterion failed (its status is ALERT or CRITICAL) */
    public boolean failed() {
        return criteria.stream().anyMatch(ShadowEvaluation::failed);
    }

    static boolean failed(CriterionResult r) {
        return r.status() == CriterionStatus.ALERT || r.status() == CriterionStatus.CRITICAL;
    }

    /**
     * @return the engine's verdict over every criterion of the policy, those not checked
     *     included (as NOT_ENOUGH_DATA)
     */
    public GateVerdict gateVerdict() {
        return gateVerdict;
    }

    /** @return the checked criteria in policy order, immutable */
    public List<CriterionResult> criteria() {
        return criteria;
    }

    /**
     * @param name a criterion name, e.g. one in {@link ShadowCriteria}
     * @return its result, or empty if it was not checked or the policy has no such criterion
     */
    public Optional<CriterionResult> criterion(String name) {
        return criteria.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /**
     * The observations a criterion was judged on: the smallest of its per-arm samples.
     *
     * @param r a criterion result
     * @return the sample size, 0 if the result names no arm
     */
    public static long sampleSize(CriterionResult r) {
        return r.samples().values().stream().mapToLong(Long::longValue).min().orElse(0);
    }

    /** @return the criteria that were not checked, with the reason, immutable */
    public List<NotChecked> notChecked() {
        return notChecked;
    }

    /** @return what was measured */
    public ShadowMeasurements measurements() {
        return measurements;
    }

    /** @return the policy judged against */
    public Policy policy() {
        return policy;
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
        return measurements.equals(e.measurements) && policy.digest().equals(e.policy.digest());
    }

    @Override
    public int hashCode() {
        return Objects.hash(measurements, policy.digest());
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("ShadowEvaluation{").append(decision);
        for (CriterionResult r : criteria) {
            s.append(", ").append(r.name()).append('=').append(r.value()).append(' ')
                    .append(r.expression()).append(' ').append(r.status()).append(" (n=")
                    .append(sampleSize(r)).append(')');
        }
        return s.append('}').toString();
    }
}

package dev.releaserouter.rollout.gates;

import dev.releaserouter.stats.Interval;
import dev.releaserouter.stats.SequentialTest;
import dev.releaserouter.stats.Uplift;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The outcome of evaluating a {@link Policy} over one window: PROCEED, HOLD or ROLLBACK, the
 * policy's digest, and the evidence for every criterion.
 *
 * <p>Rules: any CRITICAL criterion gives ROLLBACK; otherwise any ALERT gives HOLD; otherwise
 * any NOT_ENOUGH_DATA gives HOLD; otherwise PROCEED.
 *
 * <p>Immutable and thread-safe. Built by {@link PolicyEvaluator}; not intended for external
 * construction.
 */
public final class GateVerdict {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final GateDecision decision;
    private final String policyName;
    private final String policyDigest;
    private final Duration window;
    private final Map<String, Long> samples;
    private final List<CriterionResult> criteria;
    private final List<String> reasons;
    private final Map<String, SequentialTest> sequentialTests;

    GateVerdict(String policyName, String policyDigest, Duration window,
            Map<String, Long> samples, List<CriterionResult> criteria,
            Map<String, SequentialTest> sequentialTests) {
        this.policyName = Objects.requireNonNull(policyName);
        this.policyDigest = Objects.requireNonNull(policyDigest);
        this.window = Objects.requireNonNull(window);
        this.samples = Collections.unmodifiableMap(new LinkedHashMap<>(samples));
        this.criteria = List.copyOf(criteria);
        this.sequentialTests = Map.copyOf(sequentialTests);
        this.decision = decide(this.criteria);
        this.reasons = this.criteria.stream()
                .filter(c -> c.status() != CriterionStatus.OK)
                .map(c -> c.name() + ": " + c.status() + " (" + c.detail() + ")")
                .toList();
    }

    /**
     * The verdict rule over criterion statuses.
     *
     * @param criteria the results
     * @return ROLLBACK if any is CRITICAL, else HOLD if any is ALERT or NOT_ENOUGH_DATA, else
     *     PROCEED
     */
    /**
     * The decision with the failures (ALERT or CRITICAL) of some criteria ignored, as a waiver
     * does. A waived criterion without enough data still holds: a waiver excuses a measured
     * failure, not missing evidence.
     *
     * @param waived names of the criteria whose failures are ignored
     * @return the decision over the other criteria
     * @throws NullPointerException if waived is null
     */
    public GateDecision decisionWaiving(java.util.Set<String> waived) {
        if (waived.isEmpty()) {
            return decision;
        }
        return decide(criteria.stream().filter(c -> !(waived.contains(c.name())
                && (c.status() == CriterionStatus.ALERT
                        || c.status() == CriterionStatus.CRITICAL))).toList());
    }

    static GateDecision decide(List<CriterionResult> criteria) {
        boolean hold = false;
        for (CriterionResult c : criteria) {
            if (c.status() == CriterionStatus.CRITICAL) {
                return GateDecision.ROLLBACK;
            }
            hold |= c.status() != CriterionStatus.OK;
        }
        return hold ? GateDecision.HOLD : GateDecision.PROCEED;
    }

    /**
     * What to do.
     *
     * @return the decision
     */
    public GateDecision decision() {
        return decision;
    }

    /**
     * The evaluated policy's name.
     *
     * @return the name
     */
    public String policyName() {
        return policyName;
    }

    /**
     * SHA-256 hex of the evaluated policy file's canonical bytes ({@link Policy#digest()}).
     *
     * @return the digest
     */
    public String policyDigest() {
        return policyDigest;
    }

    /**
     * The evaluated window's length.
     *
     * @return the window
     */
    public Duration window() {
        return window;
    }

    /**
     * The samples per arm in the window.
     *
     * @return {@code stable} and {@code candidate} sample counts
     */
    public Map<String, Long> samples() {
        return samples;
    }

    /**
     * Every criterion's evidence, in policy order.
     *
     * @return an unmodifiable list
     */
    public List<CriterionResult> criteria() {
        return criteria;
    }

    /**
     * The result of one criterion.
     *
     * @param name the criterion's name
     * @return the result
     * @throws IllegalArgumentException if the policy has no such criterion
     */
    public CriterionResult criterion(String name) {
        return criteria.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no criterion named " + name));
    }

    /**
     * One line per criterion that is not OK, e.g. {@code "p95: CRITICAL (expr is false)"}.
     *
     * @return an unmodifiable list, empty for PROCEED
     */
    public List<String> reasons() {
        return reasons;
    }

    /**
     * One line per criterion, OK ones included, e.g. {@code "errors: OK (fail_when is false:
     * candidate.error_rate 0.0012, 99% bounds [...] not above 0.01 (binomial, n 5120); uplift vs
     * stable: error_rate -0.0003 (99% CI [...]), -20% (99% CI [...]))"}: what every verdict,
     * a PROCEED too, says about each criterion, with the candidate's uplift where it is known.
     *
     * @return an unmodifiable list in policy order
     */
    public List<String> explanation() {
        return criteria.stream().map(c -> c.name() + ": " + c.status() + " (" + c.detail() + ")")
                .toList();
    }

    Map<String, SequentialTest> sequentialTests() {
        return sequentialTests;
    }

    /** The version of {@link #toJson()}'s format. */
    public static final int JSON_SCHEMA_VERSION = 2;

    /**
     * The verdict as one line of JSON for the audit trail and {@code rollout_decision} records:
     * {@code schema_version} ({@value #JSON_SCHEMA_VERSION}), {@code decision}, {@code policy},
     * {@code policy_sha256}, {@code window_seconds}, {@code samples}, {@code reasons} and
     * {@code criteria} (each with {@code name}, {@code type}, {@code expression},
     * {@code severity}, {@code status}, {@code breached}, {@code value}, {@code threshold},
     * {@code observed}, {@code samples}, {@code statistic}, {@code p_value}, {@code streak},
     * {@code consecutive_windows}, {@code detail}, and since version 2 {@code confidence},
     * {@code bounds} and {@code uplift}). Version 2 only adds fields: every field of version 1
     * (which had no {@code schema_version}) keeps its name and meaning. Unknown numbers (NaN)
     * are written as {@code null}.
     *
     * @return the JSON text
     */
    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema_version", JSON_SCHEMA_VERSION);
        root.put("decision", decision.name());
        root.put("policy", policyName);
        root.put("policy_sha256", policyDigest);
        root.put("window_seconds", window.toMillis() / 1000.0);
        ObjectNode s = root.putObject("samples");
        samples.forEach(s::put);
        ArrayNode r = root.putArray("reasons");
        reasons.forEach(r::add);
        ArrayNode list = root.putArray("criteria");
        for (CriterionResult c : criteria) {
            ObjectNode o = list.addObject();
            o.put("name", c.name());
            o.put("type", c.type());
            o.put("expression", c.expression());
            o.put("severity", c.severity().name());
            o.put("status", c.status().name());
            o.put("breached", c.breached());
            number(o, "value", c.value());
            number(o, "threshold", c.threshold());
            ObjectNode observed = o.putObject("observed");
            c.observed().forEach((k, v) -> number(observed, k, v));
            ObjectNode cs = o.putObject("samples");
            c.samples().forEach(cs::put);
            number(o, "statistic", c.statistic());
            number(o, "p_value", c.pValue());
            o.put("streak", c.streak());
            o.put("consecutive_windows", c.consecutiveWindows());
            o.put("detail", c.detail());
            number(o, "confidence", c.confidence());
            ObjectNode bounds = o.putObject("bounds");
            c.estimates().forEach((k, e) -> bounds(bounds.putObject(k), e, c.confidence()));
            ObjectNode uplift = o.putObject("uplift");
            c.uplifts().forEach((k, u) -> uplift(uplift.putObject(k), u));
        }
        return MAPPER.writeValueAsString(root);
    }

    private static void bounds(ObjectNode o, Estimate e, double confidence) {
        number(o, "estimate", e.value());
        number(o, "standard_error", e.standardError());
        o.put("n", e.units());
        boolean bounded = e.isDefined() && confidence >= 0.5 && confidence < 1;
        Interval b = bounded ? e.bounds(confidence) : null;
        number(o, "lower", b == null ? Double.NaN : b.lower());
        number(o, "upper", b == null ? Double.NaN : b.upper());
        o.put("method", e.method());
    }

    private static void uplift(ObjectNode o, Uplift u) {
        number(o, "absolute", u.absolute());
        interval(o.putArray("absolute_ci"), u.absoluteInterval());
        number(o, "relative", u.relative());
        interval(o.putArray("relative_ci"), u.relativeInterval());
        number(o, "confidence", u.confidenceLevel());
    }

    private static void interval(ArrayNode a, Interval i) {
        for (double v : new double[] {i.lower(), i.upper()}) {
            if (Double.isFinite(v)) {
                a.add(v);
            } else if (Double.isNaN(v)) {
                a.addNull();
            } else {
                a.add(v > 0 ? "Infinity" : "-Infinity");
            }
        }
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else if (Double.isNaN(v)) {
            o.putNull(field);
        } else {
            o.put(field, v > 0 ? "Infinity" : "-Infinity");
        }
    }

    @Override
    public String toString() {
        return "GateVerdict[" + decision + ", policy=" + policyName + ", reasons=" + reasons
                + "]";
    }
}

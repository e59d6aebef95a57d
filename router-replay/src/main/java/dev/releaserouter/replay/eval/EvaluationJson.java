package dev.releaserouter.replay.eval;

import dev.releaserouter.rollout.gates.CriterionResult;
import dev.releaserouter.rollout.gates.CriterionStatus;
import dev.releaserouter.rollout.gates.GateDecision;
import dev.releaserouter.rollout.gates.Policy;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes {@code shadow_eval.json}. The field order here is the documented one
 * ({@code docs/shadow.md}) and is pinned by a golden-file test: change both together, and bump
 * {@link #SCHEMA_VERSION} for anything but an added field.
 */
final class EvaluationJson {

    static final int SCHEMA_VERSION = 2;

    private static final Pattern COMPARISON = Pattern.compile("<=|>=|==|!=|<|>");

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = MAPPER.getNodeFactory();
    private static final DefaultIndenter INDENT = new DefaultIndenter("  ", "\n");
    private static final ObjectWriter PRETTY = MAPPER.writer()
            .with(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
                    .withObjectIndenter(INDENT)
                    .withArrayIndenter(INDENT));

    private EvaluationJson() {}

    static String write(ShadowEvaluation e) {
        ShadowMeasurements m = e.measurements();
        Policy policy = e.policy();
        ObjectNode root = NODES.objectNode();
        root.put("schema_version", SCHEMA_VERSION);
        root.put("model", m.model());
        root.put("stable_version", m.stableVersion());
        root.put("candidate_version", m.candidateVersion());
        root.put("verdict", e.decision() == GateDecision.PROCEED ? "PASS"
                : e.failed() ? "FAIL" : "NOT_ENOUGH_DATA");
        root.put("decision", e.decision().name());
        ArrayNode criteria = root.putArray("criteria");
        for (CriterionResult r : e.criteria()) {
            ObjectNode o = criteria.addObject();
            o.put("name", r.name());
            number(o, "measured", r.value());
            o.put("comparison", comparison(r));
            number(o, "threshold", r.threshold());
            o.put("status", r.status() == CriterionStatus.OK ? "PASS"
                    : ShadowEvaluation.failed(r) ? "FAIL" : "NOT_ENOUGH_DATA");
            o.put("sample_size", ShadowEvaluation.sampleSize(r));
            o.put("expression", r.expression());
            o.put("severity", r.severity().name());
            o.put("gate_status", r.status().name());
            o.put("detail", r.detail());
        }
        ArrayNode notChecked = root.putArray("not_checked");
        for (ShadowEvaluation.NotChecked n : e.notChecked()) {
            notChecked.addObject().put("name", n.name()).put("reason", n.reason());
        }
        ObjectNode p = root.putObject("policy");
        p.put("name", policy.name());
        p.put("sha256", policy.digest());
        p.put("min_samples", policy.minSamples());
        ObjectNode params = p.putObject("params");
        for (Map.Entry<String, Double> param : new java.util.TreeMap<>(policy.params())
                .entrySet()) {
            number(params, param.getKey(), param.getValue());
        }
        root.set("measurements", measurements(m));
        return pretty(root);
    }

    /**
     * The comparison that passes: the operator of an expression with one comparison (negated
     * for {@code fail_when}), {@code <=} for {@code psi} and {@code relative_increase}, else
     * null.
     */
    private static @Nullable String comparison(CriterionResult r) {
        if (r.type().equals("psi") || r.type().equals("relative_increase")) {
            return "<=";
        }
        if (!r.type().equals("expression")) {
            return null;
        }
        Matcher op = COMPARISON.matcher(r.expression());
        if (!op.find()) {
            return null;
        }
        String found = op.group();
        if (op.find()) {
            return null; // several comparisons: no single side passes
        }
        if (!r.detail().startsWith("fail_when")) {
            return found;
        }
        return switch (found) {
            case "<" -> ">=";
            case "<=" -> ">";
            case ">" -> "<=";
            case ">=" -> "<";
            case "==" -> "!=";
            default -> "==";
        };
    }

    private static ObjectNode measurements(ShadowMeasurements m) {
        ObjectNode o = NODES.objectNode();
        o.put("calls", m.calls());
        o.putObject("outcomes")
                .put("success", m.successes())
                .put("error", m.errors())
                .put("timeout", m.timeouts())
                .put("invalid_output", m.invalidOutputs());
        o.put("comparisons", m.comparisons());
        o.put("matches", m.matches());
        number(o, "match_rate", m.matchRate());
        o.put("fallbacks", m.fallbacks());
        number(o, "failure_rate", m.failureRate());
        o.put("served_from_shadow", m.servedFromShadow());
        ObjectNode latency = o.putObject("latency_ms");
        latency(latency.putObject("stable"), m.stableLatency());
        latency(latency.putObject("candidate"), m.candidateLatency());
        DeltaSummary d = m.scoreDelta();
        ObjectNode delta = o.putObject("score_delta");
        delta.put("n", d.n());
        number(delta, "mean", d.mean());
        number(delta, "min", d.min());
        number(delta, "max", d.max());
        number(delta, "p05", d.p05());
        number(delta, "p50", d.p50());
        number(delta, "p95", d.p95());
        ObjectNode psi = o.putObject("psi");
        number(psi, "value", m.psi());
        psi.put("samples", m.psiSamples());
        // Added in issue 20, each only when measured: earlier files and readers are unchanged.
        if (m.cost().isMeasured()) {
            cost(o.putObject("cost"), m.cost());
        }
        if (m.violations().checked() > 0) {
            violations(o.putObject("policy_violations"), m.violations());
        }
        if (!m.fairness().dimensions().isEmpty()) {
            fairness(o.putObject("fairness"), m.fairness());
        }
        return o;
    }

    private static void cost(ObjectNode o, CostComparison c) {
        ObjectNode stable = o.putObject("stable").put("calls", c.stableCalls());
        number(stable, "per_call", c.stablePerCall());
        ObjectNode candidate = o.putObject("candidate").put("calls", c.candidateCalls());
        number(candidate, "per_call", c.candidatePerCall());
        number(o, "increase_pct", c.increasePct());
    }

    static void violations(ObjectNode o, ViolationCounts v) {
        o.put("checked", v.checked());
        o.put("total", v.total());
        o.put("critical", v.critical());
        ObjectNode by = o.putObject("by_policy");
        v.byPolicy().forEach((name, c) -> by.putObject(name).put("total", c.total())
                .put("critical", c.critical()));
    }

    private static void fairness(ObjectNode o, FairnessCheck f) {
        o.put("min_segment_comparisons", f.minSegmentComparisons());
        ArrayNode dims = o.putArray("dimensions");
        for (FairnessCheck.Dimension d : f.dimensions()) {
            ObjectNode dn = dims.addObject();
            dn.put("dimension", d.name());
            ArrayNode segments = dn.putArray("segments");
            for (FairnessCheck.Segment s : d.segments()) {
                ObjectNode sn = segments.addObject();
                sn.put("segment", s.segment());
                sn.put("calls", s.calls());
                sn.put("comparisons", s.comparisons());
                number(sn, "match_rate", s.matchRate());
                number(sn, "failure_rate", s.failureRate());
                number(sn, "score_delta_mean", s.deltaMean());
            }
            number(dn, "match_rate_gap", d.matchRateGap());
            number(dn, "score_delta_mean_gap", d.deltaMeanGap());
        }
        FairnessCheck.Dimension worst = f.largestDisparity().orElse(null);
        if (worst == null) {
            o.putNull("largest_disparity");
            return;
        }
        ObjectNode flag = o.putObject("largest_disparity");
        flag.put("dimension", worst.name());
        flag.put("metric", "match_rate");
        flag.put("lowest", worst.lowest());
        flag.put("highest", worst.highest());
        number(flag, "gap", worst.matchRateGap());
    }

    private static void latency(ObjectNode o, LatencySummary l) {
        o.put("count", l.count());
        number(o, "p50", l.p50Ms());
        number(o, "p95", l.p95Ms());
        number(o, "p99", l.p99Ms());
    }

    /** @return the tree as the reports write it: two-space indent, a final line end */
    static String pretty(ObjectNode root) {
        return PRETTY.writeValueAsString(root) + "\n";
    }

    /** JSON has no NaN or infinity: those are written as null. */
    static void number(ObjectNode o, String name, double v) {
        if (Double.isFinite(v)) {
            o.put(name, v);
        } else {
            o.putNull(name);
        }
    }
}

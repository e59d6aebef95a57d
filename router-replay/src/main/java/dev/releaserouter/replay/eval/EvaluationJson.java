package dev.releaserouter.replay.eval;

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

    static final int SCHEMA_VERSION = 1;

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
        ShadowCriteria c = e.thresholds();
        ObjectNode root = NODES.objectNode();
        root.put("schema_version", SCHEMA_VERSION);
        root.put("model", m.model());
        root.put("stable_version", m.stableVersion());
        root.put("candidate_version", m.candidateVersion());
        root.put("verdict", e.verdict().name());
        ArrayNode criteria = root.putArray("criteria");
        for (ShadowEvaluation.CriterionResult r : e.criteria()) {
            ObjectNode o = criteria.addObject();
            o.put("name", r.name());
            number(o, "measured", r.measured());
            o.put("comparison", r.comparison());
            number(o, "threshold", r.threshold());
            o.put("status", r.status().name());
            o.put("sample_size", r.sampleSize());
        }
        ArrayNode notChecked = root.putArray("not_checked");
        for (ShadowEvaluation.NotChecked n : e.notChecked()) {
            notChecked.addObject().put("name", n.name()).put("reason", n.reason());
        }
        ObjectNode t = root.putObject("thresholds");
        number(t, "min_match_rate", c.minMatchRate());
        number(t, "max_failure_rate", c.maxFailureRate());
        number(t, "max_p95_increase_pct", c.maxP95IncreasePct());
        number(t, "max_psi", c.maxPsi());
        number(t, "max_abs_mean_delta", c.maxAbsMeanDelta());
        t.put("max_served_from_shadow", 0);
        t.put("min_samples", c.minSamples());
        root.set("measurements", measurements(m));
        return PRETTY.writeValueAsString(root) + "\n";
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
        return o;
    }

    private static void latency(ObjectNode o, LatencySummary l) {
        o.put("count", l.count());
        number(o, "p50", l.p50Ms());
        number(o, "p95", l.p95Ms());
        number(o, "p99", l.p99Ms());
    }

    /** JSON has no NaN or infinity: those are written as null. */
    private static void number(ObjectNode o, String name, double v) {
        if (Double.isFinite(v)) {
            o.put(name, v);
        } else {
            o.putNull(name);
        }
    }
}

package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The verdict JSON is a wire contract (audit trail, rollout decision records): its golden files
 * change only on purpose.
 */
class VerdictJsonTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** Every criterion type, each status, unknown and infinite numbers. */
    static final Policy EVERY_TYPE = Policies.json("""
            {"name": "golden", "aliases": {"v1": "stable", "v2": "candidate"},
             "min_samples": 10, "params": {"slo": {"p95_ms": 120}},
             "criteria": [
              {"name": "p95", "expr": "v2.p95_ms <= slo.p95_ms", "severity": "CRITICAL",
               "consecutive_windows": 2},
              {"name": "errors", "fail_when": "v2.error_rate > 0.05", "severity": "CRITICAL"},
              {"name": "unknown", "expr": "v2.outcome.missing <= 1", "severity": "ALERT"},
              {"name": "conversion", "type": "non_inferiority", "metric": "outcome.converted",
               "margin": 0.01, "severity": "ALERT"},
              {"name": "harm", "type": "sequential", "metric": "outcome.converted",
               "severity": "CRITICAL"},
              {"name": "drift", "type": "psi", "metric": "score", "max": 0.2,
               "severity": "ALERT"},
              {"name": "cost", "type": "relative_increase", "metric": "cost_per_call",
               "max_pct": 10, "severity": "ALERT"}]}
            """);

    static GateInput everyTypeInput() {
        return MapInput.of().window(Duration.ofMinutes(30))
                .set("candidate.p95_ms", 131).set("stable.p95_ms", 100)
                .set("candidate.error_rate", 0.01)
                .conversions("stable", "outcome.converted", 5000, 500)
                .conversions("candidate", "outcome.converted", 5000, 470)
                .histogram("stable", "score", 50, 30, 20)
                .histogram("candidate", "score", 30, 30, 40)
                .set("stable.cost_per_call", 0).set("candidate.cost_per_call", 0.002);
    }

    /** An error rate judged on its bounds, with its uplift over the stable arm. */
    static final Policy BOUNDS = Policies.json("""
            {"name": "golden-bounds", "aliases": {"v1": "stable", "v2": "candidate"},
             "criteria": [
              {"name": "errors", "fail_when": "v2.error_rate > 0.01", "severity": "CRITICAL",
               "confidence": 0.99},
              {"name": "errors_vs_v1", "expr": "v2.error_rate <= 0.02", "severity": "ALERT"}]}
            """);

    @Test
    void toJson_isTheGoldenFile() throws IOException {
        String json = everyTypeVerdict().toJson();
        Files.writeString(Path.of("target", "verdict.json"), json);

        assertThat(json).isEqualTo(golden("/gates/verdict.golden.json"));
    }

    @Test
    void toJson_withBoundsAndUplift_isTheGoldenFile() throws IOException {
        GateInput in = MapInput.of().errors("stable", 20_000, 40).errors("candidate", 1_000, 6);
        String json = PolicyEvaluator.evaluate(BOUNDS, in).toJson();
        Files.writeString(Path.of("target", "verdict-bounds.json"), json);

        assertThat(json).isEqualTo(golden("/gates/verdict-bounds.golden.json"));
    }

    /**
     * Version 2 adds fields, and explanations (details, reasons) may go on after version 1's
     * text (with the uplift); everything else version 1 wrote is there, unchanged.
     */
    @Test
    void toJson_version2_isVersion1PlusNewFields() throws IOException {
        ObjectNode v2 = (ObjectNode) MAPPER.readTree(everyTypeVerdict().toJson());
        ObjectNode v1 = (ObjectNode) MAPPER.readTree(golden("/gates/verdict-v1.golden.json"));
        assertThat(v2.get("schema_version").asInt()).isEqualTo(2);
        v2.remove("schema_version");
        for (int i = 0; i < v1.get("criteria").size(); i++) {
            ObjectNode old = (ObjectNode) v1.get("criteria").get(i);
            ObjectNode now = (ObjectNode) v2.get("criteria").get(i);
            assertThat(now.get("detail").asString()).startsWith(old.get("detail").asString());
            now.remove(List.of("confidence", "bounds", "uplift", "detail"));
            old.remove("detail");
        }
        for (int i = 0; i < v1.get("reasons").size(); i++) {
            String old = v1.get("reasons").get(i).asString();
            assertThat(v2.get("reasons").get(i).asString())
                    .startsWith(old.substring(0, old.length() - 1));
        }
        v1.remove("reasons");
        v2.remove("reasons");

        assertThat(v2).isEqualTo(v1);
    }

    private static GateVerdict everyTypeVerdict() {
        return PolicyEvaluator.evaluateWindows(EVERY_TYPE,
                List.of(everyTypeInput(), everyTypeInput())).get(1);
    }

    static String golden(String resource) throws IOException {
        try (InputStream in = VerdictJsonTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}

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

/**
 * The verdict JSON is a wire contract (audit trail, rollout decision records): its golden files
 * change only on purpose.
 */
class VerdictJsonTest {

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

    @Test
    void toJson_isTheGoldenFile() throws IOException {
        String json = PolicyEvaluator.evaluateWindows(EVERY_TYPE,
                List.of(everyTypeInput(), everyTypeInput())).get(1).toJson();
        Files.writeString(Path.of("target", "verdict.json"), json);

        assertThat(json).isEqualTo(golden("/gates/verdict-v1.golden.json"));
    }

    static String golden(String resource) throws IOException {
        try (InputStream in = VerdictJsonTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}

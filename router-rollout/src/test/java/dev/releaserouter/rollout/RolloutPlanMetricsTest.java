package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.rollout.gates.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan is judged by {@code ArmMeasurements}: a policy naming a metric they cannot provide is
 * rejected when the plan is built, not on the first tick.
 */
class RolloutPlanMetricsTest {

    @TempDir
    Path dir;

    private Policy policyFile(String criteria) throws IOException {
        Path f = dir.resolve("gate.json");
        Files.writeString(f, "{\"name\": \"g\", \"aliases\": {\"v2\": \"candidate\"},"
                + " \"criteria\": [" + criteria + "]}", StandardCharsets.UTF_8);
        return Policy.load(f);
    }

    private static RolloutPlan.Builder plan(Policy p) {
        return RolloutPlan.builder().model("churn").stableVersion("v1").candidateVersion("v2")
                .stages(500, 10_000).policy(p);
    }

    @Test
    void build_policyNamingAnUnknownMetric_isRejectedWithFilePointerAndKnownMetrics()
            throws IOException {
        Policy p = policyFile("{\"name\": \"ok\", \"expr\": \"v2.p95_ms <= 120\","
                + " \"severity\": \"ALERT\"},"
                + "{\"name\": \"typo\", \"fail_when\": \"v2.error_ratio > 0.01\","
                + " \"severity\": \"CRITICAL\"}");
        assertThatThrownBy(() -> plan(p).build())
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).startsWith("file:").endsWith("gate.json");
                    assertThat(e.pointer()).isEqualTo("/criteria/1/fail_when");
                    assertThat(e.value()).isEqualTo("v2.error_ratio > 0.01");
                    assertThat(e.problem()).contains("'error_ratio'")
                            .contains("error_rate").contains("p95_ms")
                            .contains("outcome.<name>");
                });
    }

    @Test
    void build_psiOnAMetricWithoutAHistogram_isRejected() throws IOException {
        Policy p = policyFile("{\"name\": \"drift\", \"type\": \"psi\", \"metric\": \"p95_ms\","
                + " \"max\": 0.2, \"severity\": \"ALERT\"}");
        assertThatThrownBy(() -> plan(p).build())
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.pointer()).isEqualTo("/criteria/0/metric");
                    assertThat(e.problem()).contains("histogram").contains("score");
                });
    }

    @Test
    void build_conversionTestOfAMetricWithoutCounts_isRejected() throws IOException {
        Policy p = policyFile("{\"name\": \"conv\", \"type\": \"non_inferiority\","
                + " \"metric\": \"conversion\", \"margin\": 0.01, \"severity\": \"ALERT\"}");
        assertThatThrownBy(() -> plan(p).build())
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.pointer()).isEqualTo("/criteria/0/metric");
                    assertThat(e.problem()).contains("outcome.<name>").contains("errors");
                });
    }

    @Test
    void build_seedVocabularyAndOutcomes_areAccepted() throws IOException {
        Policy p = policyFile("{\"name\": \"a\", \"expr\": \"v2.latency_p95_ms <= 120\","
                + " \"severity\": \"ALERT\"},"
                + "{\"name\": \"b\", \"fail_when\": \"v2.error_rate_5xx > 0.01\","
                + " \"severity\": \"CRITICAL\"},"
                + "{\"name\": \"c\", \"fail_when\": \"v2.cost_per_call > 0.002\","
                + " \"severity\": \"ALERT\"},"
                + "{\"name\": \"d\", \"fail_when\": \"v2.outcome.llm_violations > 0\","
                + " \"severity\": \"CRITICAL\"},"
                + "{\"name\": \"e\", \"type\": \"sequential\", \"metric\": \"outcome.converted\","
                + " \"severity\": \"CRITICAL\"},"
                + "{\"name\": \"f\", \"type\": \"psi\", \"max\": 0.2, \"severity\": \"ALERT\"}");
        assertThat(plan(p).build().policy()).isSameAs(p);
    }

    @Test
    void requireMetrics_onALoadedPolicy_rejectsAtLoadTime() throws IOException {
        Policy p = policyFile("{\"name\": \"x\", \"expr\": \"candidate.delta_pp <= 1\","
                + " \"severity\": \"ALERT\"}");
        assertThatThrownBy(() -> p.requireMetrics(
                dev.releaserouter.rollout.measure.SnapshotGateInput.METRICS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gate.json").hasMessageContaining("/criteria/0/expr")
                .hasMessageContaining("'delta_pp'");
    }
}

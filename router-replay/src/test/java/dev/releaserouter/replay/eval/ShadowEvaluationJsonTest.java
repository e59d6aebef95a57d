package dev.releaserouter.replay.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code shadow_eval.json} is a contract: its golden file changes only on purpose. */
class ShadowEvaluationJsonTest {

    static final String GOLDEN = "/shadow/shadow_eval.golden.json";

    /** Two failing criteria, one lacking data and one not checked. */
    static ShadowEvaluation goldenEvaluation() {
        ShadowMeasurements m = ShadowMeasurements.builder()
                .model("churn")
                .stableVersion("v1")
                .candidateVersion("v2")
                .successes(960)
                .errors(12)
                .timeouts(20)
                .invalidOutputs(8)
                .comparisons(960)
                .matches(930)
                .fallbacks(4)
                .servedFromShadow(0)
                .stableLatency(new LatencySummary(968, 12.5, 40.0, 61.25))
                .candidateLatency(new LatencySummary(968, 13.0, 47.5, 80.0))
                .scoreDelta(new DeltaSummary(960, 0.004, -0.31, 0.27, -0.05, 0.0, 0.06))
                .psi(0.0375, 60)
                .build();
        return ShadowEvaluation.evaluate(m, ShadowCriteria.defaults());
    }

    @Test
    void toJson_isTheGoldenFile() throws IOException {
        assertThat(goldenEvaluation().toJson()).isEqualTo(golden());
    }

    @Test
    void toJson_writesEmptyMeasurementsAsNulls_andStaysValidJson() {
        ShadowEvaluation e = ShadowEvaluation.evaluate(ShadowMeasurements.builder().build(),
                ShadowCriteria.defaults());

        JsonNode json = JsonMapper.builder().build().readTree(e.toJson());

        assertThat(json.get("verdict").asString()).isEqualTo("NOT_ENOUGH_DATA");
        assertThat(json.get("criteria").get(0).get("measured").isNull()).isTrue();
        assertThat(json.get("measurements").get("latency_ms").get("stable").get("p95").isNull())
                .isTrue();
        assertThat(json.get("policy").get("name").asString()).isEqualTo("shadow.sla");
    }

    @Test
    void toJson_writesAnInfiniteIncreaseAsNull() {
        ShadowMeasurements m = Healthy.measurements()
                .stableLatency(new LatencySummary(Healthy.N, 0, 0, 0)).build();

        JsonNode json = JsonMapper.builder().build().readTree(
                ShadowEvaluation.evaluate(m, ShadowCriteria.defaults()).toJson());

        JsonNode p95 = json.get("criteria").get(2);
        assertThat(p95.get("name").asString()).isEqualTo("p95_latency_increase_pct");
        assertThat(p95.get("measured").isNull()).isTrue();
        assertThat(p95.get("status").asString()).isEqualTo("FAIL");
    }

    static String golden() throws IOException {
        try (InputStream in = ShadowEvaluationJsonTest.class.getResourceAsStream(GOLDEN)) {
            assertThat(in).as(GOLDEN).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

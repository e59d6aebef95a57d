package dev.releaserouter.replay.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.rollout.gates.GateDecision;
import dev.releaserouter.rollout.gates.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shadow SLA as a Policy: the shipped file, the typed criteria, and a user's own policy. */
class ShadowPolicyParityTest {

    @Test
    void defaultCriteria_renderTheShippedPolicy_andTheDocsCopy() throws IOException {
        assertThat(ShadowCriteria.defaults().toPolicy().digest())
                .isEqualTo(ShadowEvaluation.defaultPolicy().digest());
        Path docs = Path.of("../docs/examples/shadow/shadow-sla.json");
        assertThat(Files.readString(docs, StandardCharsets.UTF_8))
                .isEqualTo(ShadowCriteria.defaults().toPolicyJson());
    }

    /** Before/after parity: the fixtures' verdicts under the old engine (golden: FAIL). */
    @Test
    void goldenFixture_keepsItsVerdictAndStatuses() {
        ShadowEvaluation e = ShadowEvaluationJsonTest.goldenEvaluation();

        assertThat(ShadowVerdicts.verdict(e)).isEqualTo(ShadowVerdicts.FAIL);
        assertThat(e.decision()).isEqualTo(GateDecision.ROLLBACK);
        assertThat(e.criteria()).extracting(r -> r.name() + "=" + r.status())
                .containsExactly("match_rate=OK", "failure_rate=CRITICAL",
                        "p95_latency_increase_pct=CRITICAL", "psi=NOT_ENOUGH_DATA",
                        "served_from_shadow=OK");
    }

    @Test
    void userPolicy_isHonoured() {
        Policy strict = Policy.parse(("{\"name\": \"strict\", \"min_samples\": 10, \"criteria\": ["
                + "{\"name\": \"matches\", \"expr\": \"candidate.match_rate >= 0.995\","
                + " \"severity\": \"ALERT\", \"min_samples_per\": \"metric\"}]}")
                .getBytes(StandardCharsets.UTF_8), "strict.json")
                .requireMetrics(ShadowEvaluation.METRICS);

        ShadowEvaluation e = ShadowEvaluation.evaluate(Healthy.measurements().build(), strict);

        assertThat(e.policy().name()).isEqualTo("strict");
        assertThat(e.criteria()).extracting(r -> r.name()).containsExactly("matches");
        assertThat(e.decision()).isEqualTo(GateDecision.HOLD);
        assertThat(e.failed()).isTrue();
        assertThat(ShadowEvaluation.evaluate(Healthy.measurements().build(),
                ShadowEvaluation.defaultPolicy()).decision()).isEqualTo(GateDecision.PROCEED);
    }
}

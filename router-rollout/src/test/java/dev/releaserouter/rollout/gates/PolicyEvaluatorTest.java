package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PolicyEvaluatorTest {

    private static final Policy TWO = Policies.json("{\"min_samples\": 100,"
            + " \"min_window\": \"30m\","
            + " \"criteria\": ["
            + "{\"name\": \"latency\", \"expr\": \"candidate.p95_ms <= 120\", \"severity\":"
            + " \"ALERT\"},"
            + "{\"name\": \"errors\", \"fail_when\": \"candidate.error_rate > 0.05\","
            + " \"severity\": \"CRITICAL\"}]}");

    private static MapInput good() {
        return MapInput.of().set("candidate.p95_ms", 100).set("candidate.error_rate", 0.01);
    }

    @Test
    void everyCriterionOk_proceeds() {
        GateVerdict v = PolicyEvaluator.evaluate(TWO, good());
        assertThat(v.decision()).isEqualTo(GateDecision.PROCEED);
        assertThat(v.reasons()).isEmpty();
        CriterionResult latency = v.criterion("latency");
        assertThat(latency.status()).isEqualTo(CriterionStatus.OK);
        assertThat(latency.value()).isEqualTo(100);
        assertThat(latency.threshold()).isEqualTo(120);
        assertThat(latency.observed()).containsExactly(Map.entry("candidate.p95_ms", 100.0));
        assertThat(latency.samples()).containsExactly(Map.entry("candidate", 100_000L));
        assertThat(latency.expression()).isEqualTo("candidate.p95_ms <= 120");
        assertThat(v.policyDigest()).isEqualTo(TWO.digest());
    }

    @Test
    void failedAlert_holds() {
        GateVerdict v = PolicyEvaluator.evaluate(TWO, good().set("candidate.p95_ms", 131));
        assertThat(v.decision()).isEqualTo(GateDecision.HOLD);
        assertThat(v.criterion("latency").status()).isEqualTo(CriterionStatus.ALERT);
        assertThat(v.reasons()).singleElement().asString().startsWith("latency: ALERT");
    }

    @Test
    void failedCritical_rollsBack_evenWithAFailedAlertAndMissingData() {
        GateVerdict v = PolicyEvaluator.evaluate(TWO, MapInput.of().set("candidate.error_rate",
                0.2));
        assertThat(v.criterion("latency").status()).isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(v.criterion("errors").status()).isEqualTo(CriterionStatus.CRITICAL);
        assertThat(v.decision()).isEqualTo(GateDecision.ROLLBACK);
    }

    @Test
    void unknownOperand_holds_neverPassesNorFails() {
        GateVerdict v = PolicyEvaluator.evaluate(TWO, MapInput.of().set("candidate.p95_ms", 90));
        assertThat(v.criterion("errors").status()).isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(v.decision()).isEqualTo(GateDecision.HOLD);
    }

    @Test
    void tooFewSamples_holds_evenWhenTheNumbersWouldRollBack() {
        GateVerdict v = PolicyEvaluator.evaluate(TWO,
                good().set("candidate.error_rate", 0.9).samples(GateInput.CANDIDATE, 99));
        assertThat(v.criteria()).extracting(CriterionResult::status)
                .containsOnly(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(v.decision()).isEqualTo(GateDecision.HOLD);
        assertThat(v.criterion("errors").detail()).contains("99 samples");
    }

    @Test
    void samplesOfAnArmTheCriterionDoesNotRead_doNotMatter() {
        GateVerdict v = PolicyEvaluator.evaluate(TWO, good().samples(GateInput.STABLE, 0));
        assertThat(v.decision()).isEqualTo(GateDecision.PROCEED);
    }

    @Test
    void shortWindow_holds() {
        GateVerdict v = PolicyEvaluator.evaluate(TWO, good().window(Duration.ofMinutes(29)));
        assertThat(v.decision()).isEqualTo(GateDecision.HOLD);
        assertThat(v.criterion("latency").detail()).contains("shorter than min_window");
        assertThat(PolicyEvaluator.evaluate(TWO, good().window(Duration.ofMinutes(30)))
                .decision()).isEqualTo(GateDecision.PROCEED);
    }

    @Test
    void criterionMinSamples_overridesThePolicyDefault() {
        Policy p = Policies.json("{\"min_samples\": 1000, \"criteria\": [{\"name\": \"kill\","
                + " \"fail_when\": \"candidate.error_rate > 0.5\", \"severity\": \"CRITICAL\","
                + " \"min_samples\": 20}]}");
        MapInput in = MapInput.of().samples(GateInput.CANDIDATE, 25)
                .set("candidate.error_rate", 0.8);
        assertThat(PolicyEvaluator.evaluate(p, in).decision()).isEqualTo(GateDecision.ROLLBACK);
    }

    @Provide
    Arbitrary<List<CriterionStatus>> statuses() {
        return Arbitraries.of(CriterionStatus.class).list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 300)
    void verdictRule_criticalThenAlertThenMissingDataThenProceed(
            @ForAll("statuses") List<CriterionStatus> statuses) {
        List<CriterionResult> results = new ArrayList<>();
        for (int i = 0; i < statuses.size(); i++) {
            results.add(new CriterionResult("c" + i, "expression", "x", Severity.CRITICAL,
                    statuses.get(i), false, 0, 0, Map.of(), Map.of(), Double.NaN, Double.NaN,
                    0, 1, ""));
        }
        GateDecision expected = statuses.contains(CriterionStatus.CRITICAL)
                ? GateDecision.ROLLBACK
                : statuses.contains(CriterionStatus.ALERT) ? GateDecision.HOLD
                : statuses.contains(CriterionStatus.NOT_ENOUGH_DATA) ? GateDecision.HOLD
                : GateDecision.PROCEED;
        assertThat(GateVerdict.decide(results)).isEqualTo(expected);
    }

    @Test
    void toJson_carriesDecisionDigestAndEvidence_withNullForUnknown() throws Exception {
        GateVerdict v = PolicyEvaluator.evaluate(TWO, MapInput.of().set("candidate.p95_ms", 131)
                .window(Duration.ofHours(1)));
        JsonNode json = JsonMapper.builder().build().readTree(v.toJson());
        assertThat(json.get("decision").asString()).isEqualTo("HOLD");
        assertThat(json.get("policy_sha256").asString()).isEqualTo(TWO.digest());
        assertThat(json.get("window_seconds").asDouble()).isEqualTo(3600);
        assertThat(json.get("samples").get("candidate").asLong()).isEqualTo(100_000);
        JsonNode latency = json.get("criteria").get(0);
        assertThat(latency.get("name").asString()).isEqualTo("latency");
        assertThat(latency.get("status").asString()).isEqualTo("ALERT");
        assertThat(latency.get("value").asDouble()).isEqualTo(131);
        assertThat(latency.get("threshold").asDouble()).isEqualTo(120);
        assertThat(latency.get("expression").asString()).isEqualTo("candidate.p95_ms <= 120");
        assertThat(latency.get("p_value").isNull()).isTrue();
        JsonNode errors = json.get("criteria").get(1);
        assertThat(errors.get("status").asString()).isEqualTo("NOT_ENOUGH_DATA");
        assertThat(errors.get("observed").get("candidate.error_rate").isNull()).isTrue();
        assertThat(json.get("reasons")).hasSize(2);
    }
}

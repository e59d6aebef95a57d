package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The seed's Rego examples, written as policy files in {@code docs/examples/policies}, parse and
 * give the expected verdicts on hand-made windows.
 */
class ExamplePoliciesTest {

    private static Path dir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("docs/examples/policies"))) {
            p = p.getParent();
        }
        assertThat(p).as("docs/examples/policies above the working directory").isNotNull();
        return p.resolve("docs/examples/policies");
    }

    private static Policy load(String name) {
        return Policy.load(dir().resolve(name));
    }

    @Test
    void everyExample_parses_andItsDigestIsTheFileSha256() throws IOException {
        try (Stream<Path> files = Files.list(dir())) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".json")
                    || f.toString().endsWith(".yaml")).toList();
            assertThat(all).hasSizeGreaterThanOrEqualTo(7);
            for (Path f : all) {
                Policy p = Policy.load(f);
                assertThat(p.digest()).isEqualTo(Policy.digestOf(Files.readAllBytes(f)));
                assertThat(p.source()).startsWith("file:").endsWith(f.getFileName().toString());
            }
        }
    }

    private static MapInput promotionWindow() {
        return MapInput.of().window(Duration.ofHours(2)).set("candidate.p95_ms", 110)
                .set("candidate.error_rate", 0.003).set("candidate.cost_per_1k_tokens", 0.35)
                .set("candidate.avg_score", 0.71).set("stable.avg_score", 0.70);
    }

    @Test
    void seed000_promotion_proceedsWhenEverythingHolds() {
        Policy p = load("seed-000-4.1-promotion.json");
        assertThat(PolicyEvaluator.evaluate(p, promotionWindow()).decision())
                .isEqualTo(GateDecision.PROCEED);
    }

    @Test
    void seed000_promotion_holdsOnAnyViolation_orBeforeTwoHours() {
        Policy p = load("seed-000-4.1-promotion.json");
        GateVerdict drift = PolicyEvaluator.evaluate(p, promotionWindow()
                .set("candidate.avg_score", 0.75));
        assertThat(drift.decision()).isEqualTo(GateDecision.HOLD);
        assertThat(drift.criterion("score_close_to_stable").status())
                .isEqualTo(CriterionStatus.ALERT);
        assertThat(drift.criterion("score_close_to_stable").value())
                .isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(PolicyEvaluator.evaluate(p, promotionWindow().set("candidate.p95_ms", 121))
                .decision()).isEqualTo(GateDecision.HOLD);
        assertThat(PolicyEvaluator.evaluate(p, promotionWindow()
                .window(Duration.ofMinutes(119))).decision()).isEqualTo(GateDecision.HOLD);
    }

    @Test
    void seed000_killSwitch_cutsOnCriticalErrorRateOrLatency() {
        Policy p = load("seed-000-4.2-kill-switch.json");
        MapInput calm = MapInput.of().set("candidate.error_rate", 0.01)
                .set("candidate.p95_ms", 200);
        assertThat(PolicyEvaluator.evaluate(p, calm).decision()).isEqualTo(GateDecision.PROCEED);
        assertThat(PolicyEvaluator.evaluate(p, calm.set("candidate.error_rate", 0.06))
                .decision()).isEqualTo(GateDecision.ROLLBACK);
        MapInput slow = MapInput.of().set("candidate.error_rate", 0.01)
                .set("candidate.p95_ms", 501);
        GateVerdict v = PolicyEvaluator.evaluate(p, slow);
        assertThat(v.decision()).isEqualTo(GateDecision.ROLLBACK);
        assertThat(v.criterion("critical_latency").threshold()).isEqualTo(500);
    }

    @Test
    void seed001_canaryGates() {
        Policy p = load("seed-001-7.3-canary.json");
        MapInput pass = MapInput.of().set("candidate.latency_p95_ms", 120)
                .set("candidate.error_rate", 0.005).set("stable.outcome.approved", 0.500)
                .set("candidate.outcome.approved", 0.504)
                .set("candidate.outcome.llm_policy_violations", 0);
        assertThat(PolicyEvaluator.evaluate(p, pass).decision()).isEqualTo(GateDecision.PROCEED);
        assertThat(PolicyEvaluator.evaluate(p, pass.set("candidate.outcome.approved", 0.512))
                .decision()).as("a 1.2 pp decision delta").isEqualTo(GateDecision.HOLD);
        assertThat(PolicyEvaluator.evaluate(p, pass.set("candidate.outcome.approved", 0.504)
                .set("candidate.outcome.llm_policy_violations", 1))
                .decision()).isEqualTo(GateDecision.ROLLBACK);
    }

    @Test
    void seed001_rollbackTriggers_p95OverSloRollsBackOnTheThirdWindow() {
        Policy p = load("seed-001-5-rollback-triggers.json");
        MapInput slow = MapInput.of().set("candidate.p95_ms", 150)
                .set("candidate.error_rate_5xx", 0.001)
                .set("candidate.outcome.llm_critical_violations", 0)
                .set("candidate.cost_per_call", 0.001)
                .histogram(GateInput.STABLE, "score", 25, 25, 25, 25)
                .histogram(GateInput.CANDIDATE, "score", 24, 26, 25, 25);
        assertThat(PolicyEvaluator.evaluateWindows(p, List.of(slow, slow, slow)))
                .extracting(GateVerdict::decision)
                .containsExactly(GateDecision.HOLD, GateDecision.HOLD, GateDecision.ROLLBACK);
        MapInput drifted = MapInput.of().set("candidate.p95_ms", 100)
                .set("candidate.error_rate_5xx", 0.001)
                .set("candidate.outcome.llm_critical_violations", 0)
                .set("candidate.cost_per_call", 0.001)
                .histogram(GateInput.STABLE, "score", 25, 25, 25, 25)
                .histogram(GateInput.CANDIDATE, "score", 70, 10, 10, 10);
        GateVerdict v = PolicyEvaluator.evaluate(p, drifted);
        assertThat(v.criterion("output_drift").status()).isEqualTo(CriterionStatus.CRITICAL);
        assertThat(v.decision()).isEqualTo(GateDecision.ROLLBACK);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"seed-003-gradual-rollout.json",
            "seed-003-gradual-rollout.yaml"})
    void seed003_checkpoint_maeAndErrorRate_inJsonAndInYaml(String file) {
        Policy p = load(file);
        assertThat(p.name()).isEqualTo("ml.gradual_rollout.checkpoint");
        assertThat(p.minWindow()).isEqualTo(Duration.ofMinutes(30));
        MapInput ok = MapInput.of().window(Duration.ofMinutes(30)).samples("stable", 10)
                .samples("candidate", 10).set("stable.mae", 10.0).set("candidate.mae", 10.5)
                .set("candidate.error_rate", 0.0005);
        assertThat(PolicyEvaluator.evaluate(p, ok).decision()).isEqualTo(GateDecision.PROCEED);
        assertThat(PolicyEvaluator.evaluate(p, ok.set("candidate.mae", 12.1)).decision())
                .isEqualTo(GateDecision.ROLLBACK);
        MapInput errors = MapInput.of().window(Duration.ofMinutes(30)).set("stable.mae", 10.0)
                .set("candidate.mae", 10.0).set("candidate.error_rate", 0.002);
        assertThat(PolicyEvaluator.evaluate(p, errors).decision())
                .isEqualTo(GateDecision.ROLLBACK);
        assertThat(PolicyEvaluator.evaluate(p, errors.samples("candidate", 9)).decision())
                .as("fewer than 10 samples").isEqualTo(GateDecision.HOLD);
    }

    @Test
    void statisticalExample() {
        Policy p = load("statistical.json");
        MapInput in = MapInput.of().window(Duration.ofHours(1)).candidateShare(0.5)
                .assigned(GateInput.STABLE, 20_000).assigned(GateInput.CANDIDATE, 20_000)
                .conversions(GateInput.STABLE, "outcome.conversion", 20_000, 2_000)
                .conversions(GateInput.CANDIDATE, "outcome.conversion", 20_000, 2_010)
                .histogram(GateInput.STABLE, "score", 100, 200, 300, 400)
                .histogram(GateInput.CANDIDATE, "score", 110, 190, 300, 400);
        GateVerdict v = PolicyEvaluator.evaluate(p, in);
        assertThat(v.decision()).as(v.reasons().toString()).isEqualTo(GateDecision.PROCEED);

        // The formula of R's power.prop.test(p1 = 0.1, p2 = 0.12, power = 0.8), by SciPy:
        // n = 3840.847482436272 per arm.
        GateVerdict early = PolicyEvaluator.evaluate(p, in
                .conversions(GateInput.STABLE, "outcome.conversion", 3_000, 300)
                .conversions(GateInput.CANDIDATE, "outcome.conversion", 3_000, 301));
        assertThat(early.decision()).isEqualTo(GateDecision.HOLD);
        assertThat(early.criterion("enough_for_2pp").detail())
                .startsWith("candidate 3000 of 3841 needed, stable 3000 of 3841");

        GateVerdict skewed = PolicyEvaluator.evaluate(p, in
                .assigned(GateInput.CANDIDATE, 19_000));
        assertThat(skewed.criterion("split_as_configured").status())
                .isEqualTo(CriterionStatus.ALERT);
        assertThat(skewed.decision()).isEqualTo(GateDecision.HOLD);
    }

    @Test
    void errorRatesFromCounts_areJudgedOnTheirBounds() {
        // Kill switch at 5%, 99%: 60 errors in 1,000 straddle it ([4.5%, 8.0%]); 600 in
        // 10,000 show it ([5.5%, 6.6%]). SciPy binomtest(k, n).proportion_ci(0.98, 'wilson').
        Policy kill = load("seed-000-4.2-kill-switch.json");
        MapInput few = MapInput.of().errors("candidate", 1_000, 60).set("candidate.p95_ms", 200);
        MapInput many = MapInput.of().errors("candidate", 10_000, 600)
                .set("candidate.p95_ms", 200);

        assertThat(PolicyEvaluator.evaluate(kill, few).decision()).isEqualTo(GateDecision.HOLD);
        assertThat(PolicyEvaluator.evaluate(kill, many).decision())
                .isEqualTo(GateDecision.ROLLBACK);

        // Seed 003 at 0.1%, 95%: no error in 2,000 calls is not yet shown within it
        // (upper bound 0.135%); none in 3,000 is (0.090%).
        Policy seed003 = load("seed-003-gradual-rollout.json");
        MapInput base = MapInput.of().window(Duration.ofMinutes(30)).set("stable.mae", 10.0)
                .set("candidate.mae", 10.0);
        assertThat(PolicyEvaluator.evaluate(seed003, base.errors("candidate", 2_000, 0))
                .decision()).isEqualTo(GateDecision.HOLD);
        assertThat(PolicyEvaluator.evaluate(seed003, base.errors("candidate", 3_000, 0))
                .decision()).isEqualTo(GateDecision.PROCEED);
    }
}

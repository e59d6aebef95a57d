package dev.releaserouter.rollout.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.rollout.gates.GateDecision;
import dev.releaserouter.rollout.gates.GateVerdict;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.gates.PolicyEvaluator;
import dev.releaserouter.core.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Measurements feed the gates: the seed's promotion policy (000 section 4.1) end to end. */
class SnapshotGateInputTest {

    static Path policy() {
        Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path docs = here.resolveSibling("docs");
        return (docs.toFile().isDirectory() ? docs : here.resolve("docs"))
                .resolve("examples/policies/seed-000-4.1-promotion.json");
    }

    static ArmMeasurements measure(MutableClock clock, long v2LatencyMs) {
        ArmMeasurements m = ArmMeasurements.builder()
                .clock(clock).window(Duration.ofMinutes(10)).build();
        for (int minute = 0; minute < 130; minute++) { // the policy needs two hours
            for (int i = 0; i < 10; i++) {
                m.recordCall("churn", "v1", 80_000_000L, false, TestOutcomes.cost(0.3, 1000, 0.40));
                m.recordCall("churn", "v2", v2LatencyMs * 1_000_000L, false, TestOutcomes.cost(0.3, 1000, 0.41));
            }
            clock.advance(Duration.ofMinutes(1));
        }
        return m;
    }

    @Test
    void goodCandidate_proceeds_slowCandidate_holds_withTheNumbers() {
        Policy p = Policy.load(policy());
        MutableClock clock = MutableClock.at("2026-11-22T00:00:00Z");
        MeasurementSnapshot good = measure(clock, 90).snapshot("churn", Duration.ofHours(3));
        GateVerdict ok = PolicyEvaluator.evaluate(p, SnapshotGateInput.of(good, "v1", "v2"));
        assertThat(ok.decision()).isEqualTo(GateDecision.PROCEED);

        MeasurementSnapshot slow = measure(MutableClock.at("2026-11-22T00:00:00Z"), 300)
                .snapshot("churn", Duration.ofHours(3));
        GateVerdict hold = PolicyEvaluator.evaluate(p, SnapshotGateInput.of(slow, "v1", "v2"));
        assertThat(hold.decision()).isEqualTo(GateDecision.HOLD);
        assertThat(hold.toJson()).contains("p95_within_slo");
    }

    @Test
    void businessOutcomes_reachStatisticalCriteriaAndExpressions() {
        String json = """
                {"name": "outcomes", "min_window": "PT10M", "min_samples": 100,
                 "criteria": [
                   {"name": "conversion_not_worse", "type": "non_inferiority",
                    "metric": "outcome.converted", "margin": 0.05, "severity": "ALERT"},
                   {"name": "conversion_no_harm", "type": "sequential",
                    "metric": "outcome.converted", "severity": "CRITICAL"},
                   {"name": "conversion_floor", "expr": "candidate.outcome.converted >= 0.05",
                    "severity": "ALERT"}]}
                """;
        Policy p = Policy.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "t");
        MutableClock clock = MutableClock.at("2026-11-22T00:00:00Z");
        dev.releaserouter.api.Router router = TestRouters.fiftyPercentCanary(clock);
        ArmMeasurements m = ArmMeasurements.builder().clock(clock)
                .window(Duration.ofMinutes(10)).build();
        for (int i = 0; i < 4_000; i++) {
            dev.releaserouter.api.RouteRequest r =
                    dev.releaserouter.api.RouteRequest.of("churn", "customer-" + i);
            String version = router.decide(r).version();
            m.recordCall(r.model(), version, 1_000_000L, false);
            TestOutcomes.outcome(router, m, r, "converted", i % 10 == 0 ? 1 : 0); // 10% in both arms
        }
        clock.advance(Duration.ofMinutes(10));
        SnapshotGateInput in = SnapshotGateInput.of(m.snapshot("churn", Duration.ofMinutes(20)),
                "v1", "v2");

        GateVerdict v = PolicyEvaluator.evaluate(p, in);

        assertThat(in.count("candidate", "outcome.converted")).isBetween(150L, 250L);
        assertThat(v.criteria()).allSatisfy(c -> assertThat(c.status().name())
                .as(c.toString()).isEqualTo("OK"));
        assertThat(v.decision()).as(v.reasons().toString()).isEqualTo(GateDecision.PROCEED);
    }

    @Test
    void littleData_holds() {
        Policy p = Policy.load(policy());
        MutableClock clock = MutableClock.at("2026-11-22T00:00:00Z");
        ArmMeasurements m = ArmMeasurements.builder()
                .clock(clock).build();
        m.recordCall("churn", "v2", 1_000_000L, false, TestOutcomes.cost(0.1, 100, 0.4));
        GateVerdict v = PolicyEvaluator.evaluate(p,
                SnapshotGateInput.of(m.snapshot("churn", Duration.ofHours(3)), "v1", "v2"));
        assertThat(v.decision()).isEqualTo(GateDecision.HOLD);
    }

    @Test
    void arms_areStableCandidateOrTheirVersionIds() {
        MutableClock clock = MutableClock.at("2026-11-22T00:00:00Z");
        ArmMeasurements m = ArmMeasurements.builder()
                .clock(clock).build();
        m.recordCall("churn", "v2", 1_000_000L, true);
        SnapshotGateInput in = SnapshotGateInput.of(m.snapshot("churn", Duration.ofMinutes(1)),
                "v1", "v2");
        assertThat(in.value("candidate", "error_rate")).isEqualTo(1.0);
        assertThat(in.value("v2", "requests")).isEqualTo(1.0);
        assertThat(in.count("v2", "errors")).isEqualTo(1);
        assertThat(in.samples("stable")).isZero();
        assertThatThrownBy(() -> in.value("v9", "requests"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("v9");
    }
}

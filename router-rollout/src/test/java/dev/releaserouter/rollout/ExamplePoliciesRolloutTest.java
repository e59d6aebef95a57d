package dev.releaserouter.rollout;

import dev.releaserouter.rollout.measure.TestOutcomes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.hook.OutcomeEvent;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shipped example policy ({@code docs/examples/policies}) drives a real rollout: a router,
 * {@code ArmMeasurements} fed with calls, outcomes and labels, and a controller on a mutable
 * clock. A good v2 walks every stage to PROMOTED; a v2 that fails every call (slow, drifting,
 * violating) is rolled back at the first checkpoint, or held at 5% by the one example that has
 * no CRITICAL criterion (seed 000 section 4.1 is a promotion gate).
 */
class ExamplePoliciesRolloutTest {

    /** What one arm does with a call. */
    record Behaviour(long latencyMs, boolean error, boolean drift, double violations,
            double conversionEvery, double absError) {}

    static final Behaviour GOOD = new Behaviour(60, false, false, 0, 10, 0.1);
    static final Behaviour BAD = new Behaviour(900, true, true, 1, 0, 0.5);
    static final int CALLS_PER_CHECKPOINT = 80_000;

    @TempDir
    Path dir;

    static Path examples() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("docs/examples/policies"))) {
            p = p.getParent();
        }
        assertThat(p).as("docs/examples/policies above the working directory").isNotNull();
        return p.resolve("docs/examples/policies");
    }

    static List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(examples())) {
            return s.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".json") || n.endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyShippedExample_isCovered() throws IOException {
        assertThat(files()).containsExactlyInAnyOrder("seed-000-4.1-promotion.json",
                "seed-000-4.2-kill-switch.json", "seed-001-5-rollback-triggers.json",
                "seed-001-7.3-canary.json", "seed-003-gradual-rollout.json",
                "seed-003-gradual-rollout.yaml", "statistical.json");
    }

    /** A rollout of one example policy on simulated traffic. */
    final class Run {
        final RolloutFixture f = new RolloutFixture();
        // 5-minute windows, 100 kept: enough for seed 000's two-hour min_window.
        final ArmMeasurements measurements = ArmMeasurements.builder().clock(f.clock)
                .window(Duration.ofMinutes(5)).retainedWindows(100).build();
        final RolloutController controller;
        final Duration checkpoint;
        final Map<String, Integer> served = new HashMap<>();
        int entity;

        Run(String file) {
            Policy policy = Policy.load(examples().resolve(file));
            // A checkpoint spans the policy's min_window plus one measurement window.
            Duration min = policy.minWindow().compareTo(Duration.ofMinutes(10)) < 0
                    ? Duration.ofMinutes(10) : policy.minWindow();
            checkpoint = min.plus(Duration.ofMinutes(10));
            RolloutPlan plan = RolloutPlan.builder().model("churn").stableVersion("v1")
                    .candidateVersion("v2").stages(500, 2500, 5000, 10_000)
                    .checkpointDuration(checkpoint).minSamples(policy.minSamples())
                    .policy(policy).build();
            controller = RolloutController.start(f.admin, measurements, plan,
                    new FileRolloutStateStore(dir.resolve(file)), f.clock, "rollout-bot");
        }

        /** Half a checkpoint passes, traffic is served and measured, the rest passes, a tick. */
        RolloutStatus checkpoint(Behaviour candidate) {
            f.clock.advance(checkpoint.dividedBy(2));
            for (int i = 0; i < CALLS_PER_CHECKPOINT; i++) {
                String key = "user-" + entity++;
                RouteDecision d = f.router.decide(RouteRequest.of("churn", key));
                String v = d.version();
                serve(key, v, "v2".equals(v) ? candidate : GOOD);
                if (d.reason() == Reason.CANARY_BUCKET || d.reason() == Reason.STABLE_BUCKET) {
                    // What route() has ArmMeasurements count: the units of the split.
                    measurements.onOutcome(OutcomeEvent.outcome(RouteRequest.of("churn", key),
                            v, ArmMeasurements.ASSIGNED, 1));
                }
            }
            f.clock.advance(checkpoint.dividedBy(2));
            return controller.tick();
        }

        private void serve(String key, String version, Behaviour b) {
            int k = served.merge(version, 1, Integer::sum);
            double score = b.drift() ? 0.975 : ((k % 20) + 0.5) / 20;
            measurements.recordCall("churn", version, Duration.ofMillis(b.latencyMs()).toNanos(),
                    b.error(), TestOutcomes.cost(0.0003, 1, score));
            boolean converts = b.conversionEvery() > 0 && k % (int) b.conversionEvery() == 0;
            TestOutcomes.outcome(f.router, measurements, "churn", key, "conversion",
                    converts ? 1 : 0);
            TestOutcomes.outcome(f.router, measurements, "churn", key, "approved",
                    b.drift() ? 1 : k % 2);
            TestOutcomes.outcome(f.router, measurements, "churn", key, "llm_policy_violations",
                    b.violations());
            TestOutcomes.outcome(f.router, measurements, "churn", key, "llm_critical_violations",
                    b.violations());
            TestOutcomes.label(f.router, measurements, "churn", key, 1.0, 1.0 + b.absError());
        }

        String lastReasons() {
            List<RolloutDecision> d = controller.decisions();
            return d.get(d.size() - 1).action() + " " + d.get(d.size() - 1).reasons();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void goodCandidate_walksEveryStage_toPromoted(String file) {
        Run run = new Run(file);
        for (int bp : new int[] {2500, 5000, 10_000}) {
            assertThat(run.checkpoint(GOOD)).as(run::lastReasons)
                    .isEqualTo(RolloutStatus.RUNNING);
            assertThat(run.controller.currentBasisPoints()).as(run::lastReasons).isEqualTo(bp);
        }
        assertThat(run.checkpoint(GOOD)).as(run::lastReasons).isEqualTo(RolloutStatus.PROMOTED);
        assertThat(run.controller.tickFailures()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void failingCandidate_isRolledBackAtTheFirstCheckpoint_orHeldByAPromotionGate(String file) {
        Run run = new Run(file);
        RolloutStatus status = run.checkpoint(BAD);
        if (file.equals("seed-000-4.1-promotion.json")) {
            assertThat(status).as(run::lastReasons).isEqualTo(RolloutStatus.RUNNING);
            assertThat(run.controller.currentBasisPoints()).isEqualTo(500);
            assertThat(run.controller.decisions().get(1).action())
                    .isEqualTo(RolloutAction.HOLD);
        } else {
            assertThat(status).as(run::lastReasons).isEqualTo(RolloutStatus.ROLLED_BACK);
            assertThat(run.f.candidateShare()).isZero();
            assertThat(run.f.auditCount("kill.on")).isEqualTo(1);
        }
        assertThat(run.controller.tickFailures()).isZero();
    }
}

package dev.releaserouter.rollout.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.hook.ShadowEvent;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.OutputValidator;
import dev.releaserouter.api.shadow.PolicyViolation;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.rollout.gates.CriterionStatus;
import dev.releaserouter.rollout.gates.GateDecision;
import dev.releaserouter.rollout.gates.GateVerdict;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.gates.PolicyEvaluator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Policy violations (seed 001 §4) counted per arm and gated on: "0 critical violations" rolls a
 * canary back at the first critical one (seed 001 §5).
 */
class PolicyViolationCountsTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    /** Seed 001 §5's trigger, in the policy language. */
    static final Policy NO_CRITICAL = Policy.parse(("{\"name\": \"guardrails\","
            + " \"min_samples\": 100, \"criteria\": [{\"name\": \"no_critical_violations\","
            + " \"expr\": \"candidate.critical_policy_violations <= 0\","
            + " \"severity\": \"CRITICAL\", \"min_samples\": 0}]}")
            .getBytes(StandardCharsets.UTF_8), "guardrails.json");

    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private final ArmMeasurements arms = ArmMeasurements.builder().clock(clock).window(MINUTE)
            .build();

    private final AtomicLong nanos = new AtomicLong();
    private Router router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    /** churn at canaryBp for v2; every output containing "@" breaks two policies. */
    private Router start(int canaryBp) {
        OutputValidator<String> guardrail = new OutputValidator<>() {
            @Override
            public @Nullable String problem(@Nullable String output) {
                return null;
            }

            @Override
            public List<PolicyViolation> violations(@Nullable String output) {
                return output != null && output.contains("@")
                        ? List.of(PolicyViolation.critical("pii_leak"),
                                PolicyViolation.warning("tone"))
                        : output != null && output.contains("!")
                        ? List.of(PolicyViolation.warning("tone")) : List.of();
            }
        };
        router = ReleaseRouter.builder()
                .config(Configs.of(Configs.withStage(Configs.churn(canaryBp), "v2",
                        Stage.APPROVED).build()))
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .clock(clock)
                .ticker(nanos::get)
                .model(ModelBinding.<String, String>builder("churn")
                        .version("v1", x -> "fine")
                        .version("v2", x -> x)
                        .validator(guardrail)
                        .build())
                .hook(arms)
                .build();
        return router;
    }

    private static ShadowEvent shadowed(List<PolicyViolation> violations) {
        return new ShadowEvent(RouteRequest.of("churn", "c1"), "v1", "v2",
                ShadowDisposition.SCHEDULED, Optional.of(ShadowOutcome.SUCCESS), 1_000,
                OptionalLong.of(2_000), Optional.of(true), OptionalDouble.empty(), violations);
    }

    private SnapshotGateInput input() {
        return SnapshotGateInput.of(arms.snapshot("churn", MINUTE), "v1", "v2");
    }

    @Test
    void violations_areCountedOnTheArmThatProducedThem_servedAndShadow() {
        start(10_000); // every request served by v2
        router.route(RouteRequest.of("churn", "c1"), "mail ana@x.com");
        router.route(RouteRequest.of("churn", "c2"), "hey!");
        router.route(RouteRequest.of("churn", "c3"), "plain");
        arms.afterShadow(shadowed(List.of(PolicyViolation.critical("prompt_injection"))));

        ArmStats v2 = arms.snapshot("churn", MINUTE).arm("v2");
        assertThat(v2.value("policy_violations")).isEqualTo(4);
        assertThat(v2.value("critical_policy_violations")).isEqualTo(2);
        // two calls broke policies: the warning-only one counts 1, the other 2, the shadow 1
    }

    @Test
    void gate_withOneCriticalViolation_rollsBack_atAnySampleSize() {
        start(10_000);
        router.route(RouteRequest.of("churn", "c1"), "mail ana@x.com");

        GateVerdict v = PolicyEvaluator.evaluate(NO_CRITICAL, input());

        assertThat(v.criterion("no_critical_violations").status())
                .isEqualTo(CriterionStatus.CRITICAL);
        assertThat(v.decision()).isEqualTo(GateDecision.ROLLBACK);
    }

    @Test
    void gate_withOnlyWarnings_proceeds() {
        start(5_000);
        for (int i = 0; i < 50; i++) {
            router.route(RouteRequest.of("churn", "c" + i), "hey!");
        }

        GateVerdict v = PolicyEvaluator.evaluate(NO_CRITICAL, input());

        assertThat(v.criterion("no_critical_violations").status()).isEqualTo(CriterionStatus.OK);
        assertThat(v.decision()).isEqualTo(GateDecision.PROCEED);
    }

    @Test
    void policy_namingTheViolationMetrics_isAcceptedByTheMeasurementsCatalog() {
        assertThat(NO_CRITICAL.requireMetrics(SnapshotGateInput.METRICS)).isSameAs(NO_CRITICAL);
    }
}

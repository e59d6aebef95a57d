package dev.releaserouter.rollout.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.hook.ShadowEvent;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.shadow.OutputValidators;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.Segments;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ArmMeasurements registered as a hook: route() and recordOutcome feed it with no user code. */
class ArmMeasurementsHookTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private final AtomicLong nanos = new AtomicLong();
    private final ArmMeasurements arms = ArmMeasurements.builder().clock(clock).window(MINUTE)
            .build();
    private Router router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    /** churn: v1 stable, v2 approved at canaryBp; v1 takes 45 ms, v2 as given. */
    private Router start(int canaryBp, ModelBinding<Double, Double> binding) {
        router = ReleaseRouter.builder()
                .config(Configs.of(Configs.withStage(Configs.churn(canaryBp), "v2",
                        Stage.APPROVED).build()))
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .clock(clock)
                .ticker(nanos::get)
                .model(binding)
                .hook(arms)
                .build();
        return router;
    }

    private dev.releaserouter.api.shadow.Predictor<Double, Double> takes(long ms, double out) {
        return x -> {
            nanos.addAndGet(ms * 1_000_000);
            return out;
        };
    }

    @Test
    void route_countsTheCallsAssignedByTheSplit_notThoseADenyListSendsToStable() {
        router = ReleaseRouter.builder()
                .config(Configs.of(Configs.withStage(Configs.churn(5_000), "v2", Stage.APPROVED)
                        .deny(Segments.of(Map.of(Dimension.TENANT, Set.of("vip")))).build()))
                .auditSink(new RecordingAuditSink()).hashSecretHex(Configs.SECRET).clock(clock)
                .ticker(nanos::get)
                .model(ModelBinding.<Double, Double>builder("churn")
                        .version("v1", takes(45, 0.1)).version("v2", takes(40, 0.2)).build())
                .hook(arms).build();

        for (int i = 0; i < 300; i++) {
            router.route(RouteRequest.builder("churn", "c" + i).tenant(i % 3 == 0 ? "vip"
                    : "retail").build(), 1.0);
        }

        MeasurementSnapshot s = arms.snapshot("churn", MINUTE);
        SnapshotGateInput in = SnapshotGateInput.of(s, "v1", "v2");
        assertThat(s.arm("v1").requests() + s.arm("v2").requests()).isEqualTo(300);
        // The 100 VIP calls are served by v1 but were not assigned by the 50% split.
        assertThat(in.assigned("stable") + in.assigned("candidate")).isEqualTo(200);
        assertThat(in.assigned("candidate")).isEqualTo(s.arm("v2").requests());
        assertThat(in.assigned("stable")).isEqualTo(s.arm("v1").requests() - 100);
    }

    @Test
    void route_withMeasurementsHook_recordsLatencyPerArm() {
        start(5_000, ModelBinding.<Double, Double>builder("churn")
                .version("v1", takes(45, 0.1)).version("v2", takes(40, 0.2)).build());

        for (int i = 0; i < 200; i++) {
            router.route(RouteRequest.of("churn", "c" + i), 1.0);
        }

        MeasurementSnapshot s = arms.snapshot("churn", MINUTE);
        assertThat(s.arm("v1").requests() + s.arm("v2").requests()).isEqualTo(200);
        assertThat(s.arm("v1").p95Ms()).isCloseTo(45.0, within(0.5));
        assertThat(s.arm("v2").p95Ms()).isCloseTo(40.0, within(0.5));
        assertThat(s.arm("v2").errors()).isZero();
    }

    @Test
    void route_modelThrowsOrOutputInvalid_countsAsAnErrorOfThatVersion() {
        start(10_000, ModelBinding.<Double, Double>builder("churn")
                .version("v1", takes(45, 0.1))
                .version("v2", x -> {
                    if (x < 0) {
                        throw new IllegalStateException("v2 down");
                    }
                    return x;
                })
                .validator(OutputValidators.scoreBetween(0, 1, Double::doubleValue)).build());

        router.route(RouteRequest.of("churn", "c1"), 0.5);
        router.route(RouteRequest.of("churn", "c2"), 2.0); // invalid, served anyway
        assertThatThrownBy(() -> router.route(RouteRequest.of("churn", "c3"), -1.0))
                .hasMessage("v2 down");

        ArmStats v2 = arms.snapshot("churn", MINUTE).arm("v2");
        assertThat(v2.requests()).isEqualTo(3);
        assertThat(v2.errors()).isEqualTo(2);
    }

    @Test
    void route_fallbackToStable_countsAnErrorOfTheCanary_andAServedCallOfStable() {
        start(10_000, ModelBinding.<Double, Double>builder("churn")
                .version("v1", takes(45, 0.1))
                .version("v2", x -> {
                    throw new IllegalStateException("v2 down");
                })
                .fallbackToStable(null).build());

        router.route(RouteRequest.of("churn", "c1"), 1.0);

        MeasurementSnapshot s = arms.snapshot("churn", MINUTE);
        assertThat(s.arm("v2").requests()).isEqualTo(1);
        assertThat(s.arm("v2").errors()).isEqualTo(1);
        assertThat(s.arm("v1").requests()).isEqualTo(1);
        assertThat(s.arm("v1").errors()).isZero();
    }

    @Test
    void recordOutcome_throughTheRouter_joinsTheArm_unknownModelsAreDropped() {
        start(10_000, ModelBinding.<Double, Double>builder("churn")
                .version("v1", takes(45, 0.1)).version("v2", takes(40, 0.2)).build());

        router.recordOutcome("churn", "c1", "retained", 1.0);
        router.recordOutcome("churn", "c2", "retained", 0.0);
        router.recordLabel("churn", "c1", 12.0, 10.0);
        router.recordOutcome("fraud", "c1", "retained", 1.0); // never throws

        ArmStats v2 = arms.snapshot("churn", MINUTE).arm("v2");
        assertThat(v2.value("outcome.retained")).isEqualTo(0.5);
        assertThat(v2.mae()).isEqualTo(2.0);
        assertThat(arms.snapshot("fraud", MINUTE).versions()).isEmpty();
    }

    @Test
    void afterShadow_recordsMatchRateDeltaAndFailures_onTheShadowArm() {
        RouteRequest r = RouteRequest.of("churn", "c1");
        arms.afterShadow(new ShadowEvent(r, "v1", "v2", ShadowDisposition.SCHEDULED,
                Optional.of(ShadowOutcome.SUCCESS), 1, OptionalLong.of(1), Optional.of(true),
                OptionalDouble.of(0.5)));
        arms.afterShadow(new ShadowEvent(r, "v1", "v2", ShadowDisposition.SCHEDULED,
                Optional.of(ShadowOutcome.SUCCESS), 1, OptionalLong.of(1), Optional.of(false),
                OptionalDouble.of(-0.1)));
        arms.afterShadow(new ShadowEvent(r, "v1", "v2", ShadowDisposition.SCHEDULED,
                Optional.of(ShadowOutcome.TIMEOUT), 1, OptionalLong.empty(), Optional.empty(),
                OptionalDouble.empty()));
        arms.afterShadow(new ShadowEvent(r, "v1", "v2", ShadowDisposition.DROPPED,
                Optional.empty(), 1, OptionalLong.empty(), Optional.empty(),
                OptionalDouble.empty()));

        ArmStats v2 = arms.snapshot("churn", MINUTE).arm("v2");
        assertThat(v2.value("outcome." + ArmMeasurements.SHADOW_MATCH)).isEqualTo(0.5);
        assertThat(v2.value("outcome." + ArmMeasurements.SHADOW_DELTA))
                .isCloseTo(0.2, within(1e-9));
        assertThat(v2.value("outcome." + ArmMeasurements.SHADOW_FAILED))
                .isCloseTo(1.0 / 3, within(1e-9));
        assertThat(v2.requests()).isZero(); // a shadow call serves nobody
    }
}

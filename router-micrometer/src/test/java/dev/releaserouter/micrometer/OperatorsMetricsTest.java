package dev.releaserouter.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutFixture;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import dev.releaserouter.rollout.measure.CallCost;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The meters operators alert on and chart (docs/ops.md): decisions by reason, kill switches in
 * force, cost/score/MAE per arm and their deltas to stable, and seed 003's names.
 */
class OperatorsMetricsTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ArmMeasurements arms = ArmMeasurements.builder().clock(clock)
            .window(Duration.ofMinutes(1)).build();
    private final ArmMetrics armMetrics = ArmMetrics.builder(registry).build();
    private RouterAdmin admin;

    @AfterEach
    void close() {
        if (admin != null) {
            admin.router().close();
        }
    }

    /** churn: v1 stable, v2 at 50% with a budget of 3 requests. */
    private RouterAdmin router() {
        admin = ReleaseRouter.builder()
                .config(Configs.of(Configs.churn(5_000).version(VersionConfig.builder("v2")
                        .weightBasisPoints(5_000)
                        .budget(ExposureBudget.builder().maxRequests(3).build()).build())
                        .build()))
                .model(ModelBinding.<String, Double>builder("churn")
                        .version("v1", x -> 0.5).version("v2", x -> 0.5).build())
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .clock(clock)
                .hook(arms)
                .hook(armMetrics)
                .buildWithAdmin();
        return admin;
    }

    private double decisions(String reason) {
        return registry.get(MetricNames.DECISIONS).tags("model", "churn", "reason", reason)
                .counter().count();
    }

    @Test
    void decisions_areCountedByReason_everyReasonFromTheFirstDecision() {
        RouterAdmin a = router();
        a.router().route(RouteRequest.of("churn", "user-0"), "x");
        assertThat(registry.get(MetricNames.DECISIONS).counters()).hasSize(9);
        for (int i = 1; i < 200; i++) {
            a.router().route(RouteRequest.of("churn", "user-" + i), "x");
        }
        assertThat(decisions("canary_bucket")).isEqualTo(3);
        assertThat(decisions("budget_exhausted")).isGreaterThan(50);
        assertThat(decisions("kill_switch")).isZero();
        a.kill(KillTarget.model("churn"), ChangeContext.of("alice", "incident"));
        a.router().route(RouteRequest.of("churn", "user-1"), "x");
        assertThat(decisions("kill_switch")).isEqualTo(1);
    }

    @Test
    void killSwitches_countTheModelsAndTheGlobalOnes() {
        RouterAdmin a = router();
        new RouterMetrics(a.router()).bindTo(registry);
        double before = registry.get(MetricNames.KILL_SWITCHES).tag("model", "churn").gauge()
                .value();
        assertThat(before).isZero();
        a.kill(KillTarget.version("churn", "v2"), ChangeContext.of("alice", "bad v2"));
        assertThat(registry.get(MetricNames.KILL_SWITCHES).gauge().value()).isEqualTo(1);
        a.kill(KillTarget.all(), ChangeContext.of("alice", "stop everything"));
        assertThat(registry.get(MetricNames.KILL_SWITCHES).gauge().value()).isEqualTo(2);
        a.unkill(KillTarget.version("churn", "v2"), ChangeContext.of("alice", "fixed"));
        a.unkill(KillTarget.all(), ChangeContext.of("alice", "fixed"));
        assertThat(registry.get(MetricNames.KILL_SWITCHES).gauge().value()).isZero();
    }

    @Test
    void costScoreAndMae_perArm_andTheirDeltaToStable() {
        RouterAdmin a = router();
        AtomicLong ticker = new AtomicLong();
        ArmQualityMetrics.builder(a.router(), arms).lookback(Duration.ofMinutes(5))
                .ticker(ticker::get).build().bindTo(registry);
        assertThat(gauge(MetricNames.ARM_COST_PER_CALL, "v2")).isNaN();
        for (int i = 0; i < 10; i++) {
            arms.recordCall("churn", "v1", 1_000_000, false, cost(0.002, 0.7));
            arms.recordCall("churn", "v2", 1_000_000, false, cost(0.003, 0.6));
        }
        ticker.addAndGet(2_000_000_000L); // past the one-second snapshot cache
        assertThat(gauge(MetricNames.ARM_COST_PER_CALL, "v1")).isCloseTo(0.002, offset(1e-12));
        assertThat(gauge(MetricNames.ARM_SCORE, "v2")).isCloseTo(0.6, offset(1e-12));
        assertThat(delta("v2", "cost_per_call")).isCloseTo(0.001, offset(1e-12));
        assertThat(delta("v2", "avg_score")).isCloseTo(-0.1, offset(1e-12));
        assertThat(delta("v1", "avg_score")).isZero();
        assertThat(delta("v2", "mae")).as("no labels yet").isNaN();
    }

    @Test
    void qualityGauges_readOneSnapshotPerSecond() {
        RouterAdmin a = router();
        AtomicLong ticker = new AtomicLong();
        ArmQualityMetrics.builder(a.router(), arms).ticker(ticker::get).build()
                .bindTo(registry);
        assertThat(gauge(MetricNames.ARM_SCORE, "v1")).isNaN();
        arms.recordCall("churn", "v1", 1_000_000, false, CallCost.score(0.9));
        assertThat(gauge(MetricNames.ARM_SCORE, "v1")).as("cached").isNaN();
        ticker.addAndGet(1_000_000_000L);
        assertThat(gauge(MetricNames.ARM_SCORE, "v1")).isEqualTo(0.9);
    }

    @Test
    void qualityLookback_mustBePositive() {
        RouterAdmin a = router();
        assertThatThrownBy(() -> ArmQualityMetrics.builder(a.router(), arms)
                .lookback(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    private static CallCost cost(double cost, double score) {
        return new CallCost(java.util.OptionalDouble.of(cost), java.util.OptionalDouble.empty(),
                java.util.OptionalDouble.of(score));
    }

    private double gauge(String name, String version) {
        return registry.get(name).tags("model", "churn", "version", version).gauge().value();
    }

    private double delta(String version, String metric) {
        return registry.get(MetricNames.ARM_DELTA).tags("model", "churn", "version", version,
                "metric", metric).gauge().value();
    }

    @Test
    void seed003Naming_renamesTheRolloutMeters_modelToModelName_andProceedToSuccess() {
        RolloutFixture f = new RolloutFixture();
        SimpleMeterRegistry seed = new SimpleMeterRegistry();
        seed.config().meterFilter(RolloutMeterNaming.seed003());
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        new RolloutMetrics(c).bindTo(seed);
        f.checkpoint(c, 100, 60, 0);
        assertThat(seed.get(MetricNames.SEED_003_STAGE).tag("model_name", "churn").gauge()
                .value()).isEqualTo(2);
        Meter pct = seed.get(MetricNames.SEED_003_TRAFFIC_PCT).meter();
        assertThat(pct.getId().getBaseUnit()).isNull();
        assertThat(seed.get(MetricNames.SEED_003_CHECKPOINT).tags("model_name", "churn",
                "stage", "1", "status", "success").counter().count()).isEqualTo(1);
        assertThat(seed.get(MetricNames.SEED_003_DEGRADATION).counters()).isNotEmpty();
        assertThat(seed.find(MetricNames.ROLLOUT_STAGE).meters()).isEmpty();
        assertThat(seed.get(MetricNames.ROLLOUT_STATUS).meter().getId().getTags())
                .as("other meters keep their names and tags").contains(Tag.of("model", "churn"));
    }
}

package dev.releaserouter.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutFixture;
import dev.releaserouter.rollout.RolloutStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 003's rollout meters, fed by a controller on a mutable clock. */
class RolloutMetricsTest {

    @TempDir
    Path dir;

    private final RolloutFixture f = new RolloutFixture();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private double gauge(String name) {
        return registry.get(name).tags("model", "churn", "version", "v2").gauge().value();
    }

    private double status(RolloutStatus s) {
        return registry.get(MetricNames.ROLLOUT_STATUS).tag("status",
                s.name().toLowerCase(java.util.Locale.ROOT)).gauge().value();
    }

    /** Over every stage. */
    private double checkpoints(String status) {
        return registry.get(MetricNames.ROLLOUT_CHECKPOINTS).tags("model", "churn", "version",
                "v2", "status", status).counters().stream().mapToDouble(Counter::count).sum();
    }

    private double checkpoints(int stage, String status) {
        return registry.get(MetricNames.ROLLOUT_CHECKPOINTS).tags("stage", "" + stage,
                "status", status).counter().count();
    }

    /** Over every stage. */
    private double degradations(String reason, String severity) {
        return registry.find(MetricNames.ROLLOUT_DEGRADATIONS).tags("reason", reason,
                "severity", severity).counters().stream().mapToDouble(Counter::count).sum();
    }

    private double criterionStatus(String criterion) {
        return registry.get(MetricNames.ROLLOUT_CRITERION_STATUS).tags("criterion", criterion,
                "type", "expression").gauge().value();
    }

    @Test
    void everyStagesCounters_existAtZero_fromTheStart() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        new RolloutMetrics(c).bindTo(registry);
        // 4 stages x 3 statuses; 4 stages x 2 criteria x 2 severities.
        assertThat(registry.get(MetricNames.ROLLOUT_CHECKPOINTS).counters()).hasSize(12)
                .allSatisfy(x -> assertThat(x.count()).isZero());
        assertThat(registry.get(MetricNames.ROLLOUT_DEGRADATIONS).counters()).hasSize(16)
                .allSatisfy(x -> assertThat(x.count()).isZero());
        assertThat(registry.find(MetricNames.ROLLOUT_CRITERION_STATUS).gauges()).isEmpty();
    }

    @Test
    void checkpointsAndDegradations_carryTheStageJudged_andCriteriaTheirStatus() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        new RolloutMetrics(c).bindTo(registry);
        f.checkpoint(c, 100, 60, 0); // stage 1 proceeds
        f.checkpoint(c, 100, 200, 0); // stage 2: p95 ALERT, holds
        assertThat(checkpoints(1, "proceed")).isEqualTo(1);
        assertThat(checkpoints(2, "hold")).isEqualTo(1);
        assertThat(checkpoints(2, "proceed")).isZero();
        assertThat(registry.get(MetricNames.ROLLOUT_DEGRADATIONS).tags("stage", "2", "reason",
                "p95", "severity", "alert").counter().count()).isEqualTo(1);
        assertThat(criterionStatus("p95")).isEqualTo(2);
        assertThat(criterionStatus("error_rate")).isZero();
        f.checkpoint(c, 100, 60, 0.5); // error rate CRITICAL at stage 2
        assertThat(criterionStatus("error_rate")).isEqualTo(3);
        assertThat(checkpoints(2, "rollback")).isEqualTo(1);
    }

    @Test
    void stageTrafficAndCheckpoints_followAGoodRollout() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        new RolloutMetrics(c).bindTo(registry);
        assertThat(gauge(MetricNames.ROLLOUT_STAGE)).isEqualTo(1);
        assertThat(gauge(MetricNames.ROLLOUT_TRAFFIC_PERCENT)).isEqualTo(5);
        assertThat(checkpoints("proceed")).isZero();

        f.checkpoint(c, 5, 60, 0); // too little data: HOLD
        assertThat(checkpoints("hold")).isEqualTo(1);
        assertThat(degradations("p95", "alert")).as("no data is not a degradation").isZero();
        f.checkpoint(c, 100, 60, 0);
        f.checkpoint(c, 100, 60, 0);
        assertThat(gauge(MetricNames.ROLLOUT_STAGE)).isEqualTo(3);
        assertThat(gauge(MetricNames.ROLLOUT_TRAFFIC_PERCENT)).isEqualTo(50);
        f.checkpoint(c, 100, 60, 0);
        f.checkpoint(c, 100, 60, 0);
        assertThat(c.status()).isEqualTo(RolloutStatus.PROMOTED);
        assertThat(gauge(MetricNames.ROLLOUT_STAGE)).isEqualTo(4);
        assertThat(gauge(MetricNames.ROLLOUT_TRAFFIC_PERCENT)).isEqualTo(100);
        assertThat(checkpoints("proceed")).isEqualTo(4);
        assertThat(checkpoints("rollback")).isZero();
        assertThat(status(RolloutStatus.PROMOTED)).isEqualTo(1);
        assertThat(status(RolloutStatus.RUNNING)).isZero();
    }

    @Test
    void degradations_areCountedByCriterionAndSeverity_andRollbackZeroesTheTraffic() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        new RolloutMetrics(c).bindTo(registry);
        f.checkpoint(c, 100, 200, 0); // p95 ALERT: hold
        f.checkpoint(c, 100, 200, 0);
        assertThat(degradations("p95", "alert")).isEqualTo(2);
        assertThat(checkpoints("hold")).isEqualTo(2);
        f.checkpoint(c, 100, 60, 0.5); // error rate CRITICAL: rollback
        assertThat(c.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(degradations("error_rate", "critical")).isEqualTo(1);
        assertThat(checkpoints("rollback")).isEqualTo(1);
        assertThat(gauge(MetricNames.ROLLOUT_TRAFFIC_PERCENT)).isZero();
        assertThat(status(RolloutStatus.ROLLED_BACK)).isEqualTo(1);
    }

    @Test
    void manualOperations_areNotCheckpoints() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        new RolloutMetrics(c).bindTo(registry);
        ChangeContext ops = ChangeContext.of("alice", "incident 42");
        c.pause(ops);
        assertThat(status(RolloutStatus.PAUSED)).isEqualTo(1);
        c.resume(ops);
        c.abort(ops);
        assertThat(gauge(MetricNames.ROLLOUT_TRAFFIC_PERCENT)).isZero();
        assertThat(checkpoints("proceed") + checkpoints("hold") + checkpoints("rollback"))
                .isZero();
    }

    @Test
    void failingListener_isCounted_andTheRolloutGoesOn() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        c.addListener((d, v) -> {
            throw new IllegalStateException("alerting is down");
        });
        new RolloutMetrics(c).bindTo(registry);
        f.checkpoint(c, 100, 60, 0);
        assertThat(c.currentBasisPoints()).isEqualTo(2500);
        assertThat(c.listenerFailures()).isEqualTo(1);
        assertThat(checkpoints("proceed")).as("later listeners still run").isEqualTo(1);
    }
}

package dev.releaserouter.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.rollout.FaultyClock;
import dev.releaserouter.rollout.FileRolloutStateStore;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutFixture;
import dev.releaserouter.rollout.RolloutPlan;
import dev.releaserouter.rollout.RolloutTickFailureTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failed rollout ticks as meters (the controller's side is {@code RolloutTickFailureTest}). */
class RolloutTickFailureMetricsTest {

    @TempDir
    Path dir;

    private final RolloutFixture f = new RolloutFixture();
    private final FaultyClock clock = new FaultyClock(f.clock);

    private RolloutController start(RolloutPlan plan) {
        return RolloutController.start(f.admin, f.measurements, plan,
                new FileRolloutStateStore(dir), clock, "rollout-bot");
    }

    private static Throwable fault(String kind) {
        return RolloutTickFailureTest.fault(kind);
    }

    @Test
    void rolloutMetrics_countFailedTicks_andShowTheStreak() {
        RolloutController c = start(f.plan(RolloutFixture.POLICY).build());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new RolloutMetrics(c).bindTo(registry);
        clock.failWith(() -> fault("runtime"));
        c.tick();
        c.tick();
        assertThat(registry.get(MetricNames.ROLLOUT_TICK_FAILURES).functionCounter().count())
                .isEqualTo(2);
        assertThat(registry.get(MetricNames.ROLLOUT_TICK_FAILURES_CONSECUTIVE).gauge().value())
                .isEqualTo(2);
        assertThat(registry.get(MetricNames.ROLLOUT_CHECKPOINTS).tag("status", "hold")
                .counters()).as("a failed tick is not a gate evaluation")
                .allSatisfy(x -> assertThat(x.count()).isZero());
    }
}

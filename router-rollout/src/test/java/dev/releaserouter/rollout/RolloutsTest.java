package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rollouts.start: a rollout started from the router alone. */
class RolloutsTest {

    final RolloutFixture f = new RolloutFixture();

    @AfterEach
    void close() {
        f.router.close();
    }

    @Test
    void start_findsTheMeasurementsHookAndTheRoutersClock_andActsAsRolloutController() {
        RolloutController c = Rollouts.start(f.admin, f.plan(RolloutFixture.POLICY).build());

        assertThat(c.currentBasisPoints()).isEqualTo(500);
        assertThat(f.audit.events.get(f.audit.events.size() - 1).actor())
                .isEqualTo(Rollouts.DEFAULT_ACTOR);
        assertThat(f.checkpoint(c, 100, 60, 0.0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.currentBasisPoints()).isEqualTo(2500); // the hook's windows were judged
        assertThat(c.decisions().get(1).time()).isEqualTo(f.clock.instant());
    }

    @Test
    void builder_overridesTheActorAndTheStateStore(@TempDir Path dir) {
        RolloutPlan plan = f.plan(RolloutFixture.POLICY).build();
        Rollouts.builder(f.admin, plan).actor("release-bot")
                .stateStore(new FileRolloutStateStore(dir)).start();

        assertThat(f.audit.events.get(f.audit.events.size() - 1).actor())
                .isEqualTo("release-bot");
        assertThat(new FileRolloutStateStore(dir).load("churn")).isPresent();
    }

    @Test
    void start_withoutAMeasurementsHook_failsNamingTheLineToAdd() {
        RouterAdmin bare = ReleaseRouter.builder()
                .config(Configs.of(Configs.churn(0).build()))
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .buildWithAdmin();
        try (Router router = bare.router()) {
            assertThatThrownBy(() -> Rollouts.start(bare, f.plan(RolloutFixture.POLICY).build()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no ArmMeasurements hook")
                    .hasMessageContaining(".hook(ArmMeasurements.builder().clock(clock)"
                            + ".build())");
        }
    }
}

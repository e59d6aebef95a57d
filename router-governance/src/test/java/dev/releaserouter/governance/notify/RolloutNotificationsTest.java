package dev.releaserouter.governance.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.notify.Notification;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutFixture;
import dev.releaserouter.rollout.RolloutStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rollout decisions as notifications (seed 004 §8: "durante", {@code rollback}). */
class RolloutNotificationsTest {

    @TempDir
    Path dir;

    final RolloutFixture f = new RolloutFixture();
    final List<Notification> sent = new CopyOnWriteArrayList<>();

    @Test
    void checkpointsAreRolloutDecisions_andACriticalSpikeIsARollback() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        c.addListener(RolloutNotifications.of(sent::add));

        f.checkpoint(c, 100, 60, 0);
        f.clock.advance(Duration.ofMinutes(5));
        f.record(100, 60, 0.5);
        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);

        assertThat(sent).extracting(Notification::type).containsExactly(
                Notification.Type.ROLLOUT_DECISION, Notification.Type.ROLLBACK);
        Notification proceed = sent.get(0);
        assertThat(proceed.model()).isEqualTo(c.decisions().get(1).model());
        assertThat(proceed.version()).isEqualTo(c.decisions().get(1).candidate());
        assertThat(proceed.time()).isEqualTo(c.decisions().get(1).time());
        assertThat(proceed.details()).containsEntry("action", "proceed")
                .containsEntry("status", "running")
                .containsEntry("stage", String.valueOf(c.decisions().get(1).stageIndex() + 1))
                .containsKeys("candidate_percent", "policy_digest", "dry_run");
        Notification rollback = sent.get(1);
        assertThat(rollback.details()).containsEntry("action", "rollback")
                .containsEntry("status", "rolled_back");
        assertThat(rollback.reason()).isEqualTo(String.join("; ",
                c.decisions().get(c.decisions().size() - 1).reasons()));
    }

    @Test
    void onlyTheChosenActionsAreNotified() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        c.addListener(RolloutNotifications.of(sent::add, EnumSet.of(RolloutAction.ROLLBACK)));

        f.checkpoint(c, 100, 60, 0);
        assertThat(sent).isEmpty();
        f.clock.advance(Duration.ofMinutes(5));
        f.record(100, 60, 0.5);
        c.tick();

        assertThat(sent).extracting(Notification::type)
                .containsExactly(Notification.Type.ROLLBACK);
    }

    @Test
    void rolloutDecisions_reachAWebhook() {
        try (LocalWebhookServer server = new LocalWebhookServer();
                WebhookNotifier webhook = WebhookNotifier.builder(server.uri()).build()) {
            RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
            c.addListener(RolloutNotifications.of(webhook));

            f.checkpoint(c, 100, 60, 0);

            Polling.await(() -> webhook.stats().delivered() == 1);
            assertThat(server.received.get(0).header(WebhookNotifier.EVENT_HEADER))
                    .isEqualTo("rollout_decision");
            assertThat(server.received.get(0).body()).contains("\"action\":\"proceed\"");
            assertThat(c.listenerFailures()).isZero();
        }
    }
}

package dev.releaserouter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.redis.testing.RedisServer;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutFixture;
import dev.releaserouter.rollout.RolloutLease;
import dev.releaserouter.rollout.RolloutPlan;
import dev.releaserouter.rollout.RolloutState;
import dev.releaserouter.rollout.RolloutStatus;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis restarted empty (no persistence) in the middle of a rollout led by instance a, with b on
 * standby: the rollout state and the lease are gone, the override document survives in every
 * router's memory and is re-seeded. Neither controller starts the rollout again at stage 1.
 */
class RedisRolloutStoreLossTest {

    private static final Duration TTL = Duration.ofMinutes(15);

    private final RolloutFixture f = new RolloutFixture();
    private RedisServer redis;
    private RedisFleet fleetA;
    private RedisFleet fleetB;
    private RouterAdmin adminA;
    private RouterAdmin adminB;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        String prefix = "loss-" + UUID.randomUUID() + ":";
        fleetA = RedisFleet.builder(redis.uri()).instanceId("a").keyPrefix(prefix).build();
        fleetB = RedisFleet.builder(redis.uri()).instanceId("b").keyPrefix(prefix).build();
        adminA = admin(fleetA);
        adminB = admin(fleetB);
    }

    private RouterAdmin admin(RedisFleet fleet) {
        return ReleaseRouter.builder().config(Configs.of(Configs.churn(0).build()))
                .hashSecretHex(Configs.SECRET).auditSink(new RecordingAuditSink())
                .clock(f.clock).hook(f.measurements).overrideStore(fleet.overrideStore())
                .buildWithAdmin();
    }

    @AfterEach
    void stop() {
        adminA.router().close();
        adminB.router().close();
        fleetA.close();
        fleetB.close();
        redis.close();
    }

    private RolloutController controller(RouterAdmin admin, RedisFleet fleet) {
        RolloutPlan plan = f.plan(RolloutFixture.POLICY).build();
        return RolloutController.start(admin, f.measurements, plan, fleet.rolloutStateStore(),
                f.clock, "rollout-bot", RolloutLease.of(fleet.lease(), TTL));
    }

    private int weightSeenBy(RouterAdmin admin) {
        return admin.router().config().model("churn").version("v2").weightBasisPoints();
    }

    private void restartEmpty() {
        redis.kill();
        redis.restart();
        // the fleet's document is re-seeded by the first router to notice the empty Redis, and
        // both fleets are connected again
        Polling.await(() -> fleetA.status().connected() && fleetB.status().connected()
                && redis.command("HGET", fleetA.connections().keyPrefix() + "overrides",
                        "content").contains("v2"), Duration.ofSeconds(5));
    }

    @Test
    void leaderAfterAnEmptyRestart_resumesAtTheSameStageAndCheckpoint() {
        RolloutController a = controller(adminA, fleetA);
        RolloutController b = controller(adminB, fleetB);
        f.checkpoint(a, 100, 50, 0);
        f.checkpoint(a, 100, 50, 0);
        RolloutState before = a.state();
        assertThat(before.stageIndex()).isEqualTo(2);
        Polling.await(() -> weightSeenBy(adminB) == 5000);

        restartEmpty();

        assertThat(a.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(a.state()).as("same stage, same checkpoint start").isEqualTo(before);
        assertThat(fleetB.rolloutStateStore().load("churn")).contains(before);
        assertThat(b.tick()).isEqualTo(RolloutStatus.STANDBY);
        assertThat(weightSeenBy(adminA)).isEqualTo(5000);
        assertThat(weightSeenBy(adminB)).isEqualTo(5000);
    }

    @Test
    void standbyAfterAnEmptyRestartAndALostLeader_rebuildsTheStage_fromTheFleetsRouting() {
        RolloutController a = controller(adminA, fleetA);
        RolloutController b = controller(adminB, fleetB);
        f.checkpoint(a, 100, 50, 0);
        Polling.await(() -> weightSeenBy(adminB) == 2500);

        restartEmpty(); // and a is never ticked again (its instance died with Redis)

        assertThat(b.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(b.state().stageIndex()).as("stage 2 (25%), not stage 1").isEqualTo(1);
        assertThat(weightSeenBy(adminB)).isEqualTo(2500);
        int v2 = 0;
        for (int i = 0; i < 2000; i++) {
            if ("v2".equals(adminB.router().decide(RouteRequest.of("churn", "user-" + i))
                    .version())) {
                v2++;
            }
        }
        assertThat(v2).as("about 25% of 2000 entities, not 5%").isBetween(400, 600);
    }
}

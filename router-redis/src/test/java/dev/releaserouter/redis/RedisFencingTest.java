package dev.releaserouter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.spi.LeaseGrant;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.redis.testing.RedisServer;
import dev.releaserouter.rollout.FencedWriteException;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutFixture;
import dev.releaserouter.rollout.RolloutLease;
import dev.releaserouter.rollout.RolloutPlan;
import dev.releaserouter.rollout.RolloutState;
import dev.releaserouter.rollout.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two controllers believing they lead: Redis accepts only the current leaseholder's writes
 * (the fencing token and holder are checked in the same Lua script as the write), also after a
 * failover forgot the last grant (reproduced by writing the state a promoted replica would have).
 */
class RedisFencingTest {

    private static final Duration TTL = Duration.ofMinutes(15);

    private RedisServer redis;
    private RedisFleet fleetA;
    private RedisFleet fleetB;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        String prefix = "fence-" + UUID.randomUUID() + ":";
        fleetA = RedisFleet.builder(redis.uri()).instanceId("a").keyPrefix(prefix).build();
        fleetB = RedisFleet.builder(redis.uri()).instanceId("b").keyPrefix(prefix).build();
    }

    @AfterEach
    void stop() {
        fleetA.close();
        fleetB.close();
        redis.close();
    }

    /** The lease lapses as if its holder had not renewed for the TTL (server-side expiry). */
    private void expire(String name) {
        redis.command("EVAL", "return redis.call('DEL', KEYS[1])", "1",
                fleetA.connections().keyPrefix() + "lease:" + name);
    }

    @Test
    void staleGrant_writeIsRefused_theNewHoldersStateStands() {
        String name = RolloutLease.name("churn");
        LeaseGrant a = fleetA.lease().tryAcquire(name, "a", TTL).orElseThrow();
        RolloutState s1 = new RolloutState("churn", "v2", 1, Instant.parse(
                "2026-11-22T10:00:00Z"), RolloutStatus.RUNNING, "sha256:abc");
        fleetA.rolloutStateStore().save(s1, a);
        expire(name);
        LeaseGrant b = fleetB.lease().tryAcquire(name, "b", TTL).orElseThrow();
        RolloutState s2 = new RolloutState("churn", "v2", 2, Instant.parse(
                "2026-11-22T10:10:00Z"), RolloutStatus.RUNNING, "sha256:abc");
        fleetB.rolloutStateStore().save(s2, b);

        RolloutState stale = new RolloutState("churn", "v2", 0, Instant.parse(
                "2026-11-22T10:20:00Z"), RolloutStatus.ROLLED_BACK, "sha256:abc");
        assertThatThrownBy(() -> fleetA.rolloutStateStore().save(stale, a))
                .isInstanceOf(FencedWriteException.class)
                .hasMessageContaining("token " + a.fencingToken());

        assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
        assertThat(fleetB.rolloutStateStore().load("churn")).contains(s2);
    }

    @Test
    void pausedExLeader_cannotChangeWeights_afterAnotherInstanceTookTheLease() {
        RouterAdmin routerA = ReleaseRouter.builder().config(Configs.of(Configs.churn(500)
                .build())).hashSecretHex(Configs.SECRET).auditSink(new RecordingAuditSink())
                .overrideStore(fleetA.overrideStore()).buildWithAdmin();
        RouterAdmin routerB = ReleaseRouter.builder().config(Configs.of(Configs.churn(500)
                .build())).hashSecretHex(Configs.SECRET).auditSink(new RecordingAuditSink())
                .overrideStore(fleetB.overrideStore()).buildWithAdmin();
        try {
            String name = RolloutLease.name("churn");
            LeaseGrant a = fleetA.lease().tryAcquire(name, "a", TTL).orElseThrow();
            ChangeContext byA = ChangeContext.of("rollout-controller", "stage 2").withFence(a);
            routerA.setWeight("churn", "v2", 2_500, byA); // while A leads: accepted

            expire(name); // A pauses past its lease; B takes over
            LeaseGrant b = fleetB.lease().tryAcquire(name, "b", TTL).orElseThrow();
            routerB.setWeight("churn", "v2", 0, ChangeContext.of("rollout-controller",
                    "rollback").withFence(b));

            assertThatThrownBy(() -> routerA.setWeight("churn", "v2", 5_000, byA))
                    .as("A wakes up and acts on its old grant")
                    .isInstanceOf(FencedWriteException.class)
                    .hasMessageContaining("token " + a.fencingToken());
            assertThat(fleetB.overrideStore().load().content())
                    .as("B's rollback stands").doesNotContain("5000");
            dev.releaserouter.core.testing.Polling.await(() -> routerA.router().config()
                    .model("churn").version("v2").weightBasisPoints() == 0);
        } finally {
            routerA.router().close();
            routerB.router().close();
        }
    }

    @Test
    void twoControllersBelievingTheyLead_onlyTheCurrentHoldersWritesLand() {
        RolloutFixture f = new RolloutFixture();
        RolloutPlan plan = f.plan(RolloutFixture.POLICY).build();
        RolloutController a = RolloutController.start(f.admin, f.measurements, plan,
                fleetA.rolloutStateStore(), f.clock, "rollout-bot",
                RolloutLease.of(fleetA.lease(), TTL));
        RolloutController b = RolloutController.start(f.admin, f.measurements, plan,
                fleetB.rolloutStateStore(), f.clock, "rollout-bot",
                RolloutLease.of(fleetB.lease(), TTL));
        assertThat(a.status()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(b.status()).isEqualTo(RolloutStatus.STANDBY);

        // a freezes; its lease lapses on the server; b takes over, resuming a's rollout.
        expire(RolloutLease.name("churn"));
        assertThat(b.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(b.restored()).isTrue();
        assertThat(a.leading()).as("a has not noticed").isTrue();

        // a wakes up and writes with its old grant, as if between a renewal and a write.
        LeaseGrant stale = a.leaseGrant().orElseThrow();
        assertThatThrownBy(() -> fleetA.rolloutStateStore().save(new RolloutState(
                "churn", "v2", 0, a.state().checkpointStart(), RolloutStatus.PAUSED,
                a.state().policyDigest()), stale))
                .isInstanceOf(FencedWriteException.class);
        // And through the controller: its next tick finds b holding the lease.
        assertThat(a.tick()).isEqualTo(RolloutStatus.STANDBY);
        assertThatThrownBy(() -> a.pause(ChangeContext.of("ops", "stale")))
                .isInstanceOf(IllegalStateException.class);
        assertThat(fleetA.rolloutStateStore().load("churn").orElseThrow().status())
                .isEqualTo(RolloutStatus.RUNNING);
        assertThat(a.tickFailures()).isZero();
    }

    private long serverMillis() {
        List<?> t = (List<?>) redis.query("TIME");
        return Long.parseLong((String) t.get(0)) * 1000 + Long.parseLong((String) t.get(1)) / 1000;
    }

    @Test
    void grantForgottenByAFailover_theNextGrantStillHasAGreaterToken() {
        String name = RolloutLease.name("churn");
        String prefix = fleetA.connections().keyPrefix();
        LeaseGrant first = fleetA.lease().tryAcquire(name, "a", TTL).orElseThrow();
        fleetA.lease().release(first);
        String counterAfterFirst = String.valueOf(redis.query("GET", prefix + "lease-token:"
                + name));
        LeaseGrant lost = fleetB.lease().tryAcquire(name, "b", TTL).orElseThrow();
        // The promoted replica had the counter of the first grant, not the lost one.
        redis.query("DEL", prefix + "lease:" + name);
        redis.query("SET", prefix + "lease-token:" + name, counterAfterFirst);
        // A real failover takes at least down-after-milliseconds; here 1 ms of server time.
        Polling.await(() -> serverMillis() > lost.fencingToken());

        LeaseGrant next = fleetA.lease().tryAcquire(name, "a", TTL).orElseThrow();

        assertThat(lost.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(next.fencingToken()).as("not the lost grant's token again")
                .isGreaterThan(lost.fencingToken());
    }

    @Test
    void writeFencedByTheCurrentTokenButAnotherHolder_isRefused() {
        String name = RolloutLease.name("churn");
        LeaseGrant current = fleetA.lease().tryAcquire(name, "a", TTL).orElseThrow();
        // The same token in another holder's hands: what a failover that lost a grant and
        // handed its token out again would produce without time-based tokens.
        LeaseGrant twin = new LeaseGrant(name, "b", current.fencingToken(),
                current.expiresAt());
        RolloutState s = new RolloutState("churn", "v2", 1, Instant.parse(
                "2026-11-22T10:00:00Z"), RolloutStatus.RUNNING, "sha256:abc");

        assertThatThrownBy(() -> fleetB.rolloutStateStore().save(s, twin))
                .isInstanceOf(FencedWriteException.class).hasMessageContaining("held by a");
        assertThatThrownBy(() -> fleetB.overrideStore().compareAndSet(0, "{}", twin))
                .isInstanceOf(FencedWriteException.class);
        fleetA.rolloutStateStore().save(s, current);
        assertThat(fleetA.rolloutStateStore().load("churn")).contains(s);
    }
}

package dev.releaserouter.redis;

import static dev.releaserouter.core.testing.Configs.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.spi.LeaseGrant;
import dev.releaserouter.api.spi.WindowSummary;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.audit.AuditVerification;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.rollout.FencedWriteException;
import dev.releaserouter.rollout.RolloutState;
import dev.releaserouter.rollout.RolloutStatus;
import dev.releaserouter.redis.testing.RedisReplicaSet;
import dev.releaserouter.redis.testing.RedisServer;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A failover to a replica that lacks the primary's last writes, made deterministic: the
 * replication is cut ({@link RedisReplicaSet#cutReplication()}), the fleet keeps writing to the
 * primary, and the primary is killed; Sentinel promotes a replica that has only what was
 * replicated before the cut. With {@code replicaAcks} nothing the fleet used or reported as done
 * is lost; without, the budget is exceeded and the last audit entries are gone (the documented
 * limits), while fencing tokens, fences and the override document still hold.
 */
class RedisReplicaAcksTest {

    private static final ChangeContext OPS = ChangeContext.of("ops@example.com", "acks");
    private static final long LIMIT = 300;
    private static final int ALLOTMENT = 10;
    /** What one instance can grant with no new lease: its reserve and its router's units. */
    private static final long HELD = 2 * ALLOTMENT + ALLOTMENT - 1;
    /** Generous: on a loaded machine a replica's acknowledgement can take tens of ms. */
    private static final Duration ACK_WAIT = Duration.ofMillis(300);

    private RedisReplicaSet redis;
    private final String prefix = "acks-" + UUID.randomUUID() + ":";
    private final List<RedisFleet> fleets = new ArrayList<>();
    private final List<RouterAdmin> routers = new ArrayList<>();

    @AfterEach
    void stop() {
        routers.forEach(r -> r.router().close());
        fleets.forEach(RedisFleet::close);
        if (redis != null) {
            redis.close();
        }
    }

    private RedisFleet fleet(String id, boolean acks) {
        RedisFleet.Builder b = RedisFleet.builder(redis.uri()).instanceId(id).keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(1)).budgetAllotment(ALLOTMENT);
        if (acks) {
            b.replicaAcks(1, ACK_WAIT);
        }
        RedisFleet f = b.build();
        fleets.add(f);
        return f;
    }

    /** A router on the fleet: churn v2 at 100% with a budget of {@link #LIMIT}. */
    private RouterAdmin router(RedisFleet f, boolean fleetAudit) {
        ModelConfig m = Configs.churn(0).build();
        m = m.toBuilder().version(VersionConfig.builder("v2").weightBasisPoints(10_000)
                .budget(ExposureBudget.builder().maxRequests(LIMIT).build()).build()).build();
        RouterAdmin r = ReleaseRouter.builder().config(Configs.of(m)).hashSecretHex(SECRET)
                .overrideStore(f.overrideStore()).budgetLedger(f.budgetLedger())
                .auditSink(fleetAudit ? f.auditSink() : new RecordingAuditSink())
                .buildWithAdmin();
        routers.add(r);
        return r;
    }

    private String budgetKey() {
        return prefix + "budget:5:churn:v2";
    }

    private static long consumed(RedisServer node, String key) {
        Object v = node.query("HGET", key, "consumed");
        return v == null ? 0 : Long.parseLong(String.valueOf(v));
    }

    /**
     * Decides round-robin on the routers (bounded: 100,000 decisions, 15 s) until {@code done}
     * holds and every router refused the candidate 200 times in a row since.
     *
     * @return candidate decisions granted
     */
    private static long spend(List<RouterAdmin> on, BooleanSupplier done) {
        long granted = 0;
        int refusedInARow = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        for (int i = 0; i < 100_000 && System.nanoTime() < deadline; i++) {
            RouteDecision d = on.get(i % on.size()).router().decide(RouteRequest.of("churn",
                    "k" + i));
            if (d.isCandidate()) {
                granted++;
                refusedInARow = 0;
            } else if (++refusedInARow > 200 * on.size() && done.getAsBoolean()) {
                return granted;
            }
            if (i % 50 == 0) {
                Thread.onSpinWait();
            }
        }
        throw new AssertionError("the budget was not spent within 100,000 decisions / 15 s");
    }

    private static AuditEvent event(String action) {
        return new AuditEvent(Instant.now(), "ops@example.com", action, "churn/v2", null, "{}",
                "acks test", null, 1);
    }

    @Test
    void replicasLagging_eachWriteAFailoverCouldLose_isReportedUnconfirmed_andNotUsed() {
        redis = RedisReplicaSet.start(1, Duration.ofMillis(500));
        redis.cutReplication();
        RedisServer primary = redis.primary();

        // Budget: the chunk leased is counted as consumed on the primary, never granted.
        RedisFleet budgetFleet = fleet("budget", true);
        RouterAdmin budgetRouter = router(budgetFleet, false);
        Polling.await(() -> {
            budgetRouter.router().decide(RouteRequest.of("churn", "lease"));
            return consumed(primary, budgetKey()) > 0 && budgetFleet.connections().writes()
                    .lagging();
        });
        long granted = 0;
        for (int i = 0; i < 1_000; i++) {
            RouteDecision d = budgetRouter.router().decide(RouteRequest.of("churn", "b" + i));
            granted += d.isCandidate() ? 1 : 0;
        }
        assertThat(granted).as("candidates granted from unconfirmed chunks").isZero();
        assertThat(consumed(primary, budgetKey())).isEqualTo(2 * ALLOTMENT);
        ComponentStatus status = budgetFleet.componentStatus();
        assertThat(status.state()).isEqualTo(ComponentStatus.State.DEGRADED);
        assertThat(status.error()).contains("not acknowledged by 1 replicas");

        // An admin change: in force on the primary (and published), reported unconfirmed.
        RouterAdmin admin = router(fleet("admin", true), false);
        assertThatThrownBy(() -> admin.kill(KillTarget.model("churn"), OPS))
                .isInstanceOf(UnconfirmedWriteException.class)
                .hasMessageContaining("override compare-and-set was written on the primary but "
                        + "acknowledged by 0 of 1 replicas within 300 ms");
        Polling.await(() -> budgetRouter.router().decide(RouteRequest.of("churn", "k"))
                .reason() == Reason.KILL_SWITCH); // unconfirmed is not undone
        // Lease: acquired on the primary, but not taken.
        RedisFleet leaseFleet = fleet("lease", true);
        assertThatThrownBy(() -> leaseFleet.lease().tryAcquire("rollout/churn", "lease",
                Duration.ofSeconds(30))).isInstanceOf(UnconfirmedWriteException.class);
        assertThat(leaseFleet.lease().current("rollout/churn")).map(LeaseGrant::holder)
                .as("held on the primary only").contains("lease");
        // A rollout state write, an audit entry, the flag document, a measurement window.
        RolloutState state = new RolloutState("churn", "v2", 1, Instant.now(),
                RolloutStatus.RUNNING, "digest");
        assertThatThrownBy(() -> fleet("rollout", true).rolloutStateStore().save(state))
                .isInstanceOf(UnconfirmedWriteException.class);
        assertThatThrownBy(() -> fleet("audit", true).auditSink().record(event("kill.on")))
                .isInstanceOf(UnconfirmedWriteException.class);
        assertThatThrownBy(() -> fleet("flags", true).publishFlags("{\"models\": {\"churn\": "
                + "{\"stable\": \"v1\", \"versions\": {\"v1\": {}}}}}"))
                .isInstanceOf(UnconfirmedWriteException.class);
        WindowSummary window = new WindowSummary(Set.of("windows"), "churn", "v2",
                Instant.parse("2026-01-01T00:00:00Z"), Duration.ofMinutes(1),
                Map.of("requests", 1L), Map.of(), Map.of());
        RedisFleet windowFleet = fleet("windows", true);
        assertThatThrownBy(() -> windowFleet.windowStore().append(window))
                .isInstanceOf(UnconfirmedWriteException.class);
        // Once a write was unconfirmed, the next is not even sent while the replicas lag.
        long streamBefore = (Long) primary.query("XLEN", prefix + "audit");
        assertThatThrownBy(() -> windowFleet.auditSink().record(event("weight.set")))
                .isInstanceOf(UncheckedIOException.class)
                .isNotInstanceOf(UnconfirmedWriteException.class)
                .hasMessageContaining("not sent: the replicas still lag");
        assertThat(primary.query("XLEN", prefix + "audit")).isEqualTo(streamBefore);

        // Replicas back: the fleet recovers by itself (the maintenance tick's probe).
        redis.restoreReplication(1);
        try {
            Polling.await(() -> budgetFleet.componentStatus().state() == ComponentStatus.State.UP);
        } catch (AssertionError e) {
            throw new AssertionError("still " + budgetFleet.componentStatus(), e);
        }
        admin.unkill(KillTarget.model("churn"), OPS); // confirmed now
        Polling.await(() -> budgetRouter.router().decide(RouteRequest.of("churn", "back"))
                .isCandidate());
        windowFleet.windowStore().append(window); // confirmed now
    }

    @Test
    void failoverToALaggingReplica_withReplicaAcks_neverGrantsMoreThanTheBudget()
            throws Exception {
        redis = RedisReplicaSet.start(2, Duration.ofMillis(500));
        for (int i = 0; i < 3; i++) {
            router(fleet("pod-" + i, true), true);
        }
        // A start on a loaded machine may find a replica slow to acknowledge: caught up first.
        Polling.await(() -> fleets.stream().noneMatch(f -> f.connections().writes().lagging()));
        routers.get(1).setWeight("churn", "v2", 9_999, OPS); // confirmed: must survive
        long grantedBeforeCut = spendAtLeast(60);

        redis.cutReplication();
        long duringLag = spendFor(3_000);
        // Every instance's next lease is unconfirmed (WAIT times out after 300 ms): lagging.
        Polling.await(() -> {
            duringLag(spendFor(3));
            return fleets.stream().allMatch(f -> f.connections().writes().lagging());
        });
        duringLag += lagGranted;
        RedisServer old = redis.primary();
        long onPrimary = consumed(old, budgetKey());
        long onReplicas = consumed(redis.replicas().get(0), budgetKey());
        assertThatThrownBy(() -> routers.get(2).kill(KillTarget.model("churn"), OPS))
                .as("an admin change while the replicas lag").isInstanceOf(
                        UncheckedIOException.class);

        RedisServer promoted = failOver(old);
        long after = spend(routers, () -> consumed(promoted, budgetKey()) == LIMIT);
        long total = grantedBeforeCut + duringLag + after;

        System.out.printf("lagging replica promoted, replicaAcks(1): granted %d before the cut, "
                + "%d while the replicas lagged, %d after the failover = %d of %d; consumed on "
                + "the old primary %d, on the promoted replica %d%n", grantedBeforeCut,
                duringLag, after, total, LIMIT, onPrimary, onReplicas);
        assertThat(onPrimary).as("the failover lost leases").isGreaterThan(onReplicas);
        assertThat(duringLag).as("only units held before the cut").isLessThanOrEqualTo(
                3 * HELD);
        assertThat(grantedBeforeCut + duringLag).as("everything granted was confirmed")
                .isLessThanOrEqualTo(onReplicas);
        assertThat(total).as("candidate grants of the whole fleet").isLessThanOrEqualTo(LIMIT);
        assertThat(routers.get(0).router().decide(RouteRequest.of("churn", "k")).reason())
                .as("the refused kill switch is nowhere in force").isNotEqualTo(
                        Reason.KILL_SWITCH);
        assertThat(String.valueOf(promoted.query("HGET", prefix + "overrides", "content")))
                .as("the confirmed weight change survived").contains("9999");
        List<AuditEvent> audit = fleets.get(0).readAudit();
        assertThat(audit).extracting(AuditEvent::action).as("every entry reported as recorded "
                + "survived").contains("weight.set");
        // Each start (a start entry unconfirmed on a loaded machine is deferred and replayed:
        // at least once).
        assertThat(audit.stream().filter(e -> e.action().equals("config.load"))
                .map(e -> e.actor().replace(" (deferred)", "")).distinct()).hasSize(3);
        assertThat(fleets.get(0).verifyAudit().ok()).isTrue();
    }

    @Test
    void failoverToALaggingReplica_withoutReplicaAcks_losesWrites_butTokensFencesAndOverridesHold()
            throws Exception {
        redis = RedisReplicaSet.start(2, Duration.ofMillis(500));
        for (int i = 0; i < 3; i++) {
            router(fleet("pod-" + i, false), true);
        }
        routers.get(0).setWeight("churn", "v2", 9_998, OPS); // replicated: the same epoch
        long before = spendAtLeast(60);
        // A grant before the cut: the replicas know the token counter from here on.
        fleets.get(1).lease().release(fleets.get(1).lease().tryAcquire("rollout/churn", "pod-1",
                Duration.ofSeconds(30)).orElseThrow());

        redis.cutReplication();
        RedisServer old = redis.primary();
        long duringLag = spend(routers, () -> consumed(old, budgetKey()) == LIMIT);
        routers.get(1).setWeight("churn", "v2", 9_999, OPS); // done, then lost
        Polling.await(() -> routers.stream().allMatch(r -> r.router().status()
                .configRevision() >= 2));
        LeaseGrant lost = fleets.get(2).lease().tryAcquire("rollout/churn", "pod-2",
                Duration.ofSeconds(30)).orElseThrow();

        RedisServer promoted = failOver(old);
        long after = spend(routers, () -> consumed(promoted, budgetKey()) == LIMIT);
        long total = before + duringLag + after;

        // Fencing: the lost grant's token is not handed out again, and its holder is fenced.
        LeaseGrant next = fleets.get(0).lease().tryAcquire("rollout/churn", "pod-0",
                Duration.ofSeconds(30)).orElseThrow();
        RolloutState state = new RolloutState("churn", "v2", 1, Instant.now(),
                RolloutStatus.RUNNING, "digest");
        assertThatThrownBy(() -> fleets.get(2).rolloutStateStore().save(state, lost))
                .isInstanceOf(FencedWriteException.class);
        fleets.get(0).rolloutStateStore().save(state, next);
        // Overrides: the fleet keeps the lost change (every instance had applied it), and a
        // change made after the failover reaches every instance.
        routers.get(2).kill(KillTarget.model("churn"), OPS);
        for (RouterAdmin r : routers) {
            Polling.await(() -> r.router().decide(RouteRequest.of("churn", "k")).reason()
                    == Reason.KILL_SWITCH, Duration.ofSeconds(5));
        }
        AuditVerification chain = fleets.get(0).verifyAudit();
        List<AuditEvent> audit = fleets.get(0).readAudit();

        System.out.printf("lagging replica promoted, no replicaAcks: granted %d before the cut,"
                + " %d while the replicas lagged, %d after the failover = %d of %d; lease token"
                + " lost %d, next %d%n", before, duringLag, after, total, LIMIT,
                lost.fencingToken(), next.fencingToken());
        assertThat(total).as("the documented limit: the lost leases are granted again")
                .isGreaterThan(LIMIT);
        assertThat(next.fencingToken()).isGreaterThan(lost.fencingToken());
        assertThat(String.valueOf(promoted.query("HGET", prefix + "overrides", "content")))
                .contains("9999");
        assertThat(chain.ok()).as("one chain, continued from the promoted replica").isTrue();
        assertThat(audit).extracting(AuditEvent::action).as("the entry of the lost change is "
                + "gone").containsOnlyOnce("weight.set").contains("kill.on");
    }

    /**
     * Kills the primary, waits for Sentinel to promote a replica, for the other replica to
     * follow it and for every fleet to reconnect (each on its own schedule: Lettuce's back-off,
     * up to 250 ms).
     *
     * @return the new primary
     */
    private RedisServer failOver(RedisServer old) {
        redis.killPrimary();
        RedisServer promoted = redis.awaitNewPrimary(old);
        redis.awaitReplicasOnline(1);
        Polling.await(() -> fleets.stream().allMatch(f -> f.status().connected()));
        return promoted;
    }

    /** Spends round-robin until at least {@code n} candidates were granted (bounded). */
    private long spendAtLeast(long n) {
        long granted = 0;
        for (int i = 0; i < 100_000 && granted < n; i++) {
            RouterAdmin r = routers.get(i % routers.size());
            granted += r.router().decide(RouteRequest.of("churn", "a" + i)).isCandidate() ? 1 : 0;
        }
        assertThat(granted).as("granted within 100,000 decisions").isGreaterThanOrEqualTo(n);
        return granted;
    }

    private long lagGranted;

    private void duringLag(long granted) {
        lagGranted += granted;
    }

    /** Decides {@code n} times round-robin; returns the candidates granted. */
    private long spendFor(int n) {
        long granted = 0;
        for (int i = 0; i < n; i++) {
            granted += routers.get(i % routers.size()).router().decide(RouteRequest.of("churn",
                    "l" + i)).isCandidate() ? 1 : 0;
        }
        return granted;
    }
}

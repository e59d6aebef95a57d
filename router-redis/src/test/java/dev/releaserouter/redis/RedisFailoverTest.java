package dev.releaserouter.redis;

import static dev.releaserouter.core.testing.Configs.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.spi.LeaseGrant;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.redis.testing.RedisReplicaSet;
import dev.releaserouter.redis.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fleet mode on a replicated Redis under Sentinel (a primary, two replicas, one Sentinel: real
 * processes), with {@code replicaAcks(1, ...)}: the primary is killed ({@code kill -9}) while
 * three fleets x eight threads spend one budget and contend for one lease. Nothing is granted
 * twice, the lease's fencing token keeps growing, routing keeps working (new budget, a kill
 * switch reaching every instance through the new primary's pub/sub) and no decision waits.
 */
class RedisFailoverTest {

    private static final ChangeContext OPS = ChangeContext.of("ops@example.com", "failover");
    private static final long LIMIT = 1_000;
    private static final int ALLOTMENT = 10;
    private static final int THREADS_PER_FLEET = 8;

    private RedisReplicaSet redis;
    private final List<RedisFleet> fleets = new ArrayList<>();
    private final List<RouterAdmin> routers = new ArrayList<>();
    private ExecutorService pool;

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
        routers.forEach(r -> r.router().close());
        fleets.forEach(RedisFleet::close);
        if (redis != null) {
            redis.close();
        }
    }

    private static ModelConfig churn() {
        ModelConfig m = Configs.churn(0).build();
        return m.toBuilder().version(VersionConfig.builder("v2").weightBasisPoints(200)
                .budget(ExposureBudget.builder().maxRequests(LIMIT).build()).build()).build();
    }

    /** A grant of the contended lease, as one fleet's contender saw it. */
    private record Grant(long nanos, long token, String holder) {}

    @Test
    void primaryKilledUnderLoad_neverGrantsMoreThanTheBudget_tokensGrow_routingKeepsWorking()
            throws Exception {
        redis = RedisReplicaSet.start(2, Duration.ofMillis(500));
        String prefix = "failover-" + UUID.randomUUID() + ":";
        for (int i = 0; i < 3; i++) {
            RedisFleet f = RedisFleet.builder(redis.uri()).instanceId("pod-" + i)
                    .keyPrefix(prefix).commandTimeout(Duration.ofSeconds(1))
                    .replicaAcks(1, Duration.ofMillis(250)).budgetAllotment(ALLOTMENT).build();
            fleets.add(f);
            routers.add(ReleaseRouter.builder().config(Configs.of(churn()))
                    .hashSecretHex(SECRET).overrideStore(f.overrideStore())
                    .budgetLedger(f.budgetLedger()).auditSink(f.auditSink()).buildWithAdmin());
        }
        RedisServer first = redis.primary();
        // A start on a loaded machine may find a replica slow to acknowledge: caught up first.
        Polling.await(() -> fleets.stream().noneMatch(f -> f.connections().writes().lagging()));

        AtomicLong granted = new AtomicLong();
        AtomicLong grantedAfterFailover = new AtomicLong();
        AtomicLong decisions = new AtomicLong();
        AtomicLongArray slowestNanos = new AtomicLongArray(3 * THREADS_PER_FLEET);
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong failedOverAt = new AtomicLong(Long.MAX_VALUE);
        AtomicBoolean exhausted = new AtomicBoolean();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        pool = Executors.newFixedThreadPool(3 * THREADS_PER_FLEET + 3);
        List<Future<?>> load = new ArrayList<>();
        for (int t = 0; t < 3 * THREADS_PER_FLEET; t++) {
            int thread = t;
            RouterAdmin r = routers.get(t % 3);
            load.add(pool.submit(() -> {
                // Bounded: 400,000 decisions and 20 s; paced (a short park every 8 decisions)
                // so that 24 threads leave the 2 cores to Redis, Sentinel and Lettuce. Stops
                // once the fleet's budget is spent after the failover and this thread's
                // instance has refused it 300 times in a row.
                int refusedInARow = 0;
                for (int i = 0; i < 400_000 && System.nanoTime() < deadline; i++) {
                    long t0 = System.nanoTime();
                    RouteDecision d = r.router().decide(RouteRequest.of("churn",
                            thread + "-" + i));
                    long took = System.nanoTime() - t0;
                    if (took > slowestNanos.get(thread)) {
                        slowestNanos.set(thread, took);
                    }
                    decisions.incrementAndGet();
                    if (d.isCandidate()) {
                        granted.incrementAndGet();
                        if (t0 > failedOverAt.get()) {
                            grantedAfterFailover.incrementAndGet();
                        }
                        refusedInARow = 0;
                    } else if (d.reason() == Reason.BUDGET_EXHAUSTED && ++refusedInARow > 300
                            && exhausted.get()) {
                        break;
                    }
                    if (i % 8 == 0) {
                        LockSupport.parkNanos(200_000);
                    }
                }
            }));
        }
        // One lease contender per fleet, ticking every 20 ms (bounded: 2,000 ticks, 20 s).
        List<Grant> grants = Collections.synchronizedList(new ArrayList<>());
        AtomicLongArray firstAnswerAfterKill = new AtomicLongArray(3);
        List<Future<?>> contenders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int fleet = i;
            contenders.add(pool.submit(() -> {
                for (int tick = 0; tick < 2_000 && System.nanoTime() < deadline
                        && !exhausted.get(); tick++) {
                    long start = System.nanoTime();
                    try {
                        Optional<LeaseGrant> g = fleets.get(fleet).lease().tryAcquire(
                                "rollout/failover", "pod-" + fleet, Duration.ofSeconds(1));
                        long now = System.nanoTime();
                        g.ifPresent(x -> grants.add(new Grant(now, x.fencingToken(),
                                x.holder())));
                        if (start > killedAt.get()) { // asked after the kill, and confirmed
                            firstAnswerAfterKill.compareAndSet(fleet, 0, now);
                        }
                    } catch (RuntimeException refused) {
                        // Redis down, failing over, or the grant not confirmed: not taken.
                    }
                    LockSupport.parkNanos(20_000_000);
                }
            }));
        }

        Polling.await(() -> granted.get() >= 300 && !grants.isEmpty(), Duration.ofSeconds(15));
        long grantedBeforeKill = granted.get();
        killedAt.set(System.nanoTime());
        RedisServer killed = redis.killPrimary();
        RedisServer promoted = redis.awaitNewPrimary(killed);
        long promotedAt = System.nanoTime();
        failedOverAt.set(promotedAt);
        redis.awaitReplicasOnline(1); // the remaining replica follows the new primary
        String budgetKey = prefix + "budget:5:churn:v2";
        Polling.await(() -> String.valueOf(LIMIT).equals(promoted.query("HGET", budgetKey,
                "consumed")), Duration.ofSeconds(15));
        exhausted.set(true);
        for (Future<?> f : load) {
            f.get(30, TimeUnit.SECONDS);
        }
        for (Future<?> f : contenders) {
            f.get(30, TimeUnit.SECONDS);
        }

        // Routing keeps working on the new primary: a kill switch on one instance reaches the
        // others, whose pub/sub connections re-subscribed there.
        long killSent = System.nanoTime();
        // With replicaAcks(1) a write the new primary's replica has not acknowledged in 250 ms
        // is refused as unconfirmed (the replica may still be catching up after the failover on
        // a loaded machine): the operator retries, as the exception says (bounded: 10 s).
        Polling.await(() -> {
            try {
                routers.get(0).kill(KillTarget.model("churn"), OPS);
                return true;
            } catch (UnconfirmedWriteException notYet) {
                return false;
            }
        }, Duration.ofSeconds(10));
        for (RouterAdmin r : routers) {
            Polling.await(() -> r.router().decide(RouteRequest.of("churn", "k")).reason()
                    == Reason.KILL_SWITCH, Duration.ofSeconds(5));
        }
        long killSeenMillis = (System.nanoTime() - killSent) / 1_000_000;
        Object subscribers = promoted.query("PUBSUB", "NUMSUB", prefix + "overrides:changes");

        long slowest = 0;
        for (int t = 0; t < slowestNanos.length(); t++) {
            slowest = Math.max(slowest, slowestNanos.get(t));
        }
        List<Grant> ordered = new ArrayList<>(grants);
        ordered.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
        Map<Long, String> holderOf = new HashMap<>();
        long maxBefore = 0;
        long minAfter = Long.MAX_VALUE;
        long previous = 0;
        for (Grant g : ordered) {
            assertThat(holderOf.putIfAbsent(g.token(), g.holder()))
                    .as("token %d handed to one holder only", g.token())
                    .isIn(null, g.holder());
            assertThat(g.token()).as("fencing tokens never go back").isGreaterThanOrEqualTo(
                    previous);
            previous = g.token();
            if (g.nanos() < killedAt.get()) {
                maxBefore = Math.max(maxBefore, g.token());
            } else if (g.nanos() > promotedAt) {
                minAfter = Math.min(minAfter, g.token());
            }
        }
        System.out.printf("failover under load: budget %d, granted %d (%d before the kill, %d "
                + "after the new primary was named), %d decisions, slowest decide %.2f ms; "
                + "Sentinel named the new primary %d ms after kill -9; first lease answer "
                + "per fleet %s ms after the kill; tokens before %d, after %d; kill switch "
                + "seen by all 3 in %d ms; subscribers on the new primary %s%n", LIMIT,
                granted.get(), grantedBeforeKill, grantedAfterFailover.get(), decisions.get(),
                slowest / 1e6, (promotedAt - killedAt.get()) / 1_000_000,
                List.of(ms(firstAnswerAfterKill.get(0), killedAt.get()),
                        ms(firstAnswerAfterKill.get(1), killedAt.get()),
                        ms(firstAnswerAfterKill.get(2), killedAt.get())),
                maxBefore, minAfter, killSeenMillis, subscribers);

        assertThat(promoted).isNotSameAs(first);
        assertThat(granted.get()).as("candidate grants of the whole fleet").isLessThanOrEqualTo(
                LIMIT);
        assertThat(grantedAfterFailover.get()).as("new budget from the new primary")
                .isPositive();
        assertThat(granted.get()).as("nearly all of it granted: at most the reserves held at "
                + "the end and the chunks unconfirmed at the kill are lost")
                .isGreaterThanOrEqualTo(LIMIT - 3 * (3 * ALLOTMENT) - 3 * 2 * ALLOTMENT);
        assertThat(minAfter).as("a lease granted after the failover").isNotEqualTo(
                Long.MAX_VALUE);
        assertThat(minAfter).as("tokens after the failover").isGreaterThanOrEqualTo(maxBefore);
        // Waiting for Redis would take the failover (> 1 s) or the 1 s command timeout; what
        // is left is scheduling on a loaded machine (tens of ms).
        assertThat(slowest).as("no decide waits for Redis")
                .isLessThan(Duration.ofMillis(500).toNanos());
        assertThat(subscribers).isEqualTo(List.of(prefix + "overrides:changes", 3L));
        assertThat(fleets.get(0).verifyAudit().ok()).isTrue();
    }

    private static long ms(long at, long from) {
        return at == 0 ? -1 : (at - from) / 1_000_000;
    }
}

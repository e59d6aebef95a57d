package dev.releaserouter.redis;

import static dev.releaserouter.core.testing.Configs.SECRET;
import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.spi.OverrideDocument;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.redis.testing.RedisServer;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routers on separate {@link RedisFleet}s (separate connections, one real redis-server) share
 * kill switches and weights, and fail safe when Redis is down, slow or restarted empty.
 */
class RedisFleetTest {

    private static final ChangeContext OPS = ChangeContext.of("ops@example.com", "test");

    private RedisServer redis;
    private final List<RedisFleet> fleets = new ArrayList<>();
    private final String prefix = "fleet-" + UUID.randomUUID() + ":";

    @BeforeEach
    void startRedis() {
        // DEBUG SLEEP (the slow-Redis test) is disabled by default since Redis 7.
        redis = RedisServer.start("--enable-debug-command", "local");
    }

    @AfterEach
    void stop() {
        fleets.forEach(RedisFleet::close);
        redis.close();
    }

    private RedisFleet fleet(String id, Duration timeout) {
        RedisFleet f = RedisFleet.builder(redis.uri()).instanceId(id).keyPrefix(prefix)
                .commandTimeout(timeout).build();
        fleets.add(f);
        return f;
    }

    private RedisFleet fleet(String id) {
        return fleet(id, Duration.ofSeconds(1));
    }

    private static RouterAdmin router(RedisFleet fleet) {
        return ReleaseRouter.builder().config(of(churn(10_000).build())).hashSecretHex(SECRET)
                .auditSink(new RecordingAuditSink()).overrideStore(fleet.overrideStore())
                .buildWithAdmin();
    }

    private static boolean killed(RouterAdmin r) {
        return r.router().decide(RouteRequest.of("churn", "k1")).reason() == Reason.KILL_SWITCH;
    }

    @Test
    void kill_onOneInstance_isSeenByTheOthersDecide_p99Within100ms() {
        RouterAdmin a = router(fleet("a"));
        RouterAdmin b = router(fleet("b"));
        int changes = 200;
        long[] micros = new long[changes];

        for (int i = 0; i < changes; i++) {
            boolean kill = i % 2 == 0;
            long start = System.nanoTime();
            if (kill) {
                a.kill(KillTarget.model("churn"), OPS);
            } else {
                a.unkill(KillTarget.model("churn"), OPS);
            }
            // Poll b's decide (bounded: 5 s per change) until it reflects the change.
            while (killed(b) != kill) {
                assertThat(System.nanoTime() - start).as("change " + i + " reached b")
                        .isLessThan(Duration.ofSeconds(5).toNanos());
                LockSupport.parkNanos(20_000);
            }
            micros[i] = (System.nanoTime() - start) / 1_000;
        }

        Arrays.sort(micros);
        long p50 = micros[changes / 2];
        long p99 = micros[(int) Math.ceil(changes * 0.99) - 1];
        long max = micros[changes - 1];
        System.out.printf("propagation over %d changes (admin call on a -> decide on b): "
                + "p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", changes, p50 / 1e3, p99 / 1e3,
                max / 1e3);
        assertThat(p99).as("p99 propagation in µs").isLessThanOrEqualTo(100_000);
    }

    @Test
    void redisDownAtStartup_routerBuilds_answersStable_statusDisconnected_thenRecovers() {
        redis.stop();

        RedisFleet late = fleet("late");
        RouterAdmin r = router(late);

        assertThat(r.router().decide(RouteRequest.of("churn", "k1")).version()).isNotNull();
        assertThat(late.status().connected()).isFalse();
        assertThat(late.status().lastError()).contains("127.0.0.1:" + redis.port());
        assertThatThrownBy(() -> r.kill(KillTarget.model("churn"), OPS))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("not connected");
        assertThat(killed(r)).as("a refused change changes nothing").isFalse();

        redis.restart();
        Duration reconnected = Polling.await(() -> late.status().connected(),
                Duration.ofSeconds(5));
        RouterAdmin other = router(fleet("other"));
        other.kill(KillTarget.model("churn"), OPS);
        Polling.await(() -> killed(r), Duration.ofSeconds(2));
        System.out.printf("down at startup: connected %d ms after Redis came back%n",
                reconnected.toMillis());
        assertThat(late.status().degradations()).isEqualTo(1);
    }

    @Test
    void missedMessage_isCaughtUpByThePoll_withinOneSecond() {
        RedisFleet fa = fleet("a");
        RouterAdmin a = router(fa);
        a.setWeight("churn", "v2", 5_000, OPS);
        RouterAdmin b = router(fleet("b"));
        OverrideDocument d = fa.overrideStore().load();
        String killedContent = d.content();
        a.kill(KillTarget.model("churn"), OPS);
        String killContent = fa.overrideStore().load().content();
        a.unkill(KillTarget.model("churn"), OPS);
        Polling.await(() -> !killed(b));
        long rev = fa.overrideStore().load().revision();

        // A write whose PUBLISH was lost: the hash changes, no message is sent.
        long start = System.nanoTime();
        redis.command("HSET", prefix + "overrides", "rev", Long.toString(rev + 1), "content",
                killContent);
        Duration caughtUp = Polling.await(() -> killed(b), Duration.ofSeconds(1));

        System.out.printf("missed message caught up in %d ms%n", caughtUp.toMillis());
        assertThat(killedContent).isNotNull();
        assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(1).toNanos());
    }

    @Test
    void redisRestartedEmpty_instancesKeepTheirOverrides_andKeepApplyingChanges() {
        RedisFleet fa = fleet("a");
        RedisFleet fb = fleet("b");
        RouterAdmin a = router(fa);
        RouterAdmin b = router(fb);
        a.kill(KillTarget.model("churn"), OPS);
        a.setWeight("churn", "v2", 2_500, OPS);
        Polling.await(() -> killed(b));
        long before = fa.overrideStore().load().revision();

        redis.stop();
        redis.restart(); // empty
        long back = System.nanoTime();

        // An instance re-seeds Redis with its last document, above the old revision.
        Duration reseeded = Polling.await(() -> redis.command("HGET", prefix + "overrides",
                "rev").contains("\r\n" + (before + 1) + "\r\n"), Duration.ofSeconds(1));
        assertThat(killed(a)).isTrue();
        assertThat(killed(b)).isTrue();
        // Changes keep flowing, both ways.
        Polling.await(() -> fb.status().connected() && fa.status().connected());
        b.unkill(KillTarget.model("churn"), OPS);
        Polling.await(() -> !killed(a), Duration.ofSeconds(1));
        a.kill(KillTarget.model("churn"), OPS);
        Polling.await(() -> killed(b), Duration.ofSeconds(1));
        assertThat(fa.overrideStore().load().revision()).isGreaterThan(before + 1);
        assertThat(b.router().config().model("churn").version("v2").weightBasisPoints())
                .isEqualTo(2_500);
        System.out.printf("restarted empty: re-seeded %d ms after Redis came back; changes "
                + "flowing %d ms after%n", reseeded.toMillis(),
                (System.nanoTime() - back) / 1_000_000);
    }

    @Test
    void restartedEmpty_andAFreshInstanceWritesFirst_theFleetConvergesAndKeepsApplying() {
        RedisFleet fa = fleet("a");
        RouterAdmin a = router(fa);
        for (int i = 0; i < 5; i++) {
            a.setWeight("churn", "v2", 1_000 * (i + 1), OPS);
        }
        long before = fa.overrideStore().load().revision();

        redis.stop();
        redis.restart(); // empty: revision 1 is free again
        // A new instance (never saw a document) writes at once, racing a's re-seeding.
        RouterAdmin fresh = router(fleet("fresh"));
        fresh.kill(KillTarget.model("churn"), OPS);

        // Whoever came first, a applies the fleet's document: it never ignores it as "older".
        Polling.await(() -> killed(a), Duration.ofSeconds(1));
        assertThat(fa.overrideStore().load().revision()).isGreaterThan(before);
        a.unkill(KillTarget.model("churn"), OPS);
        Polling.await(() -> !killed(fresh), Duration.ofSeconds(1));
    }

    @Test
    void slowRedis_decideNeverBlocks_adminCallsTimeOutWithAClearError() throws Exception {
        RedisFleet fa = fleet("a", Duration.ofMillis(300));
        RouterAdmin a = router(fa);
        Thread sleeper = new Thread(() -> assertThat(redis.command("DEBUG", "SLEEP", "3"))
                .startsWith("+OK"));
        sleeper.start();
        // Redis is asleep once the fleet's own calls time out.
        Polling.await(() -> {
            try {
                fa.overrideStore().load();
                return false;
            } catch (UncheckedIOException e) {
                return e.getMessage().contains("did not answer");
            }
        }, Duration.ofSeconds(2));

        long adminStart = System.nanoTime();
        assertThatThrownBy(() -> a.kill(KillTarget.model("churn"), OPS))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("did not answer").hasMessageContaining("300 ms");
        long adminMs = (System.nanoTime() - adminStart) / 1_000_000;
        long worstDecide = 0;
        for (int i = 0; i < 10_000; i++) {
            long t = System.nanoTime();
            a.router().decide(RouteRequest.of("churn", "k" + i));
            worstDecide = Math.max(worstDecide, System.nanoTime() - t);
        }
        sleeper.join(10_000);

        System.out.printf("slow Redis: admin call failed after %d ms; worst decide of 10000 "
                + "during the sleep %.3f ms; status %s%n", adminMs, worstDecide / 1e6,
                fa.status());
        assertThat(adminMs).isLessThan(2_000);
        assertThat(worstDecide).isLessThan(Duration.ofMillis(50).toNanos());
        assertThat(fa.status().lastError()).contains("did not answer");
        Polling.await(() -> fa.status().connected(), Duration.ofSeconds(5));
    }

    @Test
    void staleInstanceRejoining_appliesTheFleetsLatestDocument_andWritesOnTopOfIt() {
        RedisFleet fa = fleet("a");
        RouterAdmin a = router(fa);
        RedisFleet fb = fleet("b");
        RouterAdmin b = router(fb);
        a.setWeight("churn", "v2", 2_000, OPS);
        Polling.await(() -> b.router().config().model("churn").version("v2")
                .weightBasisPoints() == 2_000);
        fb.close(); // b goes away (a deploy, a crash) and misses what follows
        a.kill(KillTarget.model("churn"), OPS);
        a.setWeight("churn", "v2", 3_000, OPS);

        RedisFleet back = fleet("b");
        RouterAdmin rejoined = router(back);

        assertThat(killed(rejoined)).as("applied at start").isTrue();
        assertThat(rejoined.router().config().model("churn").version("v2").weightBasisPoints())
                .isEqualTo(3_000);
        rejoined.unkill(KillTarget.model("churn"), OPS);
        Polling.await(() -> !killed(a), Duration.ofSeconds(1));
        assertThat(a.router().config().model("churn").version("v2").weightBasisPoints())
                .as("its write built on the latest document, losing nothing").isEqualTo(3_000);
    }
}

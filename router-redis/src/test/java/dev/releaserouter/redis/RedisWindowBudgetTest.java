package dev.releaserouter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.spi.BudgetKey;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.redis.testing.RedisServer;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The rolling-window budget ({@code max_requests} per {@code window}) enforced fleet-wide. */
class RedisWindowBudgetTest {

    private static final BudgetKey V2 = new BudgetKey("churn", "v2");
    private static final long LIMIT = 1_000;
    private static final Duration WINDOW = Duration.ofSeconds(60);
    /** The clock moves a quarter of a bucket (1 s: a sixtieth of the window) per phase. */
    private static final long STEP_MILLIS = 250;

    private RedisServer redis;
    private RedisTestStores stores;
    private final List<Router> routers = new ArrayList<>();

    @AfterEach
    void stop() {
        routers.forEach(Router::close);
        if (stores != null) {
            stores.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private Router router(RedisBudgetLedger ledger, Clock clock) {
        ModelConfig m = Configs.churn(0).build().toBuilder()
                .version(VersionConfig.builder("v2").weightBasisPoints(10_000)
                        .budget(ExposureBudget.builder().maxRequests(LIMIT).window(WINDOW)
                                .build())
                        .build())
                .build();
        Router r = ReleaseRouter.builder().config(Configs.of(m)).hashSecretHex(Configs.SECRET)
                .auditSink(new RecordingAuditSink()).budgetLedger(ledger).clock(clock).build();
        routers.add(r);
        return r;
    }

    /** Units leased in Redis, all buckets together. */
    private static long leased(StatefulRedisConnection<String, String> c, String key) {
        long sum = 0;
        for (Map.Entry<String, String> e : c.sync().hgetall(key).entrySet()) {
            if (!e.getKey().equals("latest")) {
                sum += Long.parseLong(e.getValue());
            }
        }
        return sum;
    }

    @Test
    void decide_threeInstancesTimesEightThreads_neverGrantMoreThanTheLimitInAnyWindow()
            throws Exception {
        redis = RedisServer.start();
        stores = new RedisTestStores(redis);
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        long start = clock.millis();
        List<Router> fleet = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fleet.add(router(stores.ledger("pod-" + i, 16), clock));
        }
        // 3.5 windows of phases; in each the clock stands still, so a grant's time is exact.
        int phases = (int) (WINDOW.toMillis() * 7 / 2 / STEP_MILLIS);
        int perPhase = 20;
        int threads = 24;
        AtomicLongArray grants = new AtomicLongArray(phases);
        CyclicBarrier barrier = new CyclicBarrier(threads,
                () -> clock.advance(Duration.ofMillis(STEP_MILLIS)));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long began = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Router r = fleet.get(t % 3);
            int thread = t;
            done.add(pool.submit(() -> {
                // Bounded in count (phases x perPhase) and time (each barrier wait 30 s).
                for (int p = 0; p < phases; p++) {
                    for (int i = 0; i < perPhase; i++) {
                        if (r.decide(RouteRequest.of("churn", thread + "-" + p + "-" + i))
                                .isCandidate()) {
                            grants.incrementAndGet(p);
                        }
                    }
                    barrier.await(30, TimeUnit.SECONDS);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
        long loadMillis = (System.nanoTime() - began) / 1_000_000;
        pool.shutdownNow();

        // Every window of the budget's length (starting at any phase): at most the limit.
        int perWindow = (int) (WINDOW.toMillis() / STEP_MILLIS);
        long worst = 0;
        long total = 0;
        for (int p = 0; p < phases; p++) {
            total += grants.get(p);
            long sum = 0;
            for (int q = p; q < Math.min(phases, p + perWindow); q++) {
                sum += grants.get(q);
            }
            worst = Math.max(worst, sum);
        }
        double windows = (double) (clock.millis() - start) / WINDOW.toMillis();
        System.out.printf("window budget 3 x 8 threads: %d decisions over %.1f windows, %d "
                + "granted (%.3f x limit per window), busiest window %d of %d; load %d ms%n",
                (long) phases * perPhase * threads, windows, total, total / windows / LIMIT,
                worst, LIMIT, loadMillis);
        assertThat(worst).as("grants in the busiest window").isLessThanOrEqualTo(LIMIT);
        // Conservative by design: units a chunk holds when its bucket ends are gone (up to 3
        // instances x 2 x 16 per bucket with grants), and a window check spans 61 buckets.
        // Measured: busiest window 945 to 1,000; 0.90 to 1.08 x the limit per window. Refills
        // are asynchronous while the barrier moves the clock on, so on an overloaded machine a
        // refill can land after its bucket ended (its units are then gone, by design): 650 in
        // the busiest window was seen at a load average of 16 on 2 cores. The lower bounds only
        // guard against a ledger that stops granting; the upper bound is the guarantee.
        assertThat(worst).as("the busiest window uses a good part of the limit")
                .isGreaterThanOrEqualTo(LIMIT / 2);
        assertThat(total / windows).as("grants per window, on average")
                .isGreaterThanOrEqualTo(LIMIT * 0.4);
    }

    @Test
    void decide_redisKilled_grantsNothingBeyondTheHeldChunk() throws Exception {
        redis = RedisServer.start();
        stores = new RedisTestStores(redis);
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        RedisBudgetLedger ledger = stores.ledger("pod-a", 16);
        Router r = router(ledger, clock);
        StatefulRedisConnection<String, String> monitor = stores.connect();
        String key = ledger.windowKey(V2, WINDOW.toMillis());
        long granted = 0;
        int i = 0;
        for (; i < 50_000 && leased(monitor, key) == 0; i++) {
            granted += r.decide(RouteRequest.of("churn", "k-" + i)).isCandidate() ? 1 : 0;
        }
        // Freeze writes (an in-flight lease cannot land after the read), read, then kill.
        redis.command("CLIENT", "PAUSE", "10000", "WRITE");
        long leased = leased(monitor, key);
        redis.kill();
        long afterKill = 0;
        long began = System.nanoTime();
        for (int j = 0; j < 10_000; j++, i++) {
            afterKill += r.decide(RouteRequest.of("churn", "k-" + i)).isCandidate() ? 1 : 0;
        }
        assertThat(granted + afterKill).as("nothing beyond the leased %d", leased)
                .isLessThanOrEqualTo(leased);
        // The next bucket: the held chunk is gone, nothing more is granted.
        clock.advance(Duration.ofSeconds(1));
        long nextBucket = 0;
        for (int j = 0; j < 10_000; j++, i++) {
            nextBucket += r.decide(RouteRequest.of("churn", "k-" + i)).isCandidate() ? 1 : 0;
        }
        long tookMillis = (System.nanoTime() - began) / 1_000_000;
        assertThat(nextBucket).isZero();
        Polling.await(ledger::degraded);
        assertThat(ledger.failures()).isPositive();
        System.out.printf("window budget, Redis killed: leased %d, granted %d before and %d "
                + "after the kill, %d in the next bucket; 20,000 decisions in %d ms%n", leased,
                granted, afterKill, nextBucket, tookMillis);
    }
}

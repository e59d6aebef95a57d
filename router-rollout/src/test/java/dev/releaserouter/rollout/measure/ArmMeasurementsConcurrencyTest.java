package dev.releaserouter.rollout.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Router;
import dev.releaserouter.core.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ArmMeasurementsConcurrencyTest {

    private static final int THREADS = 8;
    private static final int CALLS = 10_000;

    @Test
    void eightThreads_tenThousandCallsEach_giveExactCounts() throws Exception {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        try (Router router = TestRouters.fiftyPercentCanary(clock)) {
            ArmMeasurements m = ArmMeasurements.builder().clock(clock).build();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < CALLS; i++) {
                        String version = i % 2 == 0 ? "v1" : "v2";
                        m.recordCall("churn", version, 1_000_000L + i, i % 10 == 0, TestOutcomes.cost(1.0, 10.0, thread % 2 == 0 ? 0.25 : 0.75));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();

            MeasurementSnapshot s = m.snapshot("churn", Duration.ofMinutes(1));
            for (String v : List.of("v1", "v2")) {
                ArmStats a = s.arm(v);
                assertThat(a.requests()).isEqualTo(THREADS * CALLS / 2);
                assertThat(a.scores()).isEqualTo(THREADS * CALLS / 2);
                assertThat(a.costPer1kCalls()).isEqualTo(1000.0);
                assertThat(a.costPer1kTokens()).isEqualTo(100.0);
                assertThat(a.avgScore()).isEqualTo(0.5);
                assertThat(a.scoreHistogram()[5] + a.scoreHistogram()[15])
                        .isEqualTo(THREADS * CALLS / 2);
            }
            // i % 10 == 0 is always even: every error is on v1
            assertThat(s.arm("v1").errors()).isEqualTo(THREADS * CALLS / 10);
            assertThat(s.arm("v2").errors()).isZero();
        }
    }

    @Test
    void windowsRollingWhileThreadsRecord_loseNoCallWithinRetention() throws Exception {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        try (Router router = TestRouters.fiftyPercentCanary(clock)) {
            ArmMeasurements m = ArmMeasurements.builder()
                    .clock(clock)
                    .window(Duration.ofMillis(10))
                    .retainedWindows(100_000)
                    .build();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < CALLS; i++) {
                        if (thread == 0 && i % 100 == 0) {
                            clock.advance(Duration.ofMillis(10)); // a new window now and then
                        }
                        m.recordCall("churn", "v2", 1, false);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();

            MeasurementSnapshot s = m.snapshot("churn", Duration.ofHours(1));
            assertThat(s.arm("v2").requests()).isEqualTo(THREADS * CALLS);
            assertThat(s.windowStats("v2").stream().mapToLong(ArmStats::requests).sum())
                    .isEqualTo(THREADS * CALLS);
        }
    }
}

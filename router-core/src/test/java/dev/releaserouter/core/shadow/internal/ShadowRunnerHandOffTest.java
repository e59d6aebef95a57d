package dev.releaserouter.core.shadow.internal;

import static dev.releaserouter.core.testing.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.shadow.Predictor;
import dev.releaserouter.api.shadow.ShadowComparator;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.core.shadow.ShadowComparators;
import dev.releaserouter.core.shadow.ShadowSettings;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The request side of the shadow runner: a hand-off that allocates nothing, workers that cannot
 * disappear unnoticed, and the default number of threads.
 */
class ShadowRunnerHandOffTest {

    static final RouteRequest REQUEST = RouteRequest.of("churn", "customer-1");
    static final ShadowComparator<String> EQUALITY = ShadowComparators.equality();
    final CountDownLatch release = new CountDownLatch(1);
    ShadowRunner runner;

    @AfterEach
    void tearDown() {
        release.countDown();
        if (runner != null) {
            runner.close();
        }
    }

    ShadowDisposition submit(Predictor<String, String> candidate) {
        return runner.submit("churn", "v1", "v2", candidate, "in", "in", 1_000, REQUEST, EQUALITY,
                null);
    }

    /**
     * The caller's side of a hand-off (and of a drop, when the workers cannot keep up) allocates
     * nothing once the (model, version) was seen: measured with the thread's allocation counter
     * over 200,000 calls after 50,000 of warm-up. Before the ring, each call allocated its task
     * (and a timer entry on the worker).
     */
    @Test
    void handOff_allocatesNothingOnTheCaller_whetherScheduledOrDropped() {
        runner = new ShadowRunner(ShadowSettings.builder().threads(1).queueCapacity(1024)
                .timeout(Duration.ofMinutes(1)).build(), Clock.systemUTC());
        Predictor<String, String> candidate = x -> x;
        Map<ShadowDisposition, Integer> seen = new EnumMap<>(ShadowDisposition.class);
        int calls = 200_000;
        run(candidate, 50_000, seen); // warm-up: JIT, lazily made counters
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long before = mx.getCurrentThreadAllocatedBytes();
        run(candidate, calls, seen);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;

        assertThat(seen).containsKey(ShadowDisposition.SCHEDULED);
        // Less than one byte per call: a task, a node or a boxed value would be 16 or more.
        assertThat(allocated).as("bytes allocated by %s hand-offs (%s)", calls, seen)
                .isLessThan(calls);
    }

    private void run(Predictor<String, String> candidate, int calls,
            Map<ShadowDisposition, Integer> seen) {
        int scheduled = 0;
        int dropped = 0;
        for (int i = 0; i < calls; i++) {
            ShadowDisposition d = submit(candidate);
            if (d == ShadowDisposition.SCHEDULED) {
                scheduled++;
            } else {
                dropped++;
            }
        }
        if (scheduled > 0) {
            seen.merge(ShadowDisposition.SCHEDULED, scheduled, Integer::sum);
        }
        if (dropped > 0) {
            seen.merge(ShadowDisposition.DROPPED, dropped, Integer::sum);
        }
    }

    @Test
    void threadFactoryThatFails_isReportedByStatus_andCallsAreDroppedNotQueued() {
        runner = new ShadowRunner(ShadowSettings.builder().threads(2).threadFactory(r -> {
            throw new IllegalStateException("no threads here");
        }).build(), Clock.systemUTC());

        assertThat(submit(x -> x)).isEqualTo(ShadowDisposition.DROPPED);
        ComponentStatus s = runner.status();
        assertThat(s.state()).isEqualTo(ComponentStatus.State.DEGRADED);
        assertThat(s.error()).isEqualTo("0 of 2 shadow workers running; last: the thread factory "
                + "failed: java.lang.IllegalStateException: no threads here");
        assertThat(s.details()).containsEntry("workers", 0).containsEntry("workerFailures", 2L)
                .containsEntry("inFlight", 0);
    }

    @Test
    void workerThreadThatEnds_isReportedByStatus() {
        AtomicInteger made = new AtomicInteger();
        runner = new ShadowRunner(ShadowSettings.builder().threads(2).threadFactory(r -> {
            // The second thread never runs the worker: it ends at once.
            return made.incrementAndGet() == 1 ? new Thread(r, "good") : new Thread(() -> { });
        }).build(), Clock.systemUTC());

        await(() -> runner.status().state() == ComponentStatus.State.DEGRADED);
        assertThat(runner.status().error()).isEqualTo("1 of 2 shadow workers running");
        assertThat(submit(x -> x)).isEqualTo(ShadowDisposition.SCHEDULED);
        await(() -> runner.stats("churn", "v2").count(ShadowOutcome.SUCCESS) == 1);
    }

    @Test
    void healthyRunner_isUp_withItsLimitAndLoad() {
        runner = new ShadowRunner(ShadowSettings.builder().threads(2).queueCapacity(6).build(),
                Clock.systemUTC());
        CountDownLatch running = new CountDownLatch(2);
        for (int i = 0; i < 3; i++) {
            submit(x -> {
                running.countDown();
                release.await();
                return x;
            });
        }
        await(() -> running.getCount() == 0);

        ComponentStatus s = runner.status();
        assertThat(s.isUp()).isTrue();
        assertThat(s.details()).containsEntry("threads", 2).containsEntry("workers", 2)
                .containsEntry("inFlight", 3).containsEntry("limit", 8)
                .containsEntry("shedByLimit", 0L);
    }

    @Test
    void defaultThreads_areTheCoresTheMachineCanSpare() {
        int cores = Runtime.getRuntime().availableProcessors();

        assertThat(ShadowSettings.defaultThreads()).isEqualTo(Math.max(1, cores - 1));
        assertThat(ShadowSettings.builder().build().threads())
                .isEqualTo(ShadowSettings.defaultThreads());
    }

    @Test
    void idleWorkers_park_andAHandOffWakesOne() {
        runner = new ShadowRunner(ShadowSettings.builder().threads(2).build(),
                Clock.systemUTC());
        await(() -> runner.idleWorkers() == 2); // both spun, yielded and parked

        for (int i = 1; i <= 50; i++) {
            assertThat(submit(x -> x)).isEqualTo(ShadowDisposition.SCHEDULED);
            int done = i;
            await(() -> runner.stats("churn", "v2").count(ShadowOutcome.SUCCESS) == done);
            await(() -> runner.idleWorkers() == 2); // parked again before the next one
        }
    }
}

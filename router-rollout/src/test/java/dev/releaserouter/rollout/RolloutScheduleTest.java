package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller owns its schedule: failing ticks never cancel it, it stops by itself when the
 * rollout is final, and {@code cancel()} stops it. Real threads, so conditions are polled with a
 * generous deadline (never a fixed sleep for correctness).
 */
class RolloutScheduleTest {

    @TempDir
    Path dir;

    private final RolloutFixture f = new RolloutFixture();
    private final FaultyClock clock = new FaultyClock(f.clock);
    private final ScheduledExecutorService executor =
            Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void shutdown() throws InterruptedException {
        executor.shutdownNow();
        // A tick still running writes the state file: let it end before @TempDir is deleted.
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private RolloutController start(RolloutPlan plan) {
        return RolloutController.start(f.admin, f.measurements, plan,
                new FileRolloutStateStore(dir), clock, "rollout-bot");
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // a poll, not a wait
        }
    }

    @Test
    void rawScheduleAtFixedRate_isNoLongerCancelledByAFailingTick() {
        RolloutController c = start(f.plan(RolloutFixture.POLICY).maxFailedTicks(1000).build());
        clock.failWith(() -> new IllegalArgumentException("unknown metric"));
        var future = executor.scheduleAtFixedRate(c::tick, 1, 1, TimeUnit.MILLISECONDS);
        await("five failed ticks", () -> c.tickFailures() >= 5);
        assertThat(future.isDone()).as("the executor still runs the task").isFalse();
        future.cancel(false);
    }

    @Test
    void schedule_survivesFailingTicks_thenFailsSafe_andStopsByItself() {
        RolloutController c = start(f.plan(RolloutFixture.POLICY).build());
        clock.failWith(() -> new StackOverflowError("deep"));
        RolloutSchedule s = c.schedule(executor, Duration.ofMillis(1));
        await("the fail-safe", () -> c.status() == RolloutStatus.ROLLED_BACK);
        await("the schedule stops at a final status", s::isCancelled);
        assertThat(c.tickFailures()).isEqualTo(3);
        assertThat(f.candidateShare()).isZero();
    }

    @Test
    void schedule_ticksTheRollout_andCancelStopsIt() {
        RolloutController c = start(f.plan(RolloutFixture.POLICY).build());
        RolloutSchedule s = c.schedule(executor, Duration.ofMillis(1));
        assertThat(s.isCancelled()).isFalse();
        assertThatThrownBy(() -> c.schedule(executor, Duration.ofMillis(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already scheduled");
        f.clock.advance(RolloutFixture.CHECKPOINT.dividedBy(2));
        f.record(100, 60, 0);
        f.clock.advance(RolloutFixture.CHECKPOINT.dividedBy(2));
        await("the scheduled tick proceeds", () -> c.currentBasisPoints() == 2500);
        s.cancel();
        assertThat(s.isCancelled()).isTrue();
        RolloutSchedule again = c.schedule(executor, Duration.ofMillis(1));
        again.close();
        assertThat(again.isCancelled()).isTrue();
    }

    @Test
    void schedule_rejectsANonPositivePeriod() {
        RolloutController c = start(f.plan(RolloutFixture.POLICY).build());
        assertThatThrownBy(() -> c.schedule(executor, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("period");
    }
}

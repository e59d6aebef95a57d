package dev.releaserouter.rollout;

import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The periodic ticks of one {@link RolloutController}, started by
 * {@link RolloutController#schedule}. It stops by itself once the rollout is final (PROMOTED,
 * ROLLED_BACK or ABORTED) and no post-rollback verification is still due
 * ({@link BackoutVerification}), and when cancelled; nothing a tick does can stop it
 * otherwise, because the task lets no exception reach the executor (a
 * {@code ScheduledExecutorService} silently cancels a periodic task whose run throws).
 *
 * <p>Thread-safe. Not intended for external implementation.
 */
public final class RolloutSchedule implements AutoCloseable {

    private final RolloutController controller;
    private final AtomicReference<@Nullable Future<?>> future = new AtomicReference<>();
    private volatile boolean cancelled;

    RolloutSchedule(RolloutController controller) {
        this.controller = controller;
    }

    void started(Future<?> f) {
        future.set(f);
        if (cancelled) {
            f.cancel(false); // cancelled (or final) before the executor handed the future back
        }
    }

    /** The periodic task: one tick; never throws. */
    void run() {
        if (cancelled) {
            return;
        }
        try {
            if (controller.tick().isFinal() && !controller.hasPendingWork()) {
                cancel();
            }
        } catch (Throwable t) {
            // tick() never throws; if something does anyway, count it and keep the schedule.
            try {
                controller.scheduledTickFailed(t);
            } catch (Throwable ignored) {
                // nothing left to report with; the next run tries again
            }
        }
    }

    /**
     * Stops the ticks: no new tick starts (one under way finishes). Idempotent.
     */
    public void cancel() {
        cancelled = true;
        Future<?> f = future.get();
        if (f != null) {
            f.cancel(false);
        }
    }

    /** @return whether the schedule was cancelled, or stopped because the rollout is final */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Same as {@link #cancel()}. */
    @Override
    public void close() {
        cancel();
    }
}

package dev.releaserouter.governance;

import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The periodic revalidation checks of one {@link ReleaseGovernance}, started by
 * {@link ReleaseGovernance#scheduleRevalidation}. Runs until cancelled: the task lets no
 * exception reach the executor (a {@code ScheduledExecutorService} silently cancels a periodic
 * task whose run throws); failures show in {@link ReleaseGovernance#revalidationFailures()} and
 * {@link ReleaseGovernance#lastRevalidationError()}.
 *
 * <p>Design: thread-safe. The executor's future is published through an atomic reference and
 * the cancelled flag is volatile, so a {@link #cancel()} that races the executor handing the
 * future back still cancels it ({@code started} re-checks the flag). Not intended for external
 * implementation.
 */
public final class GovernanceSchedule implements AutoCloseable {

    private final Runnable task;
    private final AtomicReference<@Nullable Future<?>> future = new AtomicReference<>();
    private volatile boolean cancelled;

    GovernanceSchedule(Runnable task) {
        this.task = task;
    }

    void started(Future<?> f) {
        future.set(f);
        if (cancelled) {
            f.cancel(false);
        }
    }

    void run() {
        if (!cancelled) {
            task.run(); // never throws: see ReleaseGovernance#scheduleRevalidation
        }
    }

    /** Stops the checks: no new one starts (one under way finishes). Idempotent. */
    public void cancel() {
        cancelled = true;
        Future<?> f = future.get();
        if (f != null) {
            f.cancel(false);
        }
    }

    /** @return whether the schedule was cancelled */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Same as {@link #cancel()}. */
    @Override
    public void close() {
        cancel();
    }
}

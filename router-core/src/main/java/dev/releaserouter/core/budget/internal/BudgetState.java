package dev.releaserouter.core.budget.internal;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one candidate's exposure budget has consumed. Outlives configuration snapshots, so a
 * reload or a changed limit never resets consumption (only an explicit reset does).
 *
 * <p>Every grant is also recorded in time (a {@link WindowCounter}), whether or not the budget
 * has a window, so that a window added or changed later is checked against what was really
 * granted: at most {@code max_requests} in any window of the new length.
 *
 * <p>Thread-safe: all fields are atomics; the window counter is replaced only when the window
 * length changes, by {@link #windowFor} (synchronized), which hands its history over to the new
 * counter.
 */
public final class BudgetState {

    final AtomicLong granted = new AtomicLong();
    final AtomicLong valueMicros = new AtomicLong();
    final AtomicReference<WindowCounter> window = new AtomicReference<>();

    /** @return requests granted since creation or the last reset */
    public long granted() {
        return granted.get();
    }

    /** @return monetary value granted, in millionths */
    public long valueMicros() {
        return valueMicros.get();
    }

    /**
     * @param nowMillis current time
     * @return requests granted in the window of the current counter ending now, or -1 if no
     *     grant was ever recorded
     */
    public long grantedInWindow(long nowMillis) {
        WindowCounter w = window.get();
        return w == null ? -1 : w.used(nowMillis);
    }

    /**
     * The window counter for a window length; if the length changed, a new counter that takes
     * over the old one's history (conservatively: see {@link WindowCounter}).
     *
     * @param windowMillis window length
     * @param clock the router's clock, read only when the length changed
     * @return the counter
     */
    synchronized WindowCounter windowFor(long windowMillis, Clock clock) {
        WindowCounter w = window.get();
        if (w == null) {
            w = new WindowCounter(windowMillis);
            window.set(w);
        } else if (w.windowMillis() != windowMillis) {
            long now;
            try {
                now = clock.millis();
            } catch (RuntimeException e) {
                // A failing clock must not refuse the change: the history's own latest time
                // places every carried grant (see replaceWith).
                now = Long.MIN_VALUE;
            }
            w = w.replaceWith(windowMillis, now);
            window.set(w);
        }
        return w;
    }

    /**
     * The counter that records grants of a budget without a window: the current one, whatever
     * its length, or a new one with one-minute slots.
     *
     * @return the counter
     */
    synchronized WindowCounter history() {
        WindowCounter w = window.get();
        if (w == null) {
            w = new WindowCounter(WindowCounter.DEFAULT_WINDOW_MILLIS);
            window.set(w);
        }
        return w;
    }

    /** Forgets what was consumed (the model's value total is not touched). */
    public void reset() {
        granted.set(0);
        valueMicros.set(0);
        WindowCounter w = window.get();
        if (w != null) {
            w.reset();
        }
    }
}

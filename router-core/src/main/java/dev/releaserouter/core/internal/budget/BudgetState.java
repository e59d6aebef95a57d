package dev.releaserouter.core.internal.budget;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one candidate's exposure budget has consumed. Outlives configuration snapshots, so a
 * reload or a changed limit never resets consumption (only an explicit reset does).
 *
 * <p>Thread-safe: all fields are atomics; the window counter is replaced (under the router's
 * write lock) only when the window length changes.
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
     * @return requests granted in the current window, or -1 if there is no window
     */
    public long grantedInWindow(long nowMillis) {
        WindowCounter w = window.get();
        return w == null ? -1 : w.used(nowMillis);
    }

    /**
     * The window counter for a window length, creating or replacing it if the length changed.
     *
     * @param windowMillis window length
     * @return the counter
     */
    WindowCounter windowFor(long windowMillis) {
        WindowCounter w = window.get();
        if (w == null || w.windowMillis() != windowMillis) {
            w = new WindowCounter(windowMillis);
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

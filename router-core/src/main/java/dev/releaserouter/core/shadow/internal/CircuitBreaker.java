package dev.releaserouter.core.shadow.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Pauses shadowing of a version whose recent shadow calls keep failing or timing out.
 *
 * <p>Count-based: the outcomes of the last {@code window} calls are kept in a ring. When at least
 * {@code minimumCalls} are in it and the failure share reaches {@code failureRate}, it opens for
 * {@code openNanos}; then one trial call is let through (half-open): success closes it, failure
 * opens it again.
 *
 * <p>Design: callers on the request path only read the volatile {@link #openUntil} (and, once
 * half-open, CAS one flag), so the check is lock-free. Outcomes are recorded by shadow worker
 * threads under this object's monitor, off the request path.
 */
final class CircuitBreaker {

    private final int window;
    private final int minimumCalls;
    private final double failureRate;
    private final long openNanos;
    private final LongSupplier ticker;
    private final boolean[] ring;
    private final AtomicBoolean trialInFlight = new AtomicBoolean();
    // Guarded by this.
    private int size;
    private int next;
    private int failures;
    /** 0 when closed, else the ticker time until which it stays open. */
    private volatile long openUntil;

    CircuitBreaker(int window, int minimumCalls, double failureRate, long openNanos,
            LongSupplier ticker) {
        this.window = window;
        this.minimumCalls = minimumCalls;
        this.failureRate = failureRate;
        this.openNanos = openNanos;
        this.ticker = ticker;
        this.ring = new boolean[window];
    }

    /** @return whether a call may go ahead now (reserves the trial call when half-open) */
    boolean tryAcquire() {
        long until = openUntil;
        if (until == 0) {
            return true;
        }
        if (ticker.getAsLong() - until < 0) {
            return false;
        }
        return trialInFlight.compareAndSet(false, true);
    }

    /** Gives back a permit that was acquired but not used (e.g. the call was dropped). */
    void release() {
        if (openUntil != 0) {
            trialInFlight.set(false);
        }
    }

    /** @return whether the breaker is open (calls are refused or only a trial passes) */
    boolean isOpen() {
        return openUntil != 0;
    }

    synchronized void record(boolean failed) {
        if (openUntil != 0) {
            // The trial call's outcome decides.
            if (failed) {
                openUntil = nonZero(ticker.getAsLong() + openNanos);
            } else {
                openUntil = 0;
                size = 0;
                next = 0;
                failures = 0;
            }
            trialInFlight.set(false);
            return;
        }
        if (size == window) {
            if (ring[next]) {
                failures--;
            }
        } else {
            size++;
        }
        ring[next] = failed;
        if (failed) {
            failures++;
        }
        next = (next + 1) % window;
        if (size >= minimumCalls && failures >= failureRate * size) {
            openUntil = nonZero(ticker.getAsLong() + openNanos);
        }
    }

    private static long nonZero(long t) {
        return t == 0 ? 1 : t;
    }
}

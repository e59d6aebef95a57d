package dev.releaserouter.core.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for something another thread does (a shadow worker, the flag watcher): polls every
 * millisecond up to a deadline generous enough for a busy machine, never a fixed sleep.
 */
public final class Polling {

    /** The default deadline: generous, since it only bounds a test that is failing anyway. */
    public static final Duration DEADLINE = Duration.ofSeconds(20);

    private Polling() {}

    /**
     * @param condition the condition
     * @throws AssertionError if it does not hold within {@link #DEADLINE}
     */
    public static void await(BooleanSupplier condition) {
        await(condition, DEADLINE);
    }

    /**
     * @param condition the condition
     * @param deadline how long it may take
     * @return the time it took
     * @throws AssertionError if it does not hold within the deadline
     */
    public static Duration await(BooleanSupplier condition, Duration deadline) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > deadline.toNanos()) {
                throw new AssertionError("condition not met within " + deadline);
            }
            LockSupport.parkNanos(1_000_000);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}

package dev.releaserouter.testkit.contract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/** Runs tasks on many threads released at once, and polls for eventual conditions. */
final class Concurrently {

    /** How long a contract waits for a thread or a notification before it fails. */
    static final Duration DEADLINE = Duration.ofSeconds(20);

    private Concurrently() {}

    /**
     * Runs {@code threads} tasks at once and returns their results in order.
     *
     * @throws AssertionError if one threw or they did not end within the deadline
     */
    static <T> List<T> run(int threads, IntFunction<Callable<T>> task) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<T> c = task.apply(i);
                futures.add(pool.submit(() -> {
                    start.await();
                    return c.call();
                }));
            }
            start.countDown();
            List<T> out = new ArrayList<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            for (Future<T> f : futures) {
                out.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError("a concurrent task failed or timed out: " + e, e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Polls a condition until it holds.
     *
     * @throws AssertionError if it does not hold within the deadline
     */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}

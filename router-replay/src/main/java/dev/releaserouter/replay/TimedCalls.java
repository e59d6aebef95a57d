package dev.releaserouter.replay;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Calls a target on a worker thread with a time limit, one call at a time, for one replay run.
 *
 * <p>Design: the caller (the replay thread) submits a call and waits for it with a timeout. A
 * call that times out is cancelled (its worker interrupted) and abandoned; the next call runs on
 * another worker, so a hanging target never hangs the replay. The pool grows on demand (a
 * synchronous hand-off, daemon threads) because an abandoned worker may stay busy: a target that
 * ignores interruption keeps its thread. Such stuck workers are counted, and once
 * {@link #MAX_STUCK_WORKERS} are stuck at once the run is stopped rather than leak a thread per
 * call. Each call's state (not started, running, done, abandoned) is one atomic integer: the
 * worker and the replay thread race to move it out of "running", and whoever loses knows what
 * the other did, so the stuck count is exact.
 *
 * <p>Latency is read from the injected ticker on the worker, just around the target call; the
 * time limit is real time (a hanging call must be cut off even under a test ticker).
 */
final class TimedCalls implements AutoCloseable {

    /** Abandoned calls still running at once, beyond which the run stops. */
    static final int MAX_STUCK_WORKERS = 16;

    private static final int NOT_STARTED = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int ABANDONED = 3;

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ReplayTarget target;
    private final long timeoutNanos;
    private final LongSupplier ticker;
    private final ExecutorService workers;
    private final AtomicInteger stuck = new AtomicInteger();

    /** The outcome of one call: an output, a thrown error, or a timeout. */
    static final class Attempt {
        final @Nullable JsonNode output;
        final @Nullable Throwable error;
        final boolean timedOut;
        final long latencyNanos;

        private Attempt(@Nullable JsonNode output, @Nullable Throwable error, boolean timedOut,
                long latencyNanos) {
            this.output = output;
            this.error = error;
            this.timedOut = timedOut;
            this.latencyNanos = latencyNanos;
        }
    }

    TimedCalls(ReplayTarget target, long timeoutNanos, LongSupplier ticker) {
        this.target = target;
        this.timeoutNanos = timeoutNanos;
        this.ticker = ticker;
        int pool = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "release-router-replay-" + pool + "-"
                            + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Calls the target once.
     *
     * @throws IllegalStateException if too many workers are stuck in calls that timed out
     * @throws CancellationException if the calling thread is interrupted (its flag is restored)
     */
    Attempt call(JsonNode input) {
        if (stuck.get() >= MAX_STUCK_WORKERS) {
            throw new IllegalStateException(stuck.get() + " replay workers are still inside"
                    + " target calls that timed out: the target ignores interruption, so the"
                    + " replay stops rather than start more threads");
        }
        AtomicInteger state = new AtomicInteger(NOT_STARTED);
        Future<Attempt> f = workers.submit(() -> run(input, state));
        try {
            return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            abandon(state);
            return new Attempt(null, null, true, -1);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("replay interrupted");
        } catch (ExecutionException e) {
            // run() catches everything but fatal VM errors: rethrow those as they are.
            Throwable cause = e.getCause();
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Marks a timed-out call abandoned, counting its worker as stuck if the call had begun. */
    private void abandon(AtomicInteger state) {
        while (true) {
            int s = state.get();
            if (s == DONE || s == ABANDONED) {
                return;
            }
            if (state.compareAndSet(s, ABANDONED)) {
                if (s == RUNNING) {
                    stuck.incrementAndGet();
                }
                return;
            }
        }
    }

    private Attempt run(JsonNode input, AtomicInteger state) {
        if (!state.compareAndSet(NOT_STARTED, RUNNING)) {
            return new Attempt(null, null, true, -1); // abandoned before it started
        }
        long start = ticker.getAsLong();
        try {
            JsonNode out = target.apply(input);
            return new Attempt(out, null, false, elapsed(start));
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
                throw (VirtualMachineError) t;
            }
            return new Attempt(null, t, false, elapsed(start));
        } finally {
            if (!state.compareAndSet(RUNNING, DONE)) {
                stuck.decrementAndGet(); // abandoned by the replay thread, and now free
            }
        }
    }

    private long elapsed(long start) {
        return Math.max(0, ticker.getAsLong() - start);
    }

    /** Stops the workers, interrupting any still stuck in the target. */
    @Override
    public void close() {
        workers.shutdownNow();
    }
}

package dev.releaserouter.core.shadow.internal;

import dev.releaserouter.api.shadow.ShadowExecution;
import dev.releaserouter.api.shadow.ShadowTelemetrySink;
import dev.releaserouter.core.internal.Throwables;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers shadow executions to a {@link ShadowTelemetrySink} off the shadow workers.
 *
 * <p>Design (concurrency): shadow workers {@link #offer} into a bounded
 * {@link ArrayBlockingQueue} ({@code offer} never blocks: a full queue drops the execution and
 * counts it); one daemon thread ({@code release-router-shadow-telemetry}, started with the shadow
 * runner) takes executions in order and calls the sink, containing and counting whatever
 * it throws, so that a slow or failing sink never slows a shadow call and the thread never dies
 * of the sink. {@link #close} stops accepting, lets the thread deliver what is queued within a
 * time limit, then closes the sink.
 */
final class TelemetryQueue {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryQueue.class);

    private final ShadowTelemetrySink sink;
    private final ArrayBlockingQueue<ShadowExecution> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    TelemetryQueue(ShadowTelemetrySink sink, int capacity) {
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::deliver, "release-router-shadow-telemetry");
        thread.setDaemon(true);
        thread.start();
    }

    /** Never blocks: returns false (and counts a drop) if the queue is full or closed. */
    boolean offer(ShadowExecution e) {
        if (closed || !queue.offer(e)) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    private void deliver() {
        while (true) {
            ShadowExecution e;
            try {
                e = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                e = null; // close() interrupts only after its wait: drain below
                closed = true;
            } catch (Throwable t) {
                failures.incrementAndGet();
                continue;
            }
            if (e == null) {
                if (closed && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            try {
                sink.record(e);
                delivered.incrementAndGet();
            } catch (Throwable t) {
                if (failures.getAndIncrement() == 0) {
                    LOG.warn("Release Router: the shadow telemetry sink failed ({}); further "
                            + "failures are only counted", t.getClass().getName());
                }
            }
        }
    }

    /** Executions dropped: queue full, or offered after close. */
    long dropped() {
        return dropped.get();
    }

    /** Sink failures (record and close). */
    long failures() {
        return failures.get();
    }

    /** Executions the sink accepted. */
    long delivered() {
        return delivered.get();
    }

    /**
     * Stops accepting, waits at most {@code waitNanos} for the queue to be delivered, then
     * closes the sink. What is still queued after the wait is dropped and counted. Never throws
     * because of the sink except a fatal VM error.
     */
    void close(long waitNanos) {
        closed = true;
        boolean interrupted = false;
        try {
            TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, waitNanos));
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (thread.isAlive()) {
            thread.interrupt();
            dropped.addAndGet(queue.size());
            queue.clear();
        }
        try {
            sink.close();
        } catch (Throwable t) {
            failures.incrementAndGet();
            LOG.warn("Release Router: the shadow telemetry sink failed to close ({})",
                    t.getClass().getName());
            Throwables.rethrowIfFatal(t);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

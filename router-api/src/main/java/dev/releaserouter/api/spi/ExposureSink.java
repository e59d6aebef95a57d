package dev.releaserouter.api.spi;

import org.jspecify.annotations.Nullable;

/**
 * Where exposure (assignment) events go: a log, JSON Lines files, a Kafka topic, a warehouse
 * loader. Register one with {@code ReleaseRouter.builder().exposures(ExposureSettings...)}.
 *
 * <p>The router never calls a sink from {@code decide} or {@code route}: decisions put new
 * exposures on a bounded queue (a full queue drops them, counted) and one background thread of
 * the router, the same one every time, calls {@link #record} for each, then {@link #flush()}
 * when the queue is empty, and finally {@link #close()} when the router closes. So a sink needs
 * no thread safety of its own unless it is shared, and a slow sink slows no request; it only
 * fills the queue.
 *
 * <p>Failure contract: {@link #record} may throw; the router counts it (the {@code exposures}
 * component of {@code router.status()}, {@code sinkFailures}), logs the first failure, and goes
 * on with the next event: the event is lost. A sink that delivers asynchronously (Kafka) and
 * loses events after {@code record} returned counts them in {@link #failedDeliveries()} and
 * says what is wrong in {@link #failing()}, which the router's status shows. Bound your own
 * waits: a call that blocks holds up every later exposure (they are dropped once the queue is
 * full), and {@code close()} is waited for only a bounded time.
 */
public interface ExposureSink extends AutoCloseable {

    /**
     * Takes one exposure. Called from the router's exposure thread only.
     *
     * @param event the event
     * @throws RuntimeException if the event cannot be taken; counted, and the event is lost
     */
    void record(ExposureEvent event);

    /**
     * Pushes what {@link #record} buffered towards its destination; called when the router's
     * queue is empty (at the end of each batch). The default does nothing.
     *
     * @throws RuntimeException if it cannot; counted like a failed record
     */
    default void flush() {}

    /**
     * Events that {@link #record} accepted but that could not be delivered afterwards (an
     * asynchronous sink whose retries ran out). The default, for a sink that delivers within
     * {@code record}, is 0.
     *
     * @return the count since the sink was created; never decreases. Thread-safe: read by
     *     {@code status()} on any thread.
     */
    default long failedDeliveries() {
        return 0;
    }

    /**
     * What is wrong with the delivery right now (the last delivery failed and none succeeded
     * since), or null while it works. The default, for a synchronous sink, is null: the router
     * sees its failures itself.
     *
     * @return a description of the failure without credentials, or null. Thread-safe.
     */
    default @Nullable String failing() {
        return null;
    }

    /**
     * Flushes and releases resources; called once, by the router's exposure thread, after the
     * last event. Idempotent.
     */
    @Override
    default void close() {}
}

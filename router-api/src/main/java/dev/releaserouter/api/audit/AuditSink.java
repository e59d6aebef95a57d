package dev.releaserouter.api.audit;

/**
 * Stores audit events. The router calls {@link #record(AuditEvent)} before a change takes effect
 * and applies the change only if it returns normally.
 *
 * <p>Implementations must be thread-safe. A sink meant to be the record of changes must have
 * stored the event durably when {@code record} returns (such as {@code JsonlAuditSink}); a mirror
 * such as a logging sink may be combined with a durable one ({@code AuditSinks.composite}).
 */
public interface AuditSink extends AutoCloseable {

    /**
     * Stores an event durably.
     *
     * @param event the event
     * @throws java.io.UncheckedIOException if it cannot be stored; the change is then refused
     */
    void record(AuditEvent event);

    /** Releases resources. Idempotent. */
    @Override
    default void close() {}
}

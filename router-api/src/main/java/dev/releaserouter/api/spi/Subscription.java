package dev.releaserouter.api.spi;

/**
 * A registration for change notifications; closing it stops them.
 *
 * <p>Thread-safe; {@link #close()} is idempotent and never throws.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

    /** Stops notifications; after it returns, no new notification starts. Idempotent. */
    @Override
    void close();
}

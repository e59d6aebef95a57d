package dev.releaserouter.api.config;

/**
 * Supplies the base configuration: from a flag file on the classpath, a watched file, a remote
 * service, or a program. The router calls {@link #load()} once at start (a failure there fails
 * the start) and then {@link #watch(Listener)}.
 *
 * <p>Implementations must be thread-safe. A source that cannot produce a valid configuration on a
 * reload reports it through {@link Listener#onError(ConfigException)}; the router then keeps the
 * last good configuration.
 */
public interface FlagSource extends AutoCloseable {

    /**
     * Names the source in errors and in the audit trail, e.g. {@code file:/etc/router/flags.json}.
     *
     * @return a short description
     */
    String description();

    /**
     * Reads and validates the configuration now.
     *
     * @return the configuration
     * @throws ConfigException if it is missing or invalid, naming the source, the JSON pointer and
     *     the bad value
     */
    RouterConfig load();

    /**
     * Starts pushing changes to the listener. The default does nothing (a static source).
     *
     * @param listener called from the source's own thread, never concurrently
     */
    default void watch(Listener listener) {}

    /**
     * Whether the changes of this source are still being followed. The router reports it in
     * {@link dev.releaserouter.api.RouterStatus#watcherAlive()}; a false value makes the router
     * not up to date and its health check DOWN, because kill switches written to the source
     * would no longer be applied. The default is true, for sources that need no watcher.
     *
     * <p>Must be cheap, thread-safe and must not throw.
     *
     * @return false only if {@link #watch(Listener)} started a watcher that has stopped although
     *     the source was not closed
     */
    default boolean watcherAlive() {
        return true;
    }

    /** Stops watching and releases resources. Idempotent. */
    @Override
    default void close() {}

    /** Receives configuration changes from a {@link FlagSource}. */
    interface Listener {

        /**
         * A new valid configuration was read.
         *
         * @param config the configuration
         */
        void onChange(RouterConfig config);

        /**
         * A reload failed; the previous configuration stays in force.
         *
         * @param error what was wrong, with file, pointer and value
         */
        void onError(ConfigException error);
    }
}

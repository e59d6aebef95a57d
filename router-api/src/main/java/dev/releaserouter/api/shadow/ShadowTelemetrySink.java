package dev.releaserouter.api.shadow;

/**
 * Receives one {@link ShadowExecution} per shadow call that ran (seed 002's structured shadow
 * telemetry). Configure it with {@code ShadowSettings.builder().telemetry(sink, masker)}; the
 * built-in ones are {@code Slf4jShadowTelemetrySink} and {@code JsonlShadowTelemetrySink}
 * ({@code dev.releaserouter.core.shadow}).
 *
 * <p>The router never calls a sink on a request thread nor on a shadow worker: executions are
 * offered to a bounded queue (full: the execution is dropped and counted) and one delivery thread
 * calls {@link #record} in order. A sink may therefore block briefly (a file write); a sink that
 * throws is contained and counted. Implementations need not be thread-safe for {@link #record}
 * (one thread calls it) but {@link #close} may come from another thread after the last record.
 */
public interface ShadowTelemetrySink {

    /**
     * Records one execution.
     *
     * @param execution the execution (never null)
     * @throws Exception anything; it is counted and the next execution is still delivered
     */
    void record(ShadowExecution execution) throws Exception;

    /**
     * Flushes and releases resources; called once, when the router closes, after the last
     * {@link #record}. The default does nothing.
     *
     * @throws Exception anything; it is counted
     */
    default void close() throws Exception {}
}

package dev.releaserouter.core.shadow;

import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;

/**
 * Receives shadow and fallback events as they happen, e.g. to export metrics
 * ({@code dev.releaserouter.micrometer.ShadowMetrics}). Every method has a no-op default.
 *
 * <p>Implementations must be thread-safe, fast and should not throw. Whatever a listener throws
 * ({@code AssertionError} and {@code NoClassDefFoundError} included) is caught, the event is
 * skipped and the failure counted in {@code RouterStatus.internalErrors()}; it never reaches the
 * request. Only a fatal VM error ({@code OutOfMemoryError}, {@code InternalError},
 * {@code UnknownError}) thrown on the request thread is rethrown. {@link #disposition} and
 * {@link #fallback} run on the request thread; the others on shadow worker threads.
 */
public interface ShadowListener {

    /** A listener that does nothing. */
    ShadowListener NONE = new ShadowListener() {};

    /**
     * What happened to the shadow side of a routed request.
     *
     * @param model the model
     * @param version the shadow version
     * @param disposition scheduled, or why not
     */
    default void disposition(String model, String version, ShadowDisposition disposition) {}

    /**
     * A shadow call ended.
     *
     * @param model the model
     * @param version the shadow version
     * @param outcome how it ended
     * @param stableNanos latency of the primary call of the same request
     * @param candidateNanos latency of the shadow call, or -1 if it timed out
     */
    default void outcome(String model, String version, ShadowOutcome outcome, long stableNanos,
            long candidateNanos) {}

    /**
     * Outputs were compared.
     *
     * @param model the model
     * @param version the shadow version
     * @param match whether they matched
     * @param delta candidate minus stable, or NaN
     */
    default void comparison(String model, String version, boolean match, double delta) {}

    /**
     * The stable version answered instead of a failing canary.
     *
     * @param model the model
     * @param version the canary
     * @param cause why
     */
    default void fallback(String model, String version, FallbackCause cause) {}
}

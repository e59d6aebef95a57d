package dev.releaserouter.rollout.measure;

import dev.releaserouter.api.RouteRequest;
import org.jspecify.annotations.Nullable;

/**
 * Receives every call recorded by {@link ArmMeasurements}, e.g. to export it to Micrometer
 * ({@code dev.releaserouter.micrometer.ArmMetrics}).
 *
 * <p>Implementations must be thread-safe and fast: they run on the thread that records the call.
 * Anything a listener throws is caught and counted ({@link ArmMeasurements#listenerFailures()})
 * and never propagated, except a fatal VM error ({@code OutOfMemoryError}, {@code InternalError},
 * {@code UnknownError}), which is counted and rethrown.
 */
@FunctionalInterface
public interface CallListener {

    /** A listener that does nothing. */
    CallListener NONE = (model, version, request, latencyNanos, error) -> {};

    /**
     * A call was served.
     *
     * @param model the model
     * @param version the version that served it
     * @param request the request, when the application recorded it with one; its tenant, region
     *     and route feed metric tags
     * @param latencyNanos latency in nanoseconds
     * @param error whether the call failed
     */
    void onCall(String model, String version, @Nullable RouteRequest request, long latencyNanos,
            boolean error);
}

package dev.releaserouter.core.measure;

import dev.releaserouter.api.RouteRequest;
import org.jspecify.annotations.Nullable;

/**
 * Receives every call recorded by {@link ArmMeasurements}, e.g. to export it to Micrometer
 * ({@code dev.releaserouter.core.metrics.ArmMetrics}).
 *
 * <p>Implementations must be thread-safe and fast: they run on the thread that records the call.
 * Whatever a listener throws, errors such as {@code AssertionError} or
 * {@code NoClassDefFoundError} included, is caught and counted
 * ({@link ArmMeasurements#listenerFailures()}), never propagated; only the fatal VM errors
 * ({@code OutOfMemoryError}, {@code InternalError}, {@code UnknownError}) reach the recording
 * thread.
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

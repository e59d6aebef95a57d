package dev.releaserouter.core;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.shadow.RouteResult;

/**
 * Watches each {@link dev.releaserouter.api.shadow.RoutedModel#route route(...)} call: tracing
 * and timing hooks. {@code dev.releaserouter.micrometer.RouteObservations} adapts a Micrometer
 * {@code ObservationRegistry} to it, so OpenTelemetry traces show each decision. Configure it with
 * {@link ReleaseRouter.Builder#routeObserver(RouteObserver)}; without one, {@code route} pays
 * nothing for it. {@code decide} is never observed: it is the allocation-free hot path.
 *
 * <p>Implementations must be thread-safe: {@link #start} is called concurrently from every
 * thread that routes. The router never lets an observer fail a request: anything thrown by any
 * method here ({@code AssertionError} and {@code NoClassDefFoundError} included) is caught and
 * counted in {@code RouterStatus.internalErrors()}, and {@link Observed#close} is still called.
 * Only a fatal VM error ({@code OutOfMemoryError}, {@code InternalError}, {@code UnknownError})
 * is rethrown.
 */
@FunctionalInterface
public interface RouteObserver {

    /**
     * Called when {@code route} begins, on the caller's thread, before the decision. The model
     * call happens within the returned observation's scope, so spans it opens are its children.
     *
     * @param request the request (never null)
     * @return the observation of this call (never null)
     */
    Observed start(RouteRequest request);

    /**
     * One observed {@code route} call. Its methods are called on the thread that started it, in
     * this order: {@link #decided}, then {@link #served} or {@link #failed}, then {@link #close}
     * exactly once (even if an earlier method threw).
     */
    interface Observed extends AutoCloseable {

        /**
         * The router decided.
         *
         * @param decision the decision (never null)
         */
        void decided(RouteDecision decision);

        /**
         * The chosen version answered (possibly after a fallback to stable).
         *
         * @param result what {@code route} returns (never null)
         */
        void served(RouteResult<?> result);

        /**
         * The model call failed; {@code route} rethrows the error to its caller after this.
         *
         * @param error the failure (never null)
         */
        void failed(Throwable error);

        /** Ends the observation. */
        @Override
        void close();
    }
}

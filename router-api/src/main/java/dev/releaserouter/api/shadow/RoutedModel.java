package dev.releaserouter.api.shadow;

import dev.releaserouter.api.RouteRequest;

/**
 * A model bound to a router: decides, calls the chosen version on the caller's thread, and
 * shadows the candidate asynchronously when the model's shadow configuration says so.
 * Thread-safe. Not intended for external implementation except as a test double.
 *
 * @param <I> input type
 * @param <O> output type
 */
public interface RoutedModel<I, O> {

    /**
     * Routes one request.
     *
     * @param request the request; its model must be this binding's model
     * @param input the model input; treated as immutable
     * @return the served output with the decision
     * @throws ModelInvocationException if the served version throws (after fallback, if any);
     *     unchecked exceptions of the version are rethrown as they are
     * @throws IllegalArgumentException if the request names another model
     */
    RouteResult<O> route(RouteRequest request, I input);

    /** @return the binding */
    ModelBinding<I, O> binding();
}

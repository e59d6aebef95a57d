package dev.releaserouter.api.shadow;

import dev.releaserouter.api.RouteRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

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
     * <p>What user code throws never fails the request, except the served version itself:
     * anything a canary with fallback, a copier, a validator, a comparator, a shadow listener or
     * a route observer throws ({@code StackOverflowError}, {@code AssertionError} and
     * {@code NoClassDefFoundError} included) is contained and counted, and the request is
     * answered by the stable version (fallback) or by the version that already answered. Only
     * the fatal VM errors ({@code OutOfMemoryError}, {@code InternalError},
     * {@code UnknownError}) are rethrown.
     *
     * @param request the request; its model must be this binding's model
     * @param input the model input; treated as immutable
     * @return the served output with the decision
     * @throws ModelInvocationException if the served version throws a checked exception (after
     *     fallback, if any); its unchecked exceptions and errors are rethrown as they are
     * @throws VirtualMachineError if user code threw a fatal VM error (never a
     *     {@code StackOverflowError}: that is contained like any other failure)
     * @throws IllegalArgumentException if the request names another model
     */
    RouteResult<O> route(RouteRequest request, I input);

    /**
     * Routes one request without blocking the caller, for versions that answer asynchronously
     * ({@link ModelBinding.Builder#asyncVersion}): decides on the caller's thread, starts the
     * chosen version, and completes when it answers: with the stable version's answer after a
     * canary failure if fallback is on (within the primary-path timeout, if set), otherwise with
     * the served version's failure. The shadow call and the hooks' {@code afterCall} and
     * {@code finallyAfter} run when the served stage completes, on the thread that completes it.
     *
     * <p>The default implementation routes synchronously and returns a completed stage (for
     * test doubles).
     *
     * @param request the request; its model must be this binding's
     * @param input the model input; treated as immutable
     * @return the stage of the served output with the decision; failed with the served
     *     version's failure when nothing else could answer
     * @throws IllegalArgumentException if the request is for another model
     * @throws NullPointerException if the request is null
     */
    default CompletionStage<RouteResult<O>> routeAsync(RouteRequest request, I input) {
        try {
            return CompletableFuture.completedFuture(route(request, input));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Shadows the candidate behind a primary answer the caller already has: runs the same shadow
     * eligibility checks as {@link #route} (configuration, kill switches, stage, forbidden data
     * classes, deny lists, sampling), then queues the candidate call, which is compared with
     * {@code primaryOutput} and whose latency is compared with {@code primaryNanos}. Use it when
     * the stable version is called by other means (an interceptor, an asynchronous pipeline):
     * the caller's answer is by definition the stable version's, so canary weight in the flag
     * file does not affect which requests are shadowed, and no routing decision is made or
     * counted.
     *
     * <p>Never blocks and never throws because of the candidate, the shadow runner or its
     * configuration: every outcome is the returned disposition and is counted like one of
     * {@code route}. The input is copied with the binding's copier, if any, before this method
     * returns; without one, the caller must not mutate it afterwards. Thread-safe.
     *
     * <p>The default implementation shadows nothing and returns
     * {@link ShadowDisposition#NOT_CONFIGURED} (for test doubles); the router's models override
     * it.
     *
     * @param request the request; its model must be this binding's model
     * @param input the input the stable version was given; treated as immutable
     * @param primaryOutput the stable version's output, as the caller received it
     * @param primaryNanos how long the stable version took, in nanoseconds
     * @return {@link ShadowDisposition#SCHEDULED}, or why the candidate was not called
     * @throws IllegalArgumentException if the request names another model or
     *     {@code primaryNanos} is negative
     * @throws NullPointerException if {@code request} is null
     */
    default ShadowDisposition shadow(RouteRequest request, I input, @Nullable O primaryOutput,
            long primaryNanos) {
        return ShadowDisposition.NOT_CONFIGURED;
    }

    /** @return the binding */
    ModelBinding<I, O> binding();
}

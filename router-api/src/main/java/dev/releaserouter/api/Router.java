package dev.releaserouter.api;

import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.ModelInvocationException;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowStatistics;
import java.util.List;

/**
 * Decides which version of a model serves a request.
 *
 * <p>Thread-safe. {@link #decide(RouteRequest)} reads one immutable configuration snapshot: it
 * takes no lock, does no I/O and never throws for configuration problems or internal faults (the
 * stable version answers and {@link RouteDecision#reason()} says why). Not intended for external
 * implementation except as a test double.
 *
 * <p>A {@code Router} evaluates; it cannot change routing. Weights, kill switches, lists,
 * stages and budgets change through a separate capability,
 * {@link dev.releaserouter.api.admin.RouterAdmin}, which whoever builds the router receives (e.g.
 * {@code ReleaseRouter.builder()...buildWithAdmin()} in router-core) and keeps where changes are
 * made: an operators' endpoint, the rollout controller, release governance. Hand the
 * {@code Router} to request code; a holder of it cannot reach the admin, neither through a method
 * nor by a cast.
 */
public interface Router extends AutoCloseable {

    /**
     * Decides which version serves a request, without calling any model.
     *
     * <p>Evaluation order: unknown model, kill switch, version approval, deny lists, allow lists,
     * bucket, exposure budget. The first rule that sends the request to stable names the reason.
     *
     * @param request the request
     * @return the decision; never null
     * @throws NullPointerException if the request is null
     */
    RouteDecision decide(RouteRequest request);

    /**
     * Routes a request to the model it names, among those registered when the router was built
     * (e.g. {@code ReleaseRouter.builder().model(ModelBinding...)}): decides, calls the chosen
     * version on the caller's thread and shadows the candidate asynchronously, exactly as
     * {@link RoutedModel#route} of that model's binding does.
     *
     * <pre>{@code
     * RouteResult<Double> r = router.route(RouteRequest.of("churn", customerId), features);
     * }</pre>
     *
     * <p>The input and output types are those of the registered binding; they are not checked
     * at compile time (a wrong type fails in the model's own code, like any other cast). For
     * checked generics keep the handle that {@link #bind} returns.
     *
     * @param request the request; its model selects the binding
     * @param input the model input; treated as immutable
     * @param <I> input type of the model's binding
     * @param <O> output type of the model's binding
     * @return the served output with the decision
     * @throws IllegalArgumentException if no binding is registered for the request's model (the
     *     message names the model and the registered ones)
     * @throws NullPointerException if the request is null
     * @throws ModelInvocationException as {@link RoutedModel#route}
     * @see RoutedModel#route(RouteRequest, Object)
     */
    <I, O> RouteResult<O> route(RouteRequest request, I input);

    /**
     * Binds a model's callable versions to this router, to {@code route} requests: decide, call
     * the chosen version on the caller's thread, shadow the candidate asynchronously.
     *
     * <p>If the configuration does not know the model, or the decided version is not registered,
     * the stable version answers (or, if that is not registered either, the first registered
     * one).
     *
     * @param binding the model's versions, comparator, validator, copier and fallback settings
     * @param <I> input type
     * @param <O> output type
     * @return a thread-safe handle; bind once and reuse it
     * @throws NullPointerException if the binding is null
     */
    <I, O> RoutedModel<I, O> bind(ModelBinding<I, O> binding);

    /**
     * The effective configuration: the flag source's, with runtime overrides applied.
     *
     * @return the configuration of the current snapshot
     */
    RouterConfig config();

    /** @return the revision of the current snapshot; increases with every swap */
    long configRevision();

    /**
     * Health of the router: revision, reload outcomes, the last refused reload, internal errors.
     *
     * @return a fresh, immutable status
     */
    RouterStatus status();

    /**
     * Shadow and fallback statistics per model and shadowed version, since start.
     *
     * @return fresh, immutable snapshots; empty if nothing was routed with {@code route}
     */
    List<ShadowStatistics> shadowStatistics();

    /**
     * Stops watching flag sources, stops shadow calls within a bounded wait (shadow threads
     * whose calls ignore interruption are reported in {@link RouterStatus#shadowStragglers()}
     * and a log line), closes the pair store and the audit sink. Every step runs even if an
     * earlier one failed; what a source, store or sink throws is counted in
     * {@link RouterStatus#internalErrors()}, not propagated. Idempotent.
     *
     * @throws VirtualMachineError if a step threw a fatal VM error ({@code OutOfMemoryError},
     *     {@code InternalError}, {@code UnknownError}), after every step ran
     */
    @Override
    void close();
}

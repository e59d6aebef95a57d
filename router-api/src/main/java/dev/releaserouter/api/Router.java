package dev.releaserouter.api;

import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.ModelInvocationException;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowStatistics;
import java.util.List;
import java.util.concurrent.CompletionStage;

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
     * Records a business outcome of an entity (e.g. {@code retained = 1.0}, days after it was
     * routed) and hands it to the router's hooks ({@code RouteHook#onOutcome}) joined to the arm
     * the entity is in: the router decides again for {@code RouteRequest.of(model, entityKey)},
     * which is deterministic for a given configuration, so the application never keeps the arm.
     * It is the arm the <em>current</em> configuration gives: after a weight change or a kill
     * switch, outcomes of entities that moved are attributed to their new arm, so report
     * outcomes of a stage before changing it.
     *
     * <p>Cheap: one {@code decide} and the hooks; nothing at all without hooks. Never throws for
     * an unknown model or a failing hook: an outcome whose model the router does not know is
     * dropped and counted, a failing hook is counted in {@link RouterStatus#internalErrors()}.
     *
     * @param model the model
     * @param entityKey the entity (hashed by the router, never stored)
     * @param name the outcome's name, e.g. {@code converted}
     * @param value its value (a hook may ignore NaN or infinite values)
     * @throws NullPointerException if an argument is null
     */
    default void recordOutcome(String model, String entityKey, String name, double value) {
        recordOutcome(RouteRequest.of(model, entityKey), name, value);
    }

    /**
     * As {@link #recordOutcome(String, String, String, double)}, for an entity whose segments
     * (tenant, region, ...) matter to the arm it is in.
     *
     * @param request the request as the entity is routed
     * @param name the outcome's name
     * @param value its value
     * @throws NullPointerException if an argument is null
     */
    void recordOutcome(RouteRequest request, String name, double value);

    /**
     * Records a late label (what a prediction should have been, for the MAE of each arm), joined
     * to the entity's arm as {@link #recordOutcome(String, String, String, double)} is.
     *
     * @param model the model
     * @param entityKey the entity
     * @param predicted what the model predicted
     * @param actual what happened
     * @throws NullPointerException if an argument is null
     */
    default void recordLabel(String model, String entityKey, double predicted, double actual) {
        recordLabel(RouteRequest.of(model, entityKey), predicted, actual);
    }

    /**
     * As {@link #recordLabel(String, String, double, double)}, for an entity whose segments
     * matter to the arm it is in.
     *
     * @param request the request as the entity is routed
     * @param predicted what the model predicted
     * @param actual what happened
     * @throws NullPointerException if request is null
     */
    void recordLabel(RouteRequest request, double predicted, double actual);

    /**
     * Routes a request without blocking the caller, for models whose versions answer
     * asynchronously ({@code ModelBinding.builder(model).asyncVersion("v2", input -> stage)}):
     * exactly as {@link RoutedModel#routeAsync} of the registered binding.
     *
     * <pre>{@code
     * router.<Features, Double>routeAsync(RouteRequest.of("churn", id), features)
     *         .thenAccept(r -> reply(r.output()));
     * }</pre>
     *
     * @param request the request; its model selects the binding
     * @param input the model input; treated as immutable
     * @param <I> input type of the model's binding
     * @param <O> output type of the model's binding
     * @return the stage of the served output with the decision
     * @throws IllegalArgumentException if no binding is registered for the request's model
     * @throws NullPointerException if the request is null
     * @see RoutedModel#routeAsync(RouteRequest, Object)
     */
    <I, O> CompletionStage<RouteResult<O>> routeAsync(RouteRequest request, I input);

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

package dev.releaserouter.api.hook;

import dev.releaserouter.api.RouteDecision;

/**
 * Watches routing, in the spirit of OpenFeature's hooks: one type for measurements, exposure
 * logging, metrics and tracing. Register hooks on the router builder
 * ({@code ReleaseRouter.builder().hook(hook)}, repeatable, called in registration order).
 * Every method is a no-op by default: implement only what you need.
 *
 * <p>One {@code route(...)} call, on the caller's thread, in this order:
 * <ol>
 *   <li>{@link #beforeDecision}: nothing decided yet; open a span or a scope here (the model
 *       call runs before {@link #finallyAfter}, so inside it);
 *   <li>{@link #afterDecision}: the router decided;
 *   <li>{@link #afterCall}: the served version answered or failed (version, role, latency,
 *       error, output validity, fallback);
 *   <li>{@link #onError}: only when {@code route} is about to rethrow the model's failure;
 *   <li>{@link #finallyAfter}: always, exactly once, even if an earlier hook method threw.
 * </ol>
 * Per-call state (an observation and its scope) is kept in the {@link HookContext}, which has
 * one slot per hook. {@link #afterShadow} runs when a shadow call ends (on a shadow worker
 * thread) or is skipped (on the request thread); {@link #onOutcome} on the thread that called
 * {@code Router.recordOutcome} or {@code recordLabel}. {@code decide(...)} is never hooked: it
 * stays the allocation-free hot path.
 *
 * <p>Implementations must be thread-safe and fast: they run on request threads. The router never
 * lets a hook fail a request: whatever a hook method throws ({@code AssertionError},
 * {@code StackOverflowError} and {@code NoClassDefFoundError} included) is caught and counted in
 * {@code RouterStatus.internalErrors()}, the other hooks still run and
 * {@link #finallyAfter} is still called. Only a fatal VM error ({@code OutOfMemoryError},
 * {@code InternalError}, {@code UnknownError}) thrown on a request thread is rethrown.
 */
public interface RouteHook {

    /**
     * {@code route} began; nothing is decided yet.
     *
     * @param context this call's context (never null); {@link HookContext#decision()} is empty
     */
    default void beforeDecision(HookContext context) {}

    /**
     * The router decided.
     *
     * @param context this call's context (never null)
     * @param decision the decision (never null)
     */
    default void afterDecision(HookContext context, RouteDecision decision) {}

    /**
     * The served version answered (possibly the stable one after a fallback) or failed.
     *
     * @param context this call's context (never null)
     * @param call what was served, how long it took and whether it failed (never null)
     */
    default void afterCall(HookContext context, CallEvent call) {}

    /**
     * A shadow call ended, or the request was not shadowed (then
     * {@link ShadowEvent#outcome()} is empty and the disposition says why). Not called for
     * models without a configured shadow.
     *
     * @param shadow the shadow side of a routed request (never null)
     */
    default void afterShadow(ShadowEvent shadow) {}

    /**
     * {@code route} is about to rethrow the served version's failure to its caller.
     *
     * @param context this call's context (never null)
     * @param error the failure (never null)
     */
    default void onError(HookContext context, Throwable error) {}

    /**
     * {@code route} ends, whatever happened; called exactly once per {@link #beforeDecision}.
     *
     * @param context this call's context (never null)
     */
    default void finallyAfter(HookContext context) {}

    /**
     * A business outcome or a late label was recorded through the router
     * ({@code Router.recordOutcome} / {@code recordLabel}); the router has resolved the arm.
     *
     * @param outcome the outcome, joined to its version (never null)
     */
    default void onOutcome(OutcomeEvent outcome) {}
}

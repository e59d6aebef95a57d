package dev.releaserouter.api.hook;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One {@code route(...)} call as the hooks see it: the request, the decision once made, and one
 * state slot per hook, so that a hook can carry per-call state (an observation and its scope)
 * from {@link RouteHook#beforeDecision} to {@link RouteHook#finallyAfter}. Each hook sees only
 * its own slot.
 *
 * <p>Created by the router once per routed call, only when hooks are registered. Used by one
 * thread at a time (the caller's, then for {@code routeAsync} the completing one, with a
 * happens-before edge between them); not thread-safe. Not intended for external implementation.
 */
public interface HookContext {

    /** @return the request being routed (never null) */
    RouteRequest request();

    /**
     * Whether this is a {@code routeAsync} call: then {@link RouteHook#afterCall},
     * {@link RouteHook#onError} and {@link RouteHook#finallyAfter} run on the thread that
     * completes the model's stage, not on the caller's, so a hook must not open thread-bound
     * scopes in {@link RouteHook#beforeDecision}.
     *
     * @return true for {@code routeAsync}, false for {@code route}
     */
    boolean isAsync();

    /** @return the decision, empty before {@link RouteHook#afterDecision} */
    Optional<RouteDecision> decision();

    /**
     * @return the state the current hook stored with {@link #setState}, or null if none
     */
    @Nullable Object state();

    /**
     * Stores the current hook's per-call state (it is dropped when the call ends).
     *
     * @param state the state; null clears it
     */
    void setState(@Nullable Object state);
}

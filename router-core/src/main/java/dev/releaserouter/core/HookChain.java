package dev.releaserouter.core;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.HookContext;
import dev.releaserouter.api.hook.OutcomeEvent;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.core.internal.Throwables;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's hooks, in registration order, and the one place that calls them on the request
 * path. Every call is contained: whatever a hook throws is counted in the router's internal
 * errors and the next hook still runs; a fatal VM error (see {@link Throwables}) is rethrown
 * only once every hook of that step ran. No lambdas on this path: without hooks nothing is
 * allocated, with hooks one {@link Context} (and its slots) per routed call.
 *
 * <p>Immutable and thread-safe; a {@link Context} is confined to the routing thread.
 */
final class HookChain {

    private static final Logger LOG = LoggerFactory.getLogger(HookChain.class);

    private final RouteHook[] hooks;
    private final DefaultRouter router;
    private final AtomicBoolean logged = new AtomicBoolean();

    HookChain(List<RouteHook> hooks, DefaultRouter router) {
        this.hooks = hooks.toArray(new RouteHook[0]);
        this.router = router;
    }

    boolean isEmpty() {
        return hooks.length == 0;
    }

    /** Starts a call: a new context, then every hook's {@code beforeDecision}. */
    Context before(RouteRequest request, boolean async) {
        Context c = new Context(request, hooks.length, async);
        Throwable fatal = null;
        for (int i = 0; i < hooks.length; i++) {
            c.current = i;
            try {
                hooks[i].beforeDecision(c);
            } catch (Throwable t) {
                fatal = failed(t, fatal);
            }
        }
        rethrow(fatal);
        return c;
    }

    void afterDecision(Context c, RouteDecision decision) {
        c.decision = decision;
        Throwable fatal = null;
        for (int i = 0; i < hooks.length; i++) {
            c.current = i;
            try {
                hooks[i].afterDecision(c, decision);
            } catch (Throwable t) {
                fatal = failed(t, fatal);
            }
        }
        rethrow(fatal);
    }

    void afterCall(Context c, CallEvent call) {
        Throwable fatal = null;
        for (int i = 0; i < hooks.length; i++) {
            c.current = i;
            try {
                hooks[i].afterCall(c, call);
            } catch (Throwable t) {
                fatal = failed(t, fatal);
            }
        }
        rethrow(fatal);
    }

    void onError(Context c, Throwable error) {
        Throwable fatal = null;
        for (int i = 0; i < hooks.length; i++) {
            c.current = i;
            try {
                hooks[i].onError(c, error);
            } catch (Throwable t) {
                fatal = failed(t, fatal);
            }
        }
        rethrow(fatal);
    }

    void finallyAfter(Context c) {
        Throwable fatal = null;
        for (int i = 0; i < hooks.length; i++) {
            c.current = i;
            try {
                hooks[i].finallyAfter(c);
            } catch (Throwable t) {
                fatal = failed(t, fatal);
            }
        }
        rethrow(fatal);
    }

    void onOutcome(OutcomeEvent outcome) {
        Throwable fatal = null;
        for (RouteHook hook : hooks) {
            try {
                hook.onOutcome(outcome);
            } catch (Throwable t) {
                fatal = failed(t, fatal);
            }
        }
        rethrow(fatal);
    }

    /** The first hook of the given type, in registration order. */
    <T> Optional<T> find(Class<T> type) {
        for (RouteHook hook : hooks) {
            if (type.isInstance(hook)) {
                return Optional.of(type.cast(hook));
            }
        }
        return Optional.empty();
    }

    List<RouteHook> asList() {
        return List.of(hooks);
    }

    private @Nullable Throwable failed(Throwable t, @Nullable Throwable fatal) {
        router.internalError(); // a hook never fails a request
        if (!logged.getAndSet(true)) {
            LOG.warn("Release Router: a route hook failed ({}); further failures are only "
                    + "counted in RouterStatus.internalErrors()", t.getClass().getName());
        }
        return fatal == null && Throwables.isFatal(t) ? t : fatal;
    }

    private static void rethrow(@Nullable Throwable fatal) {
        if (fatal != null) {
            Throwables.rethrowIfFatal(fatal);
        }
    }

    /** One routed call's context: the request, the decision, one state slot per hook. */
    static final class Context implements HookContext {
        private final RouteRequest request;
        private final @Nullable Object[] states;
        private final boolean async;
        private @Nullable RouteDecision decision;
        private int current;

        Context(RouteRequest request, int hooks, boolean async) {
            this.request = request;
            this.states = new Object[hooks];
            this.async = async;
        }

        @Override
        public boolean isAsync() {
            return async;
        }

        @Override
        public RouteRequest request() {
            return request;
        }

        @Override
        public Optional<RouteDecision> decision() {
            return Optional.ofNullable(decision);
        }

        @Override
        public @Nullable Object state() {
            return states[current];
        }

        @Override
        public void setState(@Nullable Object state) {
            states[current] = state;
        }
    }
}

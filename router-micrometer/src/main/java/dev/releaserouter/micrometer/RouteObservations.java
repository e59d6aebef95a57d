package dev.releaserouter.micrometer;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.HookContext;
import dev.releaserouter.api.hook.RouteHook;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Wraps every {@code route(...)} call in a Micrometer {@link Observation}, so that a tracing
 * bridge (OpenTelemetry, Brave) shows a span per decision and a meter handler times it:
 *
 * <pre>{@code
 * Router router = ReleaseRouter.builder()
 *         .flagSource(...)
 *         .hook(RouteObservations.of(observationRegistry))
 *         .build();
 * }</pre>
 *
 * <p>The observation starts before the decision and its scope is open while the chosen version
 * runs, so spans the model opens are children of it; it records a model failure as its error.
 * For {@code routeAsync}, which ends on another thread, no scope is opened: the observation
 * still spans the call.
 * Names and keys come from {@link DefaultRouteObservationConvention} unless a custom
 * {@link RouteObservationConvention} is given (or registered globally on the registry). With
 * {@link ObservationRegistry#NOOP} nothing is created per call.
 *
 * <p>Thread-safe.
 */
public final class RouteObservations implements RouteHook {

    private static final DefaultRouteObservationConvention DEFAULT =
            new DefaultRouteObservationConvention();

    private final ObservationRegistry registry;
    private final @Nullable RouteObservationConvention custom;

    private RouteObservations(ObservationRegistry registry,
            @Nullable RouteObservationConvention custom) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.custom = custom;
    }

    /**
     * @param registry where observations are created
     * @return an observer using the default convention
     * @throws NullPointerException if registry is null
     */
    public static RouteObservations of(ObservationRegistry registry) {
        return new RouteObservations(registry, null);
    }

    /**
     * @param registry where observations are created
     * @param convention names and keys to use instead of the default ones
     * @return an observer using the convention
     * @throws NullPointerException if an argument is null
     */
    public static RouteObservations of(ObservationRegistry registry,
            RouteObservationConvention convention) {
        return new RouteObservations(registry, Objects.requireNonNull(convention, "convention"));
    }

    /** Starts the observation and opens its scope; both are kept in the call's context. */
    @Override
    public void beforeDecision(HookContext context) {
        if (registry.isNoop()) {
            return;
        }
        RouteObservationContext observed = new RouteObservationContext(context.request());
        Observation observation = Observation.createNotStarted(custom, DEFAULT, () -> observed,
                registry).start();
        // routeAsync ends on another thread: no thread-bound scope then (the span still covers
        // the call, and the model's client can take it as its parent explicitly).
        context.setState(new Scoped(observation, observed,
                context.isAsync() ? null : observation.openScope()));
    }

    @Override
    public void afterDecision(HookContext context, RouteDecision decision) {
        Scoped s = scoped(context);
        if (s != null) {
            s.context.decision(decision);
        }
    }

    @Override
    public void afterCall(HookContext context, CallEvent call) {
        Scoped s = scoped(context);
        if (s != null) {
            s.context.call(call);
        }
    }

    @Override
    public void onError(HookContext context, Throwable error) {
        Scoped s = scoped(context);
        if (s != null) {
            s.observation.error(error);
        }
    }

    /** Closes the scope, then stops the observation (even if closing the scope failed). */
    @Override
    public void finallyAfter(HookContext context) {
        Scoped s = scoped(context);
        if (s == null) {
            return;
        }
        context.setState(null);
        try {
            if (s.scope != null) {
                s.scope.close();
            }
        } finally {
            s.observation.stop();
        }
    }

    private static @Nullable Scoped scoped(HookContext context) {
        Object state = context.state();
        return state instanceof Scoped ? (Scoped) state : null;
    }

    /** One observation and its open scope; used on the routing thread only. */
    private record Scoped(Observation observation, RouteObservationContext context,
            Observation.@Nullable Scope scope) {}
}

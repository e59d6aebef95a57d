package dev.releaserouter.micrometer;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.core.RouteObserver;
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
 *         .routeObserver(RouteObservations.of(observationRegistry))
 *         .build();
 * }</pre>
 *
 * <p>The observation starts before the decision and its scope is open while the chosen version
 * runs, so spans the model opens are children of it; it records a model failure as its error.
 * Names and keys come from {@link DefaultRouteObservationConvention} unless a custom
 * {@link RouteObservationConvention} is given (or registered globally on the registry). With
 * {@link ObservationRegistry#NOOP} nothing is created per call.
 *
 * <p>Thread-safe.
 */
public final class RouteObservations implements RouteObserver {

    private static final DefaultRouteObservationConvention DEFAULT =
            new DefaultRouteObservationConvention();

    private static final Observed NOOP = new Observed() {
        @Override
        public void decided(RouteDecision decision) {}

        @Override
        public void served(RouteResult<?> result) {}

        @Override
        public void failed(Throwable error) {}

        @Override
        public void close() {}
    };

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

    @Override
    public Observed start(RouteRequest request) {
        if (registry.isNoop()) {
            return NOOP;
        }
        RouteObservationContext context = new RouteObservationContext(request);
        Observation observation = Observation.createNotStarted(custom, DEFAULT, () -> context,
                registry).start();
        return new MicrometerObserved(observation, context);
    }

    /** One observation; used on the routing thread only. */
    private static final class MicrometerObserved implements Observed {
        private final Observation observation;
        private final RouteObservationContext context;
        private final Observation.Scope scope;

        MicrometerObserved(Observation observation, RouteObservationContext context) {
            this.observation = observation;
            this.context = context;
            this.scope = observation.openScope();
        }

        @Override
        public void decided(RouteDecision decision) {
            context.decision(decision);
        }

        @Override
        public void served(RouteResult<?> result) {
            context.result(result);
        }

        @Override
        public void failed(Throwable error) {
            observation.error(error);
        }

        @Override
        public void close() {
            try {
                scope.close();
            } finally {
                observation.stop();
            }
        }
    }
}

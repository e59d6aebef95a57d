package dev.releaserouter.micrometer;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.hook.CallEvent;
import io.micrometer.observation.Observation;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The Micrometer {@link Observation.Context} of one {@code route(...)} call: the request, then the
 * decision, then the model call. A {@link RouteObservationConvention} reads it to name the
 * observation and choose its key values.
 *
 * <p>Not thread-safe: filled on the thread that routes, and read by the observation handlers on
 * that thread when the observation stops.
 */
public final class RouteObservationContext extends Observation.Context {

    private final RouteRequest request;
    private @Nullable RouteDecision decision;
    private @Nullable CallEvent call;

    /**
     * @param request the request being routed
     * @throws NullPointerException if request is null
     */
    public RouteObservationContext(RouteRequest request) {
        this.request = Objects.requireNonNull(request, "request");
    }

    /** @return the request being routed */
    public RouteRequest request() {
        return request;
    }

    /** @return the router's decision, or null before it is made */
    public @Nullable RouteDecision decision() {
        return decision;
    }

    /**
     * @return the model call (served version, latency, error, fallback), or null before the
     *     call ended
     */
    public @Nullable CallEvent call() {
        return call;
    }

    void decision(RouteDecision decision) {
        this.decision = decision;
    }

    void call(CallEvent call) {
        this.call = call;
    }
}

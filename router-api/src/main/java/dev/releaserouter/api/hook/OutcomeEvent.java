package dev.releaserouter.api.hook;

import dev.releaserouter.api.RouteRequest;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A business outcome (e.g. {@code retained = 1.0}) or a late label (what a prediction should have
 * been) recorded through the router, joined to the version the router gives the entity now.
 * Immutable.
 *
 * @param request the request as the entity is routed (model, entity key, segments)
 * @param version the version the router gives that request now (the arm)
 * @param name the outcome's name; {@value #LABEL} for a label
 * @param value the outcome's value, or for a label the actual value
 * @param predicted for a label, what the model predicted; empty for an outcome
 */
public record OutcomeEvent(RouteRequest request, String version, String name, double value,
        OptionalDouble predicted) {

    /** The name of a label event. */
    public static final String LABEL = "label";

    /** @throws NullPointerException if an argument is null */
    public OutcomeEvent {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(predicted, "predicted");
    }

    /**
     * @param request the request as the entity is routed
     * @param version its arm
     * @param name the outcome's name
     * @param value its value
     * @return a business outcome
     * @throws NullPointerException if an argument is null
     */
    public static OutcomeEvent outcome(RouteRequest request, String version, String name,
            double value) {
        return new OutcomeEvent(request, version, name, value, OptionalDouble.empty());
    }

    /**
     * @param request the request as the entity is routed
     * @param version its arm
     * @param predicted what the model predicted
     * @param actual what happened
     * @return a label
     * @throws NullPointerException if an argument is null
     */
    public static OutcomeEvent label(RouteRequest request, String version, double predicted,
            double actual) {
        return new OutcomeEvent(request, version, LABEL, actual, OptionalDouble.of(predicted));
    }

    /** @return whether this is a label (predicted vs actual) rather than an outcome */
    public boolean isLabel() {
        return predicted.isPresent();
    }

    /** @return the request's model */
    public String model() {
        return request.model();
    }
}

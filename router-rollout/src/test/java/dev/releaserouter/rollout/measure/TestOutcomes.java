package dev.releaserouter.rollout.measure;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.hook.OutcomeEvent;
import java.util.OptionalDouble;

/**
 * What {@code Router.recordOutcome} / {@code recordLabel} hand an {@link ArmMeasurements} hook,
 * for tests whose router was built without the hook: the arm {@code router.decide} gives now.
 */
public final class TestOutcomes {

    private TestOutcomes() {}

    public static void outcome(Router router, ArmMeasurements m, String model, String entity,
            String name, double value) {
        outcome(router, m, RouteRequest.of(model, entity), name, value);
    }

    public static void outcome(Router router, ArmMeasurements m, RouteRequest request,
            String name, double value) {
        String version = router.decide(request).version();
        if (version != null) {
            m.onOutcome(OutcomeEvent.outcome(request, version, name, value));
        }
    }

    public static void label(Router router, ArmMeasurements m, String model, String entity,
            double predicted, double actual) {
        RouteRequest request = RouteRequest.of(model, entity);
        String version = router.decide(request).version();
        if (version != null) {
            m.onOutcome(OutcomeEvent.label(request, version, predicted, actual));
        }
    }

    /** Cost, tokens and score where NaN means unknown (as the generators produce them). */
    public static CallCost cost(double costUnits, double tokens, double score) {
        return new CallCost(opt(costUnits), opt(tokens), opt(score));
    }

    private static OptionalDouble opt(double v) {
        return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}

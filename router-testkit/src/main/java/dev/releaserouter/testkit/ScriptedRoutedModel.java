package dev.releaserouter.testkit;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.ModelInvocationException;
import dev.releaserouter.api.shadow.Predictor;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowDisposition;
import java.util.Map;
import java.util.function.Function;

/**
 * The routed model of a scripted fake router: decides with the script, calls the chosen version
 * on the caller's thread (the first registered one if the decision names an unregistered
 * version), never shadows. Thread-safe if the script is.
 *
 * @param <I> input type
 * @param <O> output type
 */
final class ScriptedRoutedModel<I, O> implements RoutedModel<I, O> {

    private final ModelBinding<I, O> binding;
    private final Function<RouteRequest, RouteDecision> decider;
    private final ShadowDisposition shadow;

    /**
     * @param binding the versions
     * @param decider records and decides a request
     * @param shadow the disposition every result reports
     */
    public ScriptedRoutedModel(ModelBinding<I, O> binding,
            Function<RouteRequest, RouteDecision> decider, ShadowDisposition shadow) {
        this.binding = binding;
        this.decider = decider;
        this.shadow = shadow;
    }

    @Override
    public RouteResult<O> route(RouteRequest request, I input) {
        if (!request.model().equals(binding.model())) {
            throw new IllegalArgumentException("this routed model is bound to "
                    + binding.model() + ", but the request names " + request.model());
        }
        RouteDecision d = decider.apply(request);
        Map<String, Predictor<I, O>> versions = binding.versions();
        String served = d.version();
        Predictor<I, O> p = served == null ? null : versions.get(served);
        if (p == null) {
            Map.Entry<String, Predictor<I, O>> first = versions.entrySet().iterator().next();
            served = first.getKey();
            p = first.getValue();
        }
        O out;
        try {
            out = p.predict(input);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ModelInvocationException(binding.model(), served, e);
        }
        return new RouteResult<>(out, d, served, null, shadow);
    }

    @Override
    public ModelBinding<I, O> binding() {
        return binding;
    }
}

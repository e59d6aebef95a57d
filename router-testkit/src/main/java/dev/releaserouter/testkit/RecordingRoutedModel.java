package dev.releaserouter.testkit;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowDisposition;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Records each request, then routes or shadows it through the real routed model. Thread-safe
 * if the recorder is.
 *
 * @param <I> input type
 * @param <O> output type
 */
final class RecordingRoutedModel<I, O> implements RoutedModel<I, O> {

    private final RoutedModel<I, O> real;
    private final Consumer<RouteRequest> recorder;

    /**
     * @param real the routed model of the real router
     * @param recorder receives every request before it is routed
     */
    public RecordingRoutedModel(RoutedModel<I, O> real, Consumer<RouteRequest> recorder) {
        this.real = real;
        this.recorder = recorder;
    }

    @Override
    public RouteResult<O> route(RouteRequest request, I input) {
        recorder.accept(request);
        return real.route(request, input);
    }

    @Override
    public CompletionStage<RouteResult<O>> routeAsync(RouteRequest request, I input) {
        recorder.accept(request);
        return real.routeAsync(request, input);
    }

    @Override
    public ShadowDisposition shadow(RouteRequest request, I input, @Nullable O primaryOutput,
            long primaryNanos) {
        recorder.accept(request);
        return real.shadow(request, input, primaryOutput, primaryNanos);
    }

    @Override
    public ModelBinding<I, O> binding() {
        return real.binding();
    }
}

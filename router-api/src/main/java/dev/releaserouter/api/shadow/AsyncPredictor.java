package dev.releaserouter.api.shadow;

import java.util.concurrent.CompletionStage;

/**
 * One version of a model that answers asynchronously (a remote model server, a batching
 * client), registered with {@link ModelBinding.Builder#asyncVersion}. {@code routeAsync} calls
 * it on the caller's thread and expects it to return at once; the stage completes later, on
 * whatever thread the model's client uses.
 *
 * <p>Implementations must be thread-safe. A predictor that throws instead of returning a stage
 * fails the call exactly as a failed stage does.
 *
 * @param <I> input type
 * @param <O> output type
 */
@FunctionalInterface
public interface AsyncPredictor<I, O> {

    /**
     * Starts a prediction.
     *
     * @param input the input; treated as immutable
     * @return the stage of the output (never null)
     * @throws Exception anything the model's client throws while starting the call
     */
    CompletionStage<O> predict(I input) throws Exception;
}

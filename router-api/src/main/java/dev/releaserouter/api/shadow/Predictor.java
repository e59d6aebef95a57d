package dev.releaserouter.api.shadow;

/**
 * One version of a model, as a function from input to output.
 *
 * <p>Inputs must be treated as immutable: the same input object may be given to the stable
 * version and, later and on another thread, to a shadowed candidate. Configure an
 * {@link InputCopier} if a version may mutate its input.
 *
 * @param <I> input type
 * @param <O> output type
 */
@FunctionalInterface
public interface Predictor<I, O> {

    /**
     * @param input the input
     * @return the output
     * @throws Exception anything the model throws; on the primary path it reaches the caller
     *     (unless fallback applies), on the shadow path it is caught and counted
     */
    O predict(I input) throws Exception;
}

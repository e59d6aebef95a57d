package dev.releaserouter.api.shadow;

import org.jspecify.annotations.Nullable;

/**
 * Checks an output (no NaN or infinity, scores in range, ...). An invalid output counts as an
 * error of the version that produced it.
 *
 * @param <O> output type
 */
@FunctionalInterface
public interface OutputValidator<O> {

    /**
     * @param output the output (may be null if the version returned null)
     * @return null if the output is valid, else a short description of the problem (no data)
     */
    @Nullable String problem(@Nullable O output);
}

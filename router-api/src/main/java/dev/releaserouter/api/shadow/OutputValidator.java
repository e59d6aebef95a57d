package dev.releaserouter.api.shadow;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Checks an output (no NaN or infinity, scores in range, a JSON Schema contract, ...). An invalid
 * output counts as an error of the version that produced it. A validator may also report named
 * {@link PolicyViolation policy violations} (guardrail incidents) of an output, valid or not:
 * the router counts them per arm, on the served path and on the shadow path, whatever
 * {@link #problem} said.
 *
 * <p>Implementations must be thread-safe: they run on request threads and shadow workers. What
 * they throw is contained: {@link #problem} throwing rejects the output, {@link #violations}
 * throwing is counted as an internal error and reports none.
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

    /**
     * The named policies an output broke. Called after {@link #problem} for every output a
     * version returned (not for a call that threw or timed out). The default reports none.
     *
     * @param output the output (may be null if the version returned null)
     * @return the violations, never null; empty if none (do not allocate for that case: it runs
     *     on every served call)
     */
    default List<PolicyViolation> violations(@Nullable O output) {
        return List.of();
    }
}

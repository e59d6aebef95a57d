package dev.releaserouter.api.shadow;

/**
 * Compares a candidate's output with the stable version's. Called off the request thread.
 *
 * @param <O> output type
 */
@FunctionalInterface
public interface ShadowComparator<O> {

    /**
     * @param stable the stable version's output
     * @param candidate the candidate's output
     * @return whether they match, and the delta for scores
     */
    Comparison compare(O stable, O candidate);
}

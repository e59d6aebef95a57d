package dev.releaserouter.api.shadow;

/**
 * Copies an input before a shadowed candidate sees it, so the candidate cannot change what the
 * caller or the stable version sees. Runs on the caller's thread.
 *
 * @param <I> input type
 */
@FunctionalInterface
public interface InputCopier<I> {

    /**
     * @param input the input
     * @return an independent copy
     */
    I copy(I input);
}

package dev.releaserouter.stats;

/** Whether a two-proportion z-test applies a continuity correction. */
public enum ContinuityCorrection {

    /** No correction: the plain pooled z, as R's {@code prop.test(correct = FALSE)}. */
    NONE,

    /**
     * Yates' correction: {@code |d|} is reduced by {@code min(1/2, |d| / (1/n_c + 1/n_t))}
     * times {@code (1/n_c + 1/n_t)}, as R's {@code prop.test(correct = TRUE)} does; more
     * conservative, mostly relevant below a few hundred units per arm.
     */
    YATES
}

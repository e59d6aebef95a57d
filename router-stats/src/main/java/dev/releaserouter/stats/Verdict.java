package dev.releaserouter.stats;

/** What an {@link ExperimentAnalysis} concludes about the treatment, as a gate reads it. */
public enum Verdict {

    /** Significantly better than control in the metric's {@link Direction}. */
    BETTER,

    /** Significantly worse than control in the metric's {@link Direction}. */
    WORSE,

    /**
     * Enough data, and no significant difference: the difference is smaller than the experiment
     * can see (see the uplift's interval for how small), not proven to be zero.
     */
    NO_DIFFERENCE_DETECTED,

    /** Below the minimum sample per arm, or the numbers cannot be computed yet. */
    NOT_ENOUGH_DATA
}

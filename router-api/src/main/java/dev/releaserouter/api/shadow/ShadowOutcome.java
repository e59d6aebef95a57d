package dev.releaserouter.api.shadow;

/** How a shadow call that ran ended. */
public enum ShadowOutcome {
    /** The candidate answered a valid output. */
    SUCCESS,
    /** The candidate threw. */
    ERROR,
    /** The candidate did not answer within the shadow timeout; it was interrupted. */
    TIMEOUT,
    /** The candidate answered an output its validator rejected (NaN, out of range, ...). */
    INVALID_OUTPUT
}

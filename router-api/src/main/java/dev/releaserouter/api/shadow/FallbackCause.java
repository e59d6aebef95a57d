package dev.releaserouter.api.shadow;

/** Why the stable version answered instead of the canary the decision chose. */
public enum FallbackCause {
    /** The canary threw. */
    ERROR,
    /** The canary exceeded the primary-path timeout. */
    TIMEOUT,
    /** The canary's output failed validation. */
    INVALID_OUTPUT
}

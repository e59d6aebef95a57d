package dev.releaserouter.api.shadow;

/**
 * What happened to the shadow side of a routed request. Every value but {@link #SCHEDULED} is a
 * skip, counted with this value as its reason.
 */
public enum ShadowDisposition {
    /** The candidate call was queued for asynchronous execution. */
    SCHEDULED,
    /** The model has no shadow configuration, or its sample is 0%. */
    NOT_CONFIGURED,
    /** The entity's shadow bucket is outside the sample. */
    NOT_SAMPLED,
    /** The request was served by the shadow version itself (canary); nothing to compare. */
    SERVED_BY_CANDIDATE,
    /** The request carries a data class that must never be shadowed (sovereign, LGPD, ...). */
    FORBIDDEN_DATA,
    /** The tenant, region, channel or product is on the shadow deny list. */
    DENIED_SEGMENT,
    /** The shadow version is not Approved or Staging (Candidate or Revoked). */
    VERSION_NOT_ELIGIBLE,
    /** A kill switch applies to the request or the shadow version. */
    KILL_SWITCH,
    /** The circuit breaker of the shadow version is open after repeated failures. */
    CIRCUIT_OPEN,
    /** The shadow queue was full: the call was dropped (load shedding). */
    DROPPED,
    /** The primary call failed, so there is no stable output to compare with. */
    PRIMARY_FAILED,
    /** The router is closed. */
    CLOSED
}

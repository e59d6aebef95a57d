package dev.releaserouter.api;

/**
 * Lifecycle stage of a model version, as recorded in a model registry.
 *
 * <p>Only {@link #APPROVED} versions receive live traffic. {@link #REVOKED} takes effect at once:
 * no traffic and no shadow, whatever a flag file says.
 */
public enum Stage {
    /** Submitted and accepted by automated checks; not servable. */
    CANDIDATE,
    /** Being validated (shadow or staging); may be shadowed, not served. */
    STAGING,
    /** Approved for production traffic. */
    APPROVED,
    /** Withdrawn; never served nor shadowed again. */
    REVOKED;

    /**
     * Whether a version at this stage may receive live traffic.
     *
     * @return {@code true} only for {@link #APPROVED}
     */
    public boolean servable() {
        return this == APPROVED;
    }
}

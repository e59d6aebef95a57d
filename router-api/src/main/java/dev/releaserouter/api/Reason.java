package dev.releaserouter.api;

/**
 * Why a {@link RouteDecision} chose its version. Every outcome of
 * {@link Router#decide(RouteRequest)} carries exactly one reason.
 *
 * <p>The reasons are listed in evaluation order: the first rule that applies decides. See
 * {@code docs/decisions.md} for the full order.
 */
public enum Reason {
    /** The model name is not in the configuration; there is no version to answer. */
    UNKNOWN_MODEL(false),
    /** A kill switch (model, tenant, channel or the bucketed version) sent it to stable. */
    KILL_SWITCH(false),
    /** The candidate the request would reach is not Approved, or is Revoked. */
    VERSION_NOT_APPROVED(false),
    /** The tenant, region, channel or product is on the model's deny list. */
    DENIED_SEGMENT(false),
    /** An allow list is set for a dimension and the request's value is not on it. */
    NOT_IN_ALLOWED_SEGMENT(false),
    /** The candidate's exposure budget (requests or monetary share) is used up. */
    BUDGET_EXHAUSTED(false),
    /**
     * The entity's bucket falls in a candidate's range (of the model's weights, or of the
     * targeting rule named by {@link RouteDecision#rule()}).
     */
    CANARY_BUCKET(true),
    /**
     * The entity's bucket falls in the stable range (of the model's weights, or of the targeting
     * rule named by {@link RouteDecision#rule()}).
     */
    STABLE_BUCKET(false),
    /** The router failed internally; the stable version answers. */
    INTERNAL_ERROR(false);

    private final boolean candidate;

    Reason(boolean candidate) {
        this.candidate = candidate;
    }

    /**
     * Whether a decision with this reason routes to a candidate version.
     *
     * @return {@code true} only for {@link #CANARY_BUCKET}
     */
    public boolean routesToCandidate() {
        return candidate;
    }
}

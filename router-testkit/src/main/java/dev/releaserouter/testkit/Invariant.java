package dev.releaserouter.testkit;

/**
 * The invariants {@link RouterInvariants} checks. Each holds for every configuration if the
 * router is right; checking them against your own flag file shows that the file means what you
 * think (a denied tenant is really denied, the shares are the ones you wrote) and guards your
 * routing code against a router replaced by something else.
 */
public enum Invariant {

    /**
     * A request whose tenant (or region, channel or product) is on the model's deny list, or
     * outside a non-empty allow list, is never routed to a candidate.
     */
    NO_DENIED_TENANT_REACHES_CANDIDATE(true),

    /**
     * Deciding the same request again, or an equal copy of it, gives the same version, role and
     * bucket (unless an exposure budget ran out in between or the configuration changed).
     */
    ASSIGNMENT_IS_STICKY(true),

    /**
     * A killed model (model or global kill switch, or a kill of the request's tenant or channel)
     * is served by its stable version only; a killed or not Approved candidate serves nobody.
     */
    KILLED_MODEL_SERVES_ONLY_STABLE(true),

    /**
     * A request carrying a forbidden data class, on the shadow deny list, or under a kill switch
     * is never shadowed: {@code route(...)} never schedules it (nor drops it from a full queue,
     * nor stops it at an open breaker, which would mean it passed the eligibility checks).
     */
    FORBIDDEN_DATA_NEVER_SHADOWED(true),

    /**
     * Over many entities eligible for the canary, each candidate serves a share that matches its
     * weight within a binomial tolerance (5 standard deviations by default); a candidate that is
     * killed or not Approved serves none. Candidates with an exposure budget are not checked.
     * The weights are those of the first targeting rule the sample's segment matches, if any.
     */
    SHARES_MATCH_WEIGHTS(false),

    /**
     * A decision made from the entity's bucket names the first targeting rule whose conditions
     * hold for the request ({@code RouteDecision.rule()}), or none when no rule matches, and a
     * candidate that serves it has a positive weight in that rule (or, without a rule, in the
     * model's own weights): rules apply in order, first match wins (docs/targeting.md).
     */
    TARGETING_RULES_APPLY_IN_ORDER(true);

    private final boolean perRequest;

    Invariant(boolean perRequest) {
        this.perRequest = perRequest;
    }

    /**
     * @return true if the invariant is checked request by request, false if it needs a sample of
     *     many entities ({@link #SHARES_MATCH_WEIGHTS})
     */
    public boolean perRequest() {
        return perRequest;
    }
}

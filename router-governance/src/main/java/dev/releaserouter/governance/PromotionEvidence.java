package dev.releaserouter.governance;

import dev.releaserouter.rollout.gates.GateDecision;
import java.util.Objects;

/**
 * The evidence on record for a version's promotion to Approved (seed 004: "no evidence, no
 * promotion"): the canary's verdict and, when the plan had a shadow phase, the shadow's.
 * Immutable.
 *
 * @param canary the canary's verdict: {@link GateDecision#PROCEED} once every stage passed its
 *     gate; HOLD while it runs or is undecided; ROLLBACK if it was rolled back or aborted
 * @param shadow the shadow phase's outcome
 * @param source where the evidence was read (shown in refusals and the audit), non-blank
 */
public record PromotionEvidence(GateDecision canary, Shadow shadow, String source) {

    /** The outcome of a release's shadow phase. */
    public enum Shadow {
        /** The plan had no shadow phase. */
        NONE,
        /** The shadow phase ran and passed its exit criteria. */
        PASS,
        /** The shadow phase ran and failed. */
        FAIL,
        /** The shadow phase has not finished. */
        PENDING
    }

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if source is blank
     */
    public PromotionEvidence {
        Objects.requireNonNull(canary, "canary");
        Objects.requireNonNull(shadow, "shadow");
        ReleaseGovernance.requireText(source, "source");
    }

    /**
     * @return whether this evidence allows a promotion: the canary PROCEEDed and the shadow
     *     phase, if there was one, passed
     */
    public boolean allowsPromotion() {
        return canary == GateDecision.PROCEED && (shadow == Shadow.NONE || shadow == Shadow.PASS);
    }
}

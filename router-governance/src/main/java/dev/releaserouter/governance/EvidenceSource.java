package dev.releaserouter.governance;

import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutStateStore;
import dev.releaserouter.rollout.RolloutStatus;
import dev.releaserouter.rollout.gates.GateDecision;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where {@link ReleaseGovernance#promote} reads the evidence for a promotion to Approved (seed
 * 004: "no evidence, no promotion"; section 5: Promote -> Approved needs {@code Canary=PROCEED}).
 * Configure one with {@link ReleaseGovernance.Builder#evidence}; a promotion is then refused
 * unless the source has evidence for the version that {@linkplain
 * PromotionEvidence#allowsPromotion() allows} it.
 *
 * <p>Two sources read router-rollout: {@link #rolloutStore} (the evidence the rollout state
 * store keeps: the last checkpoint's gate decision and the shadow phase's verdict) and
 * {@link #rollout} (a controller's decision log). Any other record plugs in by implementing
 * this interface. A source is user code: what it throws refuses the promotion and is counted.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface EvidenceSource {

    /**
     * @param model the model
     * @param version the version to promote
     * @return the evidence on record for it, or empty if there is none
     */
    Optional<PromotionEvidence> evidence(String model, String version);

    /**
     * Reads a rollout state store's evidence on record ({@link RolloutStateStore#evidence}):
     * PROCEED when the stored rollout of the version is PROMOTED and its last checkpoint's gate
     * said PROCEED (a rollout promoted by hand is HOLD: not evidence), ROLLBACK when it was
     * rolled back or aborted, HOLD otherwise; the shadow phase's PASS or FAIL when the plan had
     * one (PENDING while it runs, NONE without one).
     *
     * @param store the store the rollout controller writes
     * @return the source
     */
    static EvidenceSource rolloutStore(RolloutStateStore store) {
        Objects.requireNonNull(store, "store");
        return (model, version) -> store.evidence(model, version).map(e -> {
            RolloutStatus st = e.status();
            GateDecision d;
            String why;
            if (st == RolloutStatus.ROLLED_BACK || st == RolloutStatus.ABORTED) {
                d = GateDecision.ROLLBACK;
                why = st.name();
            } else if (st == RolloutStatus.PROMOTED && e.canaryProceeded()) {
                d = GateDecision.PROCEED;
                why = "PROMOTED after a gate's PROCEED";
            } else {
                d = GateDecision.HOLD;
                why = st == RolloutStatus.PROMOTED ? "PROMOTED by hand, not by a gate"
                        : "still " + st;
            }
            PromotionEvidence.Shadow shadow = e.shadowVerdict() != null
                    ? (e.shadowPassed() ? PromotionEvidence.Shadow.PASS
                            : PromotionEvidence.Shadow.FAIL)
                    : st == RolloutStatus.SHADOW ? PromotionEvidence.Shadow.PENDING
                            : PromotionEvidence.Shadow.NONE;
            return new PromotionEvidence(d, shadow, "rollout state of " + model + "/" + version
                    + ": " + why + (e.shadowVerdict() == null ? ""
                            : ", shadow phase " + e.shadowVerdict()));
        });
    }

    /**
     * Reads a controller's decisions: PROCEED only if its rollout of the version ended PROMOTED
     * by a gate's PROCEED at the last stage; an operator's manual promotion is not evidence
     * (HOLD), a rollback or abort is ROLLBACK, anything else HOLD.
     *
     * @param controller the rollout controller of the version
     * @return the source
     */
    static EvidenceSource rollout(RolloutController controller) {
        Objects.requireNonNull(controller, "controller");
        return (model, version) -> {
            if (!controller.plan().model().equals(model)
                    || !controller.plan().candidateVersion().equals(version)) {
                return Optional.empty();
            }
            List<RolloutDecision> ds = controller.decisions();
            if (ds.isEmpty()) {
                return Optional.empty();
            }
            RolloutDecision last = ds.get(ds.size() - 1);
            GateDecision d;
            String why;
            if (last.status() == RolloutStatus.PROMOTED && last.action() == RolloutAction.PROCEED
                    && !last.dryRun()) {
                d = GateDecision.PROCEED;
                why = "gate PROCEED at stage " + (last.stageIndex() + 1);
            } else if (last.status() == RolloutStatus.ROLLED_BACK
                    || last.status() == RolloutStatus.ABORTED) {
                d = GateDecision.ROLLBACK;
                why = last.status().name();
            } else {
                d = GateDecision.HOLD;
                why = last.action() == RolloutAction.PROMOTE ? "promoted by hand, not by a gate"
                        : last.dryRun() ? "a dry run" : "still " + last.status();
            }
            return Optional.of(new PromotionEvidence(d, PromotionEvidence.Shadow.NONE,
                    "rollout decisions of " + model + "/" + version + ": " + why + " at "
                            + last.time()));
        };
    }
}

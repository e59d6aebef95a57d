package dev.releaserouter.governance;

import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutState;
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
 * <p>Two sources read router-rollout as it is: {@link #rolloutStore} (the persisted rollout
 * state: PROMOTED means every stage passed) and {@link #rollout} (a controller's decision log,
 * which tells a gate's PROCEED from an operator's manual promotion). Neither knows of a shadow
 * phase ({@link PromotionEvidence.Shadow#NONE}); a rollout plan with a shadow phase plugs in by
 * implementing this interface. A source is user code: what it throws refuses the promotion and
 * is counted. Implementations must be thread-safe.
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
     * Reads a rollout state store: the model's stored rollout, if its candidate is the version,
     * gives PROCEED when it is PROMOTED, ROLLBACK when it was rolled back or aborted, HOLD
     * otherwise. The store cannot tell a gate's last PROCEED from a manual promotion: use
     * {@link #rollout} where that matters.
     *
     * @param store the store the rollout controller writes
     * @return the source
     */
    static EvidenceSource rolloutStore(RolloutStateStore store) {
        Objects.requireNonNull(store, "store");
        return (model, version) -> {
            Optional<RolloutState> s = store.load(model);
            if (s.isEmpty() || !s.get().candidate().equals(version)) {
                return Optional.empty();
            }
            RolloutStatus st = s.get().status();
            GateDecision d = st == RolloutStatus.PROMOTED ? GateDecision.PROCEED
                    : st == RolloutStatus.ROLLED_BACK || st == RolloutStatus.ABORTED
                            ? GateDecision.ROLLBACK : GateDecision.HOLD;
            return Optional.of(new PromotionEvidence(d, PromotionEvidence.Shadow.NONE,
                    "rollout state of " + model + " (" + st + ", policy "
                            + s.get().policyDigest() + ")"));
        };
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

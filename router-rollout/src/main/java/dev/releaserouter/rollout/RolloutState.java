package dev.releaserouter.rollout;

import dev.releaserouter.rollout.gates.GateDecision;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The persisted state of one model's rollout: enough to resume after a restart at the same stage
 * and checkpoint, and the evidence on record (seed 004 §1, "no evidence, no promotion"): the
 * shadow phase's verdict, the last checkpoint's gate decision and the post-rollback
 * verification. The gate history (consecutive-window streaks) is deliberately not part of it:
 * after a restart the streaks start again from zero.
 *
 * <p>In {@link RolloutStatus#SHADOW} the checkpoint start is when the shadow phase started; after
 * a rollback (ROLLED_BACK, ABORTED) it is when the candidate was backed out.
 *
 * @param model the model
 * @param candidate the candidate version
 * @param stageIndex the current stage, 0-based
 * @param checkpointStart when the current checkpoint started
 * @param status where the rollout is
 * @param policyDigest the digest of the policy that judges it
 * @param shadowVerdict the shadow phase's verdict (PASS or FAIL); null if the plan has no shadow
 *     phase or it is not judged yet
 * @param canaryVerdict the gate decision of the last checkpoint judged (PROCEED, HOLD,
 *     ROLLBACK); null before the first one
 * @param backoutVerification the post-rollback verification (PENDING until it runs); null if
 *     none is due (no rollback, or the plan has no {@link BackoutVerification})
 */
public record RolloutState(String model, String candidate, int stageIndex,
        Instant checkpointStart, RolloutStatus status, String policyDigest,
        ShadowVerdict.@Nullable Result shadowVerdict, @Nullable GateDecision canaryVerdict,
        BackoutVerification.@Nullable Result backoutVerification) {

    /**
     * Validates.
     *
     * @param model as described on the record
     * @param candidate as described on the record
     * @param stageIndex as described on the record
     * @param checkpointStart as described on the record
     * @param status as described on the record
     * @param policyDigest as described on the record
     * @param shadowVerdict as described on the record
     * @param canaryVerdict as described on the record
     * @param backoutVerification as described on the record
     * @throws NullPointerException if a non-null reference is null
     * @throws IllegalArgumentException if stageIndex is negative, or the shadow verdict is
     *     NOT_ENOUGH_DATA (not a verdict on record)
     */
    public RolloutState {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(checkpointStart, "checkpointStart");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(policyDigest, "policyDigest");
        if (stageIndex < 0) {
            throw new IllegalArgumentException("stageIndex must be >= 0, but was " + stageIndex);
        }
        if (shadowVerdict == ShadowVerdict.Result.NOT_ENOUGH_DATA) {
            throw new IllegalArgumentException("shadowVerdict must be PASS, FAIL or null, but "
                    + "was NOT_ENOUGH_DATA");
        }
    }

    /**
     * A state without evidence (no shadow verdict, no checkpoint judged, no verification): the
     * fields of the state before the shadow phase existed.
     *
     * @param model as described on the record
     * @param candidate as described on the record
     * @param stageIndex as described on the record
     * @param checkpointStart as described on the record
     * @param status as described on the record
     * @param policyDigest as described on the record
     * @throws NullPointerException if a reference is null
     * @throws IllegalArgumentException if stageIndex is negative
     */
    public RolloutState(String model, String candidate, int stageIndex, Instant checkpointStart,
            RolloutStatus status, String policyDigest) {
        this(model, candidate, stageIndex, checkpointStart, status, policyDigest, null, null,
                null);
    }

    RolloutState with(int stage, Instant start, RolloutStatus newStatus) {
        return new RolloutState(model, candidate, stage, start, newStatus, policyDigest,
                shadowVerdict, canaryVerdict, backoutVerification);
    }

    RolloutState withShadowVerdict(ShadowVerdict.Result verdict) {
        return new RolloutState(model, candidate, stageIndex, checkpointStart, status,
                policyDigest, verdict, canaryVerdict, backoutVerification);
    }

    RolloutState withCanaryVerdict(GateDecision verdict) {
        return new RolloutState(model, candidate, stageIndex, checkpointStart, status,
                policyDigest, shadowVerdict, verdict, backoutVerification);
    }

    RolloutState withBackoutVerification(BackoutVerification.@Nullable Result result) {
        return new RolloutState(model, candidate, stageIndex, checkpointStart, status,
                policyDigest, shadowVerdict, canaryVerdict, result);
    }
}

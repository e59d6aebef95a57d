package dev.releaserouter.rollout;

import java.time.Instant;
import java.util.Objects;

/**
 * The persisted state of one model's rollout: enough to resume after a restart at the same stage
 * and checkpoint. The gate history (consecutive-window streaks) is deliberately not part of it:
 * after a restart the streaks start again from zero.
 *
 * @param model the model
 * @param candidate the candidate version
 * @param stageIndex the current stage, 0-based
 * @param checkpointStart when the current checkpoint started
 * @param status where the rollout is
 * @param policyDigest the digest of the policy that judges it
 */
public record RolloutState(String model, String candidate, int stageIndex,
        Instant checkpointStart, RolloutStatus status, String policyDigest) {

    /**
     * Validates.
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
    public RolloutState {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(checkpointStart, "checkpointStart");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(policyDigest, "policyDigest");
        if (stageIndex < 0) {
            throw new IllegalArgumentException("stageIndex must be >= 0, but was " + stageIndex);
        }
    }

    RolloutState with(int stage, Instant start, RolloutStatus newStatus) {
        return new RolloutState(model, candidate, stage, start, newStatus, policyDigest);
    }
}

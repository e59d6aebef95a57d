package dev.releaserouter.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One {@code rollout_decision}: a checkpoint evaluation, a CRITICAL rollback between checkpoints,
 * or an operator action, with the evidence.
 *
 * @param time when it was taken (the controller's clock)
 * @param actor who took it: the controller's actor, or the operator's for manual actions
 * @param model the model
 * @param candidate the candidate version
 * @param stageIndex the stage it was taken at, 0-based
 * @param stageBasisPoints the candidate weight of that stage
 * @param action what was decided
 * @param status the rollout status after the decision
 * @param reasons the verdict's reasons, or the operator's reason for manual actions
 * @param verdictJson the gate verdict ({@code GateVerdict.toJson()}), null for manual actions
 * @param policyDigest the digest of the policy
 * @param dryRun whether the controller ran in dry-run mode (nothing was changed)
 */
public record RolloutDecision(Instant time, String actor, String model, String candidate,
        int stageIndex, int stageBasisPoints, RolloutAction action, RolloutStatus status,
        List<String> reasons, @Nullable String verdictJson, String policyDigest,
        boolean dryRun) {

    /**
     * Validates and copies.
     *
     * @param time as described on the record
     * @param actor as described on the record
     * @param model as described on the record
     * @param candidate as described on the record
     * @param stageIndex as described on the record
     * @param stageBasisPoints as described on the record
     * @param action as described on the record
     * @param status as described on the record
     * @param reasons as described on the record
     * @param verdictJson as described on the record
     * @param policyDigest as described on the record
     * @param dryRun as described on the record
     * @throws NullPointerException if a non-null reference is null
     */
    public RolloutDecision {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(status, "status");
        reasons = List.copyOf(reasons);
        Objects.requireNonNull(policyDigest, "policyDigest");
    }

    /**
     * The decision as a line of a decision log ({@code decisions.jsonl} of a {@link
     * FileRolloutStateStore} and of release artifacts).
     *
     * @return one JSON object on one line, {@code "type": "rollout_decision"}
     */
    public String toJson() {
        return RolloutJson.decision(this);
    }
}

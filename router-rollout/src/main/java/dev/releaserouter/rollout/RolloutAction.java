package dev.releaserouter.rollout;

/** What a {@link RolloutDecision} records: a checkpoint outcome or an operator action. */
public enum RolloutAction {
    /** The rollout started and stage 1 was applied. */
    START,
    /** A checkpoint passed: the next stage was applied (or, at the last stage, promoted). */
    PROCEED,
    /** A checkpoint did not pass (ALERT, not enough data): stay, start a new checkpoint. */
    HOLD,
    /** ROLLBACK verdict or a CRITICAL criterion: candidate killed and set to 0%. */
    ROLLBACK,
    /** Manual pause. */
    PAUSE,
    /** Manual resume. */
    RESUME,
    /** Manual promotion to the last stage. */
    PROMOTE,
    /** Manual abort: candidate killed and set to 0%. */
    ABORT,
    /** The shadow phase passed its exit criteria: stage 1 was applied (seed 000 §3.2). */
    SHADOW_PASS,
    /**
     * The shadow phase failed its exit criteria (or gave no conclusive verdict by its maximum
     * duration): the candidate, never served, was killed; status ROLLED_BACK.
     */
    SHADOW_FAIL,
    /**
     * The post-rollback verification ran (seed 004 §6): the candidate's traffic is 0 and the
     * error rate is back within the plan's limit, or not; the status stays final.
     */
    VERIFY
}

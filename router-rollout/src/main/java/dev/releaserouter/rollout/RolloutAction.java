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
    ABORT
}

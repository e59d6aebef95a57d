package dev.releaserouter.rollout.gates;

/** What a verdict tells the rollout controller to do. */
public enum GateDecision {

    /** Every criterion is OK: advance to the next stage. */
    PROCEED,

    /** An ALERT, or not enough data: stay at the current stage. */
    HOLD,

    /** A CRITICAL: send the candidate no traffic. */
    ROLLBACK
}

package dev.releaserouter.rollout.gates;

/** What a failed criterion means for the rollout. */
public enum Severity {

    /** A failed ALERT criterion holds the rollout at its current stage (HOLD). */
    ALERT,

    /** A failed CRITICAL criterion rolls the candidate back (ROLLBACK). */
    CRITICAL
}

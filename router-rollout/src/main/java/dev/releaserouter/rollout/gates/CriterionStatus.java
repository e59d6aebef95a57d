package dev.releaserouter.rollout.gates;

/** The outcome of one criterion in one evaluation. */
public enum CriterionStatus {

    /** The criterion holds (or its breach has not yet lasted enough consecutive windows). */
    OK,

    /** An ALERT criterion failed, or a CRITICAL one failed fewer windows in a row than needed. */
    ALERT,

    /** A CRITICAL criterion failed for the required number of consecutive windows. */
    CRITICAL,

    /**
     * The data cannot decide: too few samples, too short a window, an unknown operand, or an
     * inconclusive statistical test. Never a pass and never a failure.
     */
    NOT_ENOUGH_DATA
}

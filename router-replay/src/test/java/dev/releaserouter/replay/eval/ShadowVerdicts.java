package dev.releaserouter.replay.eval;

import dev.releaserouter.rollout.gates.CriterionStatus;
import dev.releaserouter.rollout.gates.GateDecision;

/**
 * The shadow vocabulary of {@code shadow_eval.json} in the engine's terms, for tests: a pass is
 * OK, a failure of the (all-CRITICAL) shadow SLA is CRITICAL.
 */
public final class ShadowVerdicts {

    /** A criterion that holds. */
    public static final CriterionStatus PASS = CriterionStatus.OK;
    /** A failed shadow-SLA criterion. */
    public static final CriterionStatus FAIL = CriterionStatus.CRITICAL;
    /** Too few observations. */
    public static final CriterionStatus NOT_ENOUGH_DATA = CriterionStatus.NOT_ENOUGH_DATA;

    private ShadowVerdicts() {}

    /**
     * @param e an evaluation
     * @return PASS for PROCEED, FAIL if a criterion failed, else NOT_ENOUGH_DATA
     */
    public static CriterionStatus verdict(ShadowEvaluation e) {
        return e.decision() == GateDecision.PROCEED ? PASS
                : e.failed() ? FAIL : NOT_ENOUGH_DATA;
    }
}

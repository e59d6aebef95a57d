package dev.releaserouter.rollout;

import dev.releaserouter.rollout.gates.GateDecision;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The evidence on record of a version's rollout, for a promotion gate (seed 004 §1 "sem
 * evidência, sem promoção", §5 "Promote->Approved: Canary=PROCEED"): read it with
 * {@link RolloutStateStore#evidence(String, String)}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param model the model
 * @param version the candidate version the rollout walked
 * @param status where the rollout is
 * @param canaryVerdict the gate decision of the last checkpoint judged (PROCEED, HOLD,
 *     ROLLBACK), null before the first one (or while in the shadow phase)
 * @param shadowVerdict the shadow phase's verdict (PASS, FAIL), null if the plan has no shadow
 *     phase or it is not judged yet
 */
public record RolloutEvidence(String model, String version, RolloutStatus status,
        @Nullable GateDecision canaryVerdict, ShadowVerdict.@Nullable Result shadowVerdict) {

    /**
     * Validates.
     *
     * @param model as described on the record
     * @param version as described on the record
     * @param status as described on the record
     * @param canaryVerdict as described on the record
     * @param shadowVerdict as described on the record
     * @throws NullPointerException if a non-null reference is null
     */
    public RolloutEvidence {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(status, "status");
    }

    /**
     * @param s a stored state
     * @return its evidence
     */
    public static RolloutEvidence of(RolloutState s) {
        return new RolloutEvidence(s.model(), s.candidate(), s.status(), s.canaryVerdict(),
                s.shadowVerdict());
    }

    /** @return whether the last canary checkpoint on record is a PROCEED */
    public boolean canaryProceeded() {
        return canaryVerdict == GateDecision.PROCEED;
    }

    /** @return whether a shadow phase on record passed (false without one) */
    public boolean shadowPassed() {
        return shadowVerdict == ShadowVerdict.Result.PASS;
    }
}

package dev.releaserouter.rollout;

/**
 * Where a rollout is. PROMOTED, ROLLED_BACK and ABORTED are final. A plan with a
 * {@link ShadowPhase} starts in SHADOW.
 */
public enum RolloutStatus {
    /** Walking the stages; {@link RolloutController#tick()} evaluates checkpoints. */
    RUNNING,
    /** Paused by an operator; ticks do nothing until resumed. */
    PAUSED,
    /** The last stage passed its checkpoint (or an operator promoted). Final. */
    PROMOTED,
    /** A gate rolled the candidate back to 0% and killed it. Final. */
    ROLLED_BACK,
    /** An operator aborted: same effect as a rollback. Final. */
    ABORTED,
    /**
     * This controller does not hold the rollout's lease (another instance runs the rollout, or
     * the lease could not be renewed): it changes nothing and takes over when it acquires the
     * lease. Reported by {@link RolloutController#status()}; never stored.
     */
    STANDBY,
    /**
     * The plan's shadow phase (seed 002, seed 000 §3.2): the candidate is shadowed and never
     * served (weight 0); {@link RolloutController#tick()} judges the shadow evaluation once the
     * phase's minimum duration is over. A PASS starts stage 1 (RUNNING); a FAIL ends the rollout
     * ROLLED_BACK.
     */
    SHADOW;

    /**
     * Whether nothing more happens in this state.
     *
     * @return true for PROMOTED, ROLLED_BACK and ABORTED
     */
    public boolean isFinal() {
        return this == PROMOTED || this == ROLLED_BACK || this == ABORTED;
    }
}

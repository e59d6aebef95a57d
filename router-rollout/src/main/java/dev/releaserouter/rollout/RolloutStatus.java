package dev.releaserouter.rollout;

/** Where a rollout is. PROMOTED, ROLLED_BACK and ABORTED are final. */
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
    STANDBY;

    /**
     * Whether nothing more happens in this state.
     *
     * @return true for PROMOTED, ROLLED_BACK and ABORTED
     */
    public boolean isFinal() {
        return this == PROMOTED || this == ROLLED_BACK || this == ABORTED;
    }
}

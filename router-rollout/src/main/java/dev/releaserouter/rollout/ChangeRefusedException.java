package dev.releaserouter.rollout;

/**
 * A change was refused, by the governance rules or by a freeze window of a rollout: a single
 * approver, the same person twice, a wrong stage, a freeze window, an alias to a version that is
 * not Approved. The message says which rule and the values involved. Nothing was changed.
 */
public final class ChangeRefusedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message which rule refused the change, with the values involved
     */
    public ChangeRefusedException(String message) {
        super(message);
    }
}

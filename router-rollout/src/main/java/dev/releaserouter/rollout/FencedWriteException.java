package dev.releaserouter.rollout;

/**
 * A fenced {@link RolloutStateStore} refused a write because the writer's lease grant is no
 * longer the lease's current one: another controller holds (or held) the lease since. The
 * controller that gets it has lost the lease: it stands by.
 */
public final class FencedWriteException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was refused, and which token against which
     */
    public FencedWriteException(String message) {
        super(message);
    }
}

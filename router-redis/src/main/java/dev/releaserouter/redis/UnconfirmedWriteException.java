package dev.releaserouter.redis;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A write reached the Redis primary but too few replicas acknowledged it in time (see
 * {@link RedisFleet.Builder#replicaAcks}): it is in force on the primary now, but a failover to
 * a replica that lacks it would lose it. The fleet treats it as not done on the safe side: a
 * budget chunk leased this way is never granted, a lease acquired this way is not taken, and an
 * admin change, rollout write or audit entry reports this exception instead of success. Check
 * the state once the replicas have caught up, and repeat the change if it is missing.
 *
 * <p>Distinct from a plain {@link UncheckedIOException} (Redis unreachable, or replicas already
 * known to lag: nothing was written). Immutable; thread-safe.
 */
public final class UnconfirmedWriteException extends UncheckedIOException {

    private static final long serialVersionUID = 1L;

    /** Replicas that acknowledged the write, -1 if unknown (the wait itself failed). */
    private final long acknowledged;
    private final int required;

    /**
     * @param message what was written, where, and how many replicas acknowledged it
     * @param acknowledged replicas that acknowledged it, or -1 if the wait for them failed
     * @param required replicas that had to acknowledge it
     */
    UnconfirmedWriteException(String message, long acknowledged, int required) {
        super(new IOException(message));
        this.acknowledged = acknowledged;
        this.required = required;
    }

    /** @return replicas that acknowledged the write, or -1 if the wait for them failed */
    public long acknowledged() {
        return acknowledged;
    }

    /** @return replicas that had to acknowledge it ({@link RedisFleet.Builder#replicaAcks}) */
    public int required() {
        return required;
    }

    @Override
    public String getMessage() {
        return getCause().getMessage();
    }
}

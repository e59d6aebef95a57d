package dev.releaserouter.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an instance's {@link RedisFleet} knows about its connection to Redis, for a status page
 * or a health check. Immutable.
 *
 * @param connected whether the last call to Redis succeeded and the connection is open
 * @param lastError the last Redis error (a message without credentials), or null if none yet
 * @param degradations how many times the fleet went from connected to degraded (each one is
 *     logged once, at WARN)
 * @param failures how many Redis calls failed (timeouts, refused connections, errors)
 * @param lastOverrideRevision the newest override revision this instance has seen (0 if none)
 * @param lag how long ago Redis last answered this instance (by the fleet's clock); an instance
 *     has every override change made before {@code lag} plus the poll period ago
 * @param auditDeferred audit entries of this instance waiting to be replayed into the fleet's
 *     trail (changes applied while Redis could not record them; see {@link
 *     RedisFleet#auditSink()})
 * @param auditOldestDeferred the time of the oldest waiting entry, or null if none waits
 * @param auditOverflowed deferred entries dropped since the fleet was built because the deferred
 *     queue was full (each is in the log audit trail only)
 */
public record FleetStatus(boolean connected, @Nullable String lastError, long degradations,
        long failures, long lastOverrideRevision, Duration lag, long auditDeferred,
        @Nullable Instant auditOldestDeferred, long auditOverflowed) {

    /**
     * @throws NullPointerException if lag is null
     * @throws IllegalArgumentException if a count or the revision is negative
     */
    public FleetStatus {
        Objects.requireNonNull(lag, "lag");
        if (degradations < 0 || failures < 0 || lastOverrideRevision < 0 || auditDeferred < 0
                || auditOverflowed < 0) {
            throw new IllegalArgumentException("counts must not be negative, but were "
                    + degradations + ", " + failures + ", " + lastOverrideRevision + ", "
                    + auditDeferred + ", " + auditOverflowed);
        }
    }
}

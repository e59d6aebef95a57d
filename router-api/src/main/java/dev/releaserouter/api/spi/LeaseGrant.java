package dev.releaserouter.api.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A lease held: which lease, by whom, with which fencing token, until when. Immutable.
 *
 * <p>The fencing token grows strictly every time the lease passes to a holder (a renewal keeps
 * it), so a store that receives writes tagged with tokens can refuse those of a holder that lost
 * the lease meanwhile (a paused ex-leader): accept a write only if its token is the current one.
 *
 * @param name the lease's name, e.g. {@code rollout/churn}
 * @param holder who holds it (unique per contender, e.g. instance id and a random suffix)
 * @param fencingToken strictly increasing across holders of this lease, positive
 * @param expiresAt when the lease lapses unless renewed (by the lease's clock)
 */
public record LeaseGrant(String name, String holder, long fencingToken, Instant expiresAt) {

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the token is not positive
     */
    public LeaseGrant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (fencingToken <= 0) {
            throw new IllegalArgumentException("fencingToken must be positive, but was "
                    + fencingToken);
        }
    }
}

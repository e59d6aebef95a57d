package dev.releaserouter.rollout;

import dev.releaserouter.api.spi.Lease;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Which {@link Lease} a {@link RolloutController} must hold to act, as whom, and for how long
 * each acquisition or renewal lasts. Immutable.
 *
 * <p>The lease is named {@code rollout/<model>}: one controller per model acts, across every
 * controller that shares the lease (every instance of a fleet, on a shared lease). The
 * controller renews on every tick, so ticks must come more often than the TTL (a third of it is
 * a good period); a controller whose ticks stop loses the lease after the TTL and another takes
 * over, resuming from the rollout state store.
 *
 * @param lease the lease table
 * @param holder who this controller is to the lease, unique per controller
 * @param ttl how long a grant lasts without renewal, positive
 */
public record RolloutLease(Lease lease, String holder, Duration ttl) {

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if holder is blank or ttl not positive
     */
    public RolloutLease {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(ttl, "ttl");
        if (holder.isBlank()) {
            throw new IllegalArgumentException("holder must be a non-blank string, but was '"
                    + holder + "'");
        }
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must be positive, but was " + ttl);
        }
    }

    /**
     * A lease held as a new random holder id.
     *
     * @param lease the lease table
     * @param ttl how long a grant lasts without renewal, positive
     * @return the settings
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if ttl is not positive
     */
    public static RolloutLease of(Lease lease, Duration ttl) {
        return new RolloutLease(lease, "rollout-controller-" + UUID.randomUUID(), ttl);
    }

    /**
     * @param model the model
     * @return the name of the model's rollout lease
     */
    public static String name(String model) {
        return "rollout/" + model;
    }
}

package dev.releaserouter.api.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Named leases with a time to live and a fencing token: who may run a rollout (one controller
 * per model across a fleet acts; the others stand by and take over when the holder stops
 * renewing).
 *
 * <p>A contender calls {@link #tryAcquire} (which also renews a lease it already holds) more
 * often than the TTL; a holder that fails to renew within the TTL has lost the lease, and must
 * stop acting. Time is the implementation's: the in-memory lease reads an injected clock; a
 * remote one uses the server's time (e.g. Redis key expiry), so instances' clocks need not
 * agree.
 *
 * <p>Guarantees an implementation must keep (router-testkit's {@code LeaseContract}): at most one
 * holder per name at any time, even with many racing contenders; a grant lasts until its expiry
 * unless released; after expiry another contender may acquire it, with a greater fencing token;
 * renewing keeps the token; {@link #release} by a non-holder changes nothing and is idempotent;
 * {@link #current} reports the holder. {@link #close()} is idempotent.
 *
 * <p>Thread-safe. Never called on the request path. Failure: a method that cannot complete
 * throws; the controller treats a failed renewal as a lost lease (it stops acting, and its status
 * says so) and retries acquisition on its next tick.
 */
public interface Lease extends AutoCloseable {

    /**
     * An in-memory lease table (the default): one JVM, time from the given clock.
     *
     * @param clock the time source of expiries (inject a manual clock in tests)
     * @return a new, thread-safe lease table with no holders
     * @throws NullPointerException if clock is null
     */
    static Lease inMemory(Clock clock) {
        return new InMemoryLease(clock);
    }

    /**
     * Acquires the named lease if it is free or expired, or renews it if {@code holder} holds it.
     *
     * @param name the lease
     * @param holder the contender
     * @param ttl how long the grant lasts without renewal, positive
     * @return the grant (a renewal keeps the fencing token), or empty if another holds it
     * @throws IllegalArgumentException if ttl is not positive
     * @throws NullPointerException if an argument is null
     * @throws java.io.UncheckedIOException (or another unchecked exception) if the lease cannot
     *     be reached (treat as not held)
     */
    Optional<LeaseGrant> tryAcquire(String name, String holder, Duration ttl);

    /**
     * Gives the lease up early if the grant's holder still holds it with the grant's token;
     * otherwise changes nothing. Idempotent.
     *
     * @param grant what {@link #tryAcquire} returned
     * @throws NullPointerException if grant is null
     * @throws java.io.UncheckedIOException (or another unchecked exception) if the lease cannot
     *     be reached (it then lapses at its expiry)
     */
    void release(LeaseGrant grant);

    /**
     * @param name the lease
     * @return its unexpired grant, or empty if nobody holds it
     * @throws NullPointerException if name is null
     * @throws java.io.UncheckedIOException (or another unchecked exception) if the lease cannot
     *     be reached
     */
    Optional<LeaseGrant> current(String name);

    /** Releases resources (not the leases: they lapse at their expiry). Idempotent. */
    @Override
    default void close() {}
}

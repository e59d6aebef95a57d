package dev.releaserouter.api.spi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The default {@link Lease}: a map of grants under one lock, expiries read from the injected
 * clock.
 *
 * <p>Design: every method holds the monitor, so acquisition is a linearizable check-and-set; the
 * fencing token of each name is a counter that only grows (kept after release and expiry).
 */
final class InMemoryLease implements Lease {

    private final Clock clock;
    private final Map<String, LeaseGrant> grants = new HashMap<>();
    private final Map<String, Long> tokens = new HashMap<>();

    InMemoryLease(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized Optional<LeaseGrant> tryAcquire(String name, String holder,
            Duration ttl) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must be positive, but was " + ttl);
        }
        Instant now = clock.instant();
        LeaseGrant held = live(name, now);
        if (held != null && !held.holder().equals(holder)) {
            return Optional.empty();
        }
        long token = held != null ? held.fencingToken() : tokens.merge(name, 1L, Long::sum);
        LeaseGrant grant = new LeaseGrant(name, holder, token, now.plus(ttl));
        grants.put(name, grant);
        return Optional.of(grant);
    }

    @Override
    public synchronized void release(LeaseGrant grant) {
        Objects.requireNonNull(grant, "grant");
        LeaseGrant held = grants.get(grant.name());
        if (held != null && held.holder().equals(grant.holder())
                && held.fencingToken() == grant.fencingToken()) {
            grants.remove(grant.name());
        }
    }

    @Override
    public synchronized Optional<LeaseGrant> current(String name) {
        Objects.requireNonNull(name, "name");
        return Optional.ofNullable(live(name, clock.instant()));
    }

    /** The unexpired grant of a name, or null (an expired one is dropped). */
    private @org.jspecify.annotations.Nullable LeaseGrant live(String name, Instant now) {
        LeaseGrant g = grants.get(name);
        if (g != null && !now.isBefore(g.expiresAt())) {
            grants.remove(name);
            return null;
        }
        return g;
    }
}

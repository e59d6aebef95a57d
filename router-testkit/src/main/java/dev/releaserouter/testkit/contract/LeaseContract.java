package dev.releaserouter.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.releaserouter.api.spi.Lease;
import dev.releaserouter.api.spi.LeaseGrant;
import dev.releaserouter.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Lease}: one holder at a time even among racing contenders, renewal
 * keeps the fencing token, expiry after the TTL lets another in with a greater token, release
 * only by the holder and idempotent, close idempotent, an unreachable lease throws.
 *
 * <p>Time: each test gets a {@link ManualClock} and moves it with {@link #advance}; an
 * implementation that keeps time elsewhere (a server's key expiry) overrides {@link #advance}
 * (e.g. to let the server's time pass, or to expire keys) and may ignore the clock.
 */
public abstract class LeaseContract {

    private static final String NAME = "rollout/churn";
    private static final Duration TTL = Duration.ofSeconds(30);

    private ManualClock clock;
    private Lease lease;

    /** Creates a contract test; subclasses implement {@link #createLease}. */
    protected LeaseContract() {}

    /**
     * @param clock the time expiries are measured by (if the implementation takes one)
     * @return a new lease table without holders, not shared with other tests
     */
    protected abstract Lease createLease(ManualClock clock);

    /**
     * Lets time pass for the lease.
     *
     * @param clock the test's clock
     * @param duration how long
     */
    protected void advance(ManualClock clock, Duration duration) {
        clock.advance(duration);
    }

    /**
     * Makes the lease unreachable, so that its calls fail. By default the failure tests are
     * skipped (an in-memory lease cannot fail).
     *
     * @param lease the lease under test
     */
    protected void disconnect(Lease lease) {
        Assumptions.abort("this implementation cannot be made unreachable");
    }

    @BeforeEach
    final void openLease() {
        clock = ManualClock.at(Instant.parse("2026-11-22T10:00:00Z"));
        lease = createLease(clock);
    }

    @AfterEach
    final void closeLease() {
        lease.close();
    }

    @Test
    void tryAcquire_free_grantsWithAPositiveToken() {
        LeaseGrant g = lease.tryAcquire(NAME, "a", TTL).orElseThrow();

        assertEquals(NAME, g.name());
        assertEquals("a", g.holder());
        assertTrue(g.fencingToken() > 0);
        assertEquals(Optional.of(g), lease.current(NAME));
    }

    @Test
    void tryAcquire_heldByAnother_isRefused() {
        lease.tryAcquire(NAME, "a", TTL).orElseThrow();

        assertEquals(Optional.empty(), lease.tryAcquire(NAME, "b", TTL));
        assertEquals("a", lease.current(NAME).orElseThrow().holder());
    }

    @Test
    void tryAcquire_byTheHolder_renewsWithTheSameToken_andALaterExpiry() {
        LeaseGrant first = lease.tryAcquire(NAME, "a", TTL).orElseThrow();
        advance(clock, TTL.dividedBy(2));

        LeaseGrant renewed = lease.tryAcquire(NAME, "a", TTL).orElseThrow();
        advance(clock, TTL.dividedBy(2).plusSeconds(1));

        assertEquals(first.fencingToken(), renewed.fencingToken());
        assertTrue(renewed.expiresAt().isAfter(first.expiresAt()));
        assertEquals(Optional.empty(), lease.tryAcquire(NAME, "b", TTL),
                "still held: the renewal extended it past the first expiry");
    }

    @Test
    void tryAcquire_afterTheTtlWithoutRenewal_anotherGetsIt_withAGreaterToken() {
        LeaseGrant a = lease.tryAcquire(NAME, "a", TTL).orElseThrow();
        advance(clock, TTL.plusSeconds(1));

        assertEquals(Optional.empty(), lease.current(NAME), "expired");
        LeaseGrant b = lease.tryAcquire(NAME, "b", TTL).orElseThrow();
        assertTrue(b.fencingToken() > a.fencingToken(), b + " after " + a);
        assertEquals(Optional.empty(), lease.tryAcquire(NAME, "a", TTL),
                "the old holder does not get it back while b holds it");
    }

    @Test
    void tryAcquire_racingContenders_exactlyOneHolds() {
        List<Boolean> won = Concurrently.run(16,
                i -> () -> lease.tryAcquire(NAME, "c" + i, TTL).isPresent());

        assertEquals(1, won.stream().filter(w -> w).count(), "holders among 16: " + won);
    }

    @Test
    void release_byTheHolder_freesIt_forOthers_withAGreaterToken() {
        LeaseGrant a = lease.tryAcquire(NAME, "a", TTL).orElseThrow();

        lease.release(a);
        lease.release(a); // idempotent

        assertEquals(Optional.empty(), lease.current(NAME));
        assertTrue(lease.tryAcquire(NAME, "b", TTL).orElseThrow().fencingToken()
                > a.fencingToken());
    }

    @Test
    void release_ofAStaleGrant_changesNothing() {
        LeaseGrant a = lease.tryAcquire(NAME, "a", TTL).orElseThrow();
        advance(clock, TTL.plusSeconds(1));
        LeaseGrant b = lease.tryAcquire(NAME, "b", TTL).orElseThrow();

        lease.release(a);

        assertEquals(Optional.of(b), lease.current(NAME));
    }

    @Test
    void leases_ofDifferentNames_areIndependent() {
        lease.tryAcquire(NAME, "a", TTL).orElseThrow();

        assertTrue(lease.tryAcquire("rollout/fraud", "b", TTL).isPresent());
    }

    @Test
    void tryAcquire_nonPositiveTtl_isRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> lease.tryAcquire(NAME, "a", Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> lease.tryAcquire(NAME, "a", Duration.ofSeconds(-1)));
    }

    @Test
    void close_twice_isHarmless() {
        lease.close();
        lease.close();
    }

    @Test
    void unreachable_acquisitionThrows_ratherThanGrant() {
        disconnect(lease);

        assertThrows(RuntimeException.class, () -> lease.tryAcquire(NAME, "a", TTL));
    }
}

package dev.releaserouter.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.releaserouter.api.spi.BudgetKey;
import dev.releaserouter.api.spi.BudgetLedger;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link BudgetLedger}: consumption is atomic and never passes the limit under
 * many threads, partial grants at the edge, give-back and reset, one account per key, close is
 * idempotent, an unreachable ledger throws. For a ledger that offers them (non-null), the
 * value-share and rolling-window accounts never grant past their limit across threads and
 * instances ({@link #createPeer}), grant eventually while the limit allows, and grant again
 * after a reset (or in the next window).
 *
 * <pre>{@code
 * class RedisBudgetLedgerTest extends BudgetLedgerContract {
 *     protected BudgetLedger createLedger() { return RedisBudgetLedger.connect(redis.uri()); }
 * }
 * }</pre>
 *
 * <p>Each test gets a new, empty ledger from {@link #createLedger()} and closes it afterwards.
 */
public abstract class BudgetLedgerContract {

    private static final BudgetKey V2 = new BudgetKey("churn", "v2");

    private BudgetLedger ledger;

    /** Creates a contract test; subclasses implement {@link #createLedger()}. */
    protected BudgetLedgerContract() {}

    /** @return a new ledger in which no key has consumed anything, not shared with other tests */
    protected abstract BudgetLedger createLedger();

    /**
     * Makes the ledger unreachable, so that its calls fail. By default the failure tests are
     * skipped (an in-memory ledger cannot fail).
     *
     * @param ledger the ledger under test
     */
    protected void disconnect(BudgetLedger ledger) {
        Assumptions.abort("this implementation cannot be made unreachable");
    }

    /**
     * Creates a second ledger over the same shared state as {@code ledger} (another instance of
     * the fleet), for the fleet-wide tests of the value-share and window accounts. By default
     * those tests are skipped (a local ledger has no peers). The contract closes it.
     *
     * @param ledger the ledger under test
     * @return a ledger sharing its budgets
     */
    protected BudgetLedger createPeer(BudgetLedger ledger) {
        Assumptions.abort("this implementation has no peers");
        throw new AssertionError("unreachable");
    }

    @BeforeEach
    final void openLedger() {
        ledger = createLedger();
    }

    @AfterEach
    final void closeLedger() {
        ledger.close();
    }

    @Test
    void account_new_hasConsumedNothing() {
        assertEquals(0, ledger.account(V2).consumed());
    }

    @Test
    void allotment_isAtLeastOne() {
        assertTrue(ledger.allotment() >= 1, "allotment " + ledger.allotment());
    }

    @Test
    void tryConsume_withinTheLimit_grantsAll_thenPart_thenNothing() {
        BudgetLedger.Account a = ledger.account(V2);

        assertEquals(6, a.tryConsume(6, 10));
        assertEquals(4, a.tryConsume(6, 10), "only what the limit leaves");
        assertEquals(0, a.tryConsume(1, 10), "exhausted");
        assertEquals(10, a.consumed());
    }

    @Test
    void tryConsume_manyThreads_neverPassesTheLimit() {
        long limit = 5_000;

        List<Long> granted = Concurrently.run(16, t -> () -> {
            BudgetLedger.Account a = ledger.account(V2);
            long sum = 0;
            for (int i = 0; i < 500; i++) {
                long got = a.tryConsume(1 + (i % 3), limit);
                assertTrue(got >= 0 && got <= 1 + (i % 3), "granted " + got);
                sum += got;
            }
            return sum;
        });

        long total = granted.stream().mapToLong(Long::longValue).sum();
        assertEquals(limit, total, "16 x 500 attempts of 1-3 units for a limit of " + limit);
        assertEquals(limit, ledger.account(V2).consumed());
    }

    @Test
    void tryConsume_afterTheLimitWasLowered_grantsNothing_andTakesNothingBack() {
        BudgetLedger.Account a = ledger.account(V2);
        a.tryConsume(8, 10);

        assertEquals(0, a.tryConsume(1, 5));
        assertEquals(8, a.consumed());
    }

    @Test
    void giveBack_returnsUnits_neverBelowZero() {
        BudgetLedger.Account a = ledger.account(V2);
        a.tryConsume(10, 10);

        a.giveBack(4);
        assertEquals(6, a.consumed());
        assertEquals(4, a.tryConsume(10, 10), "given-back units can be consumed again");
        a.giveBack(100);
        assertEquals(0, a.consumed());
    }

    @Test
    void reset_forgetsWhatWasConsumed() {
        BudgetLedger.Account a = ledger.account(V2);
        a.tryConsume(10, 10);

        a.reset();

        assertEquals(0, a.consumed());
        assertEquals(10, a.tryConsume(10, 10));
    }

    @Test
    void account_sameKey_isOneConsumption_otherKeysAreIndependent() {
        ledger.account(V2).tryConsume(3, 10);

        assertEquals(3, ledger.account(new BudgetKey("churn", "v2")).consumed());
        assertEquals(0, ledger.account(new BudgetKey("churn", "v3")).consumed());
        assertEquals(0, ledger.account(new BudgetKey("fraud", "v2")).consumed());
    }

    @Test
    void invalidArguments_areRefused() {
        BudgetLedger.Account a = ledger.account(V2);

        assertThrows(IllegalArgumentException.class, () -> a.tryConsume(0, 10));
        assertThrows(IllegalArgumentException.class, () -> a.tryConsume(1, -1));
        assertThrows(IllegalArgumentException.class, () -> a.giveBack(-1));
        assertThrows(NullPointerException.class, () -> ledger.account(null));
    }

    @Test
    void close_twice_isHarmless() {
        ledger.close();
        ledger.close();
    }

    @Test
    void unreachable_consumptionThrows_ratherThanGrant() {
        BudgetLedger.Account a = ledger.account(V2);
        disconnect(ledger);

        assertThrows(RuntimeException.class, () -> a.tryConsume(1, 10));
    }

    // ---- value share and rolling window (optional: a ledger may return null for them) ----

    private static BudgetLedger.ValueAccount valueAccount(BudgetLedger l, LongSupplier seen) {
        BudgetLedger.ValueAccount a = l.valueAccount(V2, seen);
        Assumptions.assumeTrue(a != null, "this ledger checks value shares locally");
        return a;
    }

    private static BudgetLedger.WindowAccount windowAccount(BudgetLedger l, long windowMillis) {
        BudgetLedger.WindowAccount a = l.windowAccount(V2, windowMillis);
        Assumptions.assumeTrue(a != null, "this ledger checks windows locally");
        return a;
    }

    /** How long a test keeps asking an account that should grant nothing more. */
    private static final long REFUSING_NANOS = 300_000_000L;

    /** Asks until the account has granted {@code total} micros or {@code nanos} pass. */
    private static long grantValue(BudgetLedger.ValueAccount a, long micros, double share,
            long total, long nanos) {
        long granted = 0;
        long deadline = System.nanoTime() + nanos;
        while (granted < total && System.nanoTime() < deadline) {
            if (a.tryGrantNow(micros, share)) {
                granted += micros;
            } else {
                LockSupport.parkNanos(200_000);
            }
        }
        return granted;
    }

    @Test
    void valueAccount_manyThreadsAndTwoInstances_neverGrantMoreThanTheShareOfTheValueSeen() {
        BudgetLedger peer = createPeer(ledger);
        try {
            AtomicLong seenA = new AtomicLong();
            AtomicLong seenB = new AtomicLong();
            BudgetLedger.ValueAccount a = valueAccount(ledger, seenA::get);
            BudgetLedger.ValueAccount b = valueAccount(peer, seenB::get);
            double share = 0.1;

            List<Long> granted = Concurrently.run(8, t -> () -> {
                AtomicLong seen = t % 2 == 0 ? seenA : seenB;
                BudgetLedger.ValueAccount acc = t % 2 == 0 ? a : b;
                long sum = 0;
                long deadline = System.nanoTime() + Concurrently.DEADLINE.toNanos() / 4;
                for (int i = 0; i < 3_000 && System.nanoTime() < deadline; i++) {
                    seen.addAndGet(1_000_000); // a request of 1 unit of money seen
                    if (acc.tryGrantNow(1_000_000, share)) {
                        sum += 1_000_000;
                    }
                    if (i % 64 == 0) {
                        LockSupport.parkNanos(100_000); // let the prefetch catch up
                    }
                }
                return sum;
            });

            long total = granted.stream().mapToLong(Long::longValue).sum();
            long seen = seenA.get() + seenB.get();
            assertTrue(total <= share * seen, "granted " + total + " micros of " + seen
                    + " seen: more than the share " + share);
            // Grants come eventually (the run above may end before a prefetch lands on a busy
            // machine): more value seen, then ask until one is granted.
            seenB.addAndGet(100_000_000);
            long later = grantValue(b, 1_000_000, share, 1_000_000,
                    Concurrently.DEADLINE.toNanos() / 4);
            assertEquals(1_000_000, later, "nothing granted of " + (seen + 100_000_000)
                    + " micros seen at share " + share);
            seen = seenA.get() + seenB.get();
            assertTrue(total + later <= share * seen, "granted " + (total + later)
                    + " micros of " + seen + " seen: more than the share " + share);
        } finally {
            peer.close();
        }
    }

    @Test
    void valueAccount_stopsAtTheShare_andAResetLetsItGrantAgain() {
        AtomicLong seen = new AtomicLong(100_000_000); // 100 units of money seen
        BudgetLedger.ValueAccount a = valueAccount(ledger, seen::get);

        long first = grantValue(a, 1_000_000, 0.2, 20_000_000,
                Concurrently.DEADLINE.toNanos() / 4);
        assertEquals(20_000_000, first, "the whole share of 20,000,000 micros, eventually");
        assertEquals(0, grantValue(a, 1_000_000, 0.2, 1_000_000, REFUSING_NANOS),
                "nothing past the share");

        a.reset();

        long again = grantValue(a, 1_000_000, 0.2, 1_000_000,
                Concurrently.DEADLINE.toNanos() / 4);
        assertEquals(1_000_000, again, "after a reset the share is free again");
        assertFalse(a.tryGrantNow(1_000_000, 0), "a share of 0 grants nothing");
    }

    @Test
    void windowAccount_twoInstances_neverGrantMoreThanTheLimitInAWindow_thenTheNextWindowDoes() {
        BudgetLedger peer = createPeer(ledger);
        try {
            long window = 60_000;
            long limit = 50;
            long t0 = 1_800_000_000_000L;
            BudgetLedger.WindowAccount a = windowAccount(ledger, window);
            BudgetLedger.WindowAccount b = windowAccount(peer, window);
            AtomicLong now = new AtomicLong(t0);

            List<Long> granted = Concurrently.run(8, t -> () -> {
                BudgetLedger.WindowAccount acc = t % 2 == 0 ? a : b;
                long sum = 0;
                long deadline = System.nanoTime() + Concurrently.DEADLINE.toNanos() / 8;
                for (int i = 0; i < 2_000 && System.nanoTime() < deadline; i++) {
                    if (acc.tryGrantNow(now.get(), limit)) {
                        sum++;
                    } else {
                        LockSupport.parkNanos(100_000);
                    }
                }
                return sum;
            });
            long inWindow = granted.stream().mapToLong(Long::longValue).sum();
            assertTrue(inWindow <= limit, "granted " + inWindow + " in one window, limit "
                    + limit);
            assertTrue(inWindow > 0, "nothing granted in an empty window");

            // half a window later the same window still holds them: at most what is left
            long half = countGrants(a, t0 + window / 2, limit, REFUSING_NANOS);
            assertTrue(inWindow + half <= limit, "granted " + (inWindow + half)
                    + " within one window, limit " + limit);

            // a whole window (and a bucket) after the half-window grants: free again
            long later = countGrants(b, t0 + window / 2 + window + window / 60 + 1, limit,
                    Concurrently.DEADLINE.toNanos() / 8);
            assertTrue(later > 0 && later <= limit, "granted " + later + " in a new window");
        } finally {
            peer.close();
        }
    }

    @Test
    void windowAccount_reset_letsItGrantAgainInTheSameWindow() {
        BudgetLedger.WindowAccount a = windowAccount(ledger, 60_000);
        long t0 = 1_800_000_000_000L;
        assertEquals(5, countGrants(a, t0, 5, Concurrently.DEADLINE.toNanos() / 8),
                "the whole limit, eventually");
        assertEquals(0, countGrants(a, t0 + 1, 1, REFUSING_NANOS), "nothing past the limit");

        a.reset();

        assertEquals(1, countGrants(a, t0 + 2, 1, Concurrently.DEADLINE.toNanos() / 8),
                "nothing granted after a reset");
        assertFalse(a.tryGrantNow(t0 + 2, 0), "a limit of 0 grants nothing");
    }

    /** Asks until {@code want} grants or {@code nanos} pass (limit 5 or the window's). */
    private static long countGrants(BudgetLedger.WindowAccount a, long nowMillis, long want,
            long nanos) {
        long limit = Math.max(want, 5);
        long granted = 0;
        long deadline = System.nanoTime() + nanos;
        while (granted < want && System.nanoTime() < deadline) {
            if (a.tryGrantNow(nowMillis, limit)) {
                granted++;
            } else {
                LockSupport.parkNanos(200_000);
            }
        }
        return granted;
    }
}

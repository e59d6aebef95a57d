package dev.releaserouter.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.releaserouter.api.spi.BudgetKey;
import dev.releaserouter.api.spi.BudgetLedger;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link BudgetLedger}: consumption is atomic and never passes the limit under
 * many threads, partial grants at the edge, give-back and reset, one account per key, close is
 * idempotent, an unreachable ledger throws.
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
}

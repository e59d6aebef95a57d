package dev.releaserouter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.spi.BudgetKey;
import dev.releaserouter.api.spi.BudgetLedger;
import dev.releaserouter.redis.testing.RedisServer;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rolling-window budget whose Redis hash vanishes within a window of the last lease (Redis
 * restarted empty without persistence): the grants recorded there are lost, so granting again
 * could overshoot the window. The instance grants nothing from the budget until it is reset.
 */
class RedisWindowBudgetLossTest {

    private static final BudgetKey V2 = new BudgetKey("churn", "v2");
    private static final long WINDOW = 60_000;
    private static final long SLOT = WINDOW / 60;
    private static final long T0 = 1_800_000_000_000L;

    private RedisServer redis;
    private RedisTestStores stores;
    private RedisBudgetLedger ledger;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        stores = new RedisTestStores(redis);
        ledger = stores.ledger("pod-a", 4);
    }

    @AfterEach
    void stop() {
        ledger.close();
        stores.close();
        redis.close();
    }

    /** Asks for up to {@code want} grants at {@code now} for at most {@code millis}. */
    private static int grants(BudgetLedger.WindowAccount a, long now, int want, long millis) {
        int granted = 0;
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (granted < want && System.nanoTime() < deadline) {
            boolean got;
            try {
                got = a.tryGrantNow(now, 100);
            } catch (IllegalStateException unavailable) {
                got = false; // the router counts it and grants nothing
            }
            if (got) {
                granted++;
            } else {
                LockSupport.parkNanos(500_000);
            }
        }
        return granted;
    }

    @Test
    void windowHashVanished_withinAWindowOfTheLastLease_grantsNothingUntilAReset() {
        BudgetLedger.WindowAccount a = ledger.windowAccount(V2, WINDOW);
        assertThat(grants(a, T0, 3, 5_000)).as("before the loss").isEqualTo(3);

        redis.command("DEL", ledger.windowKey(V2, WINDOW)); // as an empty restart loses it
        long failuresBefore = ledger.failures();

        assertThat(grants(a, T0 + 2 * SLOT, 1, 500))
                .as("the next bucket, 2 s later: the lost grants might fill the window")
                .isZero();
        assertThat(grants(a, T0 + WINDOW / 2, 1, 500)).as("still within the window").isZero();
        assertThat(ledger.failures()).as("counted").isGreaterThan(failuresBefore);

        a.reset(); // an operator's audited budget reset
        assertThat(grants(a, T0 + WINDOW / 2 + SLOT, 1, 5_000)).as("after the reset")
                .isEqualTo(1);
    }

    @Test
    void windowHashExpired_afterAQuietWindow_isNotALoss() {
        BudgetLedger.WindowAccount a = ledger.windowAccount(V2, WINDOW);
        assertThat(grants(a, T0, 1, 5_000)).isEqualTo(1);

        redis.command("DEL", ledger.windowKey(V2, WINDOW)); // as its expiry would

        assertThat(grants(a, T0 + 2 * WINDOW, 1, 5_000))
                .as("two windows later nothing recorded could count any more").isEqualTo(1);
    }
}

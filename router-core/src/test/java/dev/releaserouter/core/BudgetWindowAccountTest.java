package dev.releaserouter.core;

import static dev.releaserouter.core.BudgetTest.budgeted;
import static dev.releaserouter.core.testing.Configs.SECRET;
import static dev.releaserouter.core.testing.Configs.of;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.spi.BudgetKey;
import dev.releaserouter.api.spi.BudgetLedger;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A ledger's fleet-wide window account, when it has one, is checked after the local window. */
class BudgetWindowAccountTest {

    /** The in-memory ledger plus a window account answering as told. */
    private static final class WindowLedger implements BudgetLedger {
        final BudgetLedger requests = BudgetLedger.inMemory();
        volatile boolean grant;
        volatile boolean fail;
        final AtomicLong asked = new AtomicLong();
        final AtomicLong lastNow = new AtomicLong();
        volatile long windowMillis;

        @Override
        public Account account(BudgetKey key) {
            return requests.account(key);
        }

        @Override
        public WindowAccount windowAccount(BudgetKey key, long windowMillis) {
            this.windowMillis = windowMillis;
            return new WindowAccount() {
                @Override
                public boolean tryGrantNow(long nowMillis, long limit) {
                    if (fail) {
                        throw new IllegalStateException("unreachable");
                    }
                    asked.incrementAndGet();
                    lastNow.set(nowMillis);
                    return grant;
                }

                @Override
                public void reset() {}
            };
        }
    }

    private static final MutableClock CLOCK = MutableClock.at("2026-01-01T00:00:00Z");

    private static Router router(BudgetLedger ledger) {
        return ReleaseRouter.builder()
                .config(of(budgeted(ExposureBudget.builder().maxRequests(2)
                        .window(Duration.ofMinutes(1)).build())))
                .hashSecretHex(SECRET).auditSink(new RecordingAuditSink()).budgetLedger(ledger)
                .clock(CLOCK).build();
    }

    @Test
    void decide_windowAccountRefuses_stableWithBudgetExhausted_thoughTheLocalWindowWouldGrant() {
        WindowLedger ledger = new WindowLedger();
        Router r = router(ledger);

        RouteDecision d = r.decide(RouteRequest.of("churn", "k"));

        assertThat(d.isCandidate()).isFalse();
        assertThat(d.reason()).isEqualTo(Reason.BUDGET_EXHAUSTED);
        assertThat(ledger.windowMillis).isEqualTo(60_000);
        assertThat(ledger.lastNow.get()).as("the router's clock").isEqualTo(CLOCK.millis());
    }

    @Test
    void decide_windowAccountGrants_theLocalWindowStillLimitsThisInstance() {
        WindowLedger ledger = new WindowLedger();
        ledger.grant = true;
        Router r = router(ledger);

        int granted = 0;
        for (int i = 0; i < 5; i++) {
            granted += r.decide(RouteRequest.of("churn", "k" + i)).isCandidate() ? 1 : 0;
        }

        assertThat(granted).isEqualTo(2);
        assertThat(ledger.asked.get()).as("asked only when the local window allowed").isEqualTo(2);
    }

    @Test
    void decide_windowAccountFails_stableAndCounted_andAFreedLocalWindowGrantsLater() {
        WindowLedger ledger = new WindowLedger();
        ledger.fail = true;
        Router r = router(ledger);

        for (int i = 0; i < 5; i++) {
            assertThat(r.decide(RouteRequest.of("churn", "k" + i)).isCandidate()).isFalse();
        }
        assertThat(r.status().internalErrors()).isEqualTo(5);

        ledger.fail = false;
        ledger.grant = true;
        assertThat(r.decide(RouteRequest.of("churn", "x")).isCandidate())
                .as("refused fleet grants gave their local units back").isTrue();
    }
}

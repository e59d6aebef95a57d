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
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** A ledger's fleet-wide value account, when it has one, decides the value share. */
class BudgetValueAccountTest {

    /** The in-memory ledger plus a value account answering as told. */
    private static final class ValueLedger implements BudgetLedger {
        final BudgetLedger requests = BudgetLedger.inMemory();
        volatile boolean grant;
        volatile boolean fail;
        final AtomicLong asked = new AtomicLong();
        volatile LongSupplier seen = () -> -1;

        @Override
        public Account account(BudgetKey key) {
            return requests.account(key);
        }

        @Override
        public ValueAccount valueAccount(BudgetKey key, LongSupplier modelValueSeen) {
            seen = modelValueSeen;
            return new ValueAccount() {
                @Override
                public boolean tryGrantNow(long micros, double maxShare) {
                    if (fail) {
                        throw new IllegalStateException("unreachable");
                    }
                    asked.addAndGet(micros);
                    return grant;
                }

                @Override
                public void reset() {}
            };
        }
    }

    private static Router router(BudgetLedger ledger) {
        return ReleaseRouter.builder()
                .config(of(budgeted(ExposureBudget.builder().maxValueShare(0.5).build())))
                .hashSecretHex(SECRET).auditSink(new RecordingAuditSink()).budgetLedger(ledger)
                .build();
    }

    private static RouteDecision decide(Router r, String key, double value) {
        return r.decide(RouteRequest.builder("churn", key).monetaryValue(value).build());
    }

    @Test
    void decide_valueAccountRefuses_stableWithBudgetExhausted_thoughTheLocalShareWouldGrant() {
        ValueLedger ledger = new ValueLedger();
        Router r = router(ledger);

        RouteDecision d = decide(r, "k", 2.5);

        assertThat(d.isCandidate()).isFalse();
        assertThat(d.reason()).isEqualTo(Reason.BUDGET_EXHAUSTED);
        assertThat(ledger.asked.get()).isEqualTo(2_500_000);
        assertThat(ledger.seen.getAsLong()).as("the model total the ledger reads")
                .isEqualTo(2_500_000);
    }

    @Test
    void decide_valueAccountGrants_candidate() {
        ValueLedger ledger = new ValueLedger();
        ledger.grant = true;
        Router r = router(ledger);

        assertThat(decide(r, "k", 2.5).isCandidate()).isTrue();
    }

    @Test
    void decide_valueAccountThrows_stableAndCounted_neverThrows() {
        ValueLedger ledger = new ValueLedger();
        ledger.fail = true;
        Router r = router(ledger);

        RouteDecision d = decide(r, "k", 2.5);

        assertThat(d.isCandidate()).isFalse();
        assertThat(d.reason()).isEqualTo(Reason.BUDGET_EXHAUSTED);
        assertThat(r.status().internalErrors()).isPositive();
    }
}

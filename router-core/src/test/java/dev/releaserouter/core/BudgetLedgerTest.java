package dev.releaserouter.core;

import static dev.releaserouter.core.BudgetTest.budgeted;
import static dev.releaserouter.core.BudgetTest.countCandidate;
import static dev.releaserouter.core.testing.Configs.SECRET;
import static dev.releaserouter.core.testing.Configs.of;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.spi.BudgetKey;
import dev.releaserouter.api.spi.BudgetLedger;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Budgets consumed through the {@link BudgetLedger} SPI. */
class BudgetLedgerTest {

    private static final RouterConfig HUNDRED =
            of(budgeted(ExposureBudget.builder().maxRequests(100).build()));

    private static Router router(BudgetLedger ledger) {
        return ReleaseRouter.builder().config(HUNDRED).hashSecretHex(SECRET)
                .auditSink(new RecordingAuditSink()).budgetLedger(ledger).build();
    }

    @Test
    void decide_twoRoutersOnOneLedger_shareOneBudget() {
        BudgetLedger ledger = BudgetLedger.inMemory();
        Router a = router(ledger);
        Router b = router(ledger);

        long granted = countCandidate(a, 70, "a") + countCandidate(b, 70, "b")
                + countCandidate(a, 70, "c");

        assertThat(granted).isEqualTo(100);
        assertThat(ledger.account(new BudgetKey("churn", "v2")).consumed()).isEqualTo(100);
    }

    @Test
    void decide_ledgerWithAllotment_consultsItOncePerAllotment_andCloseGivesTheRestBack() {
        CountingLedger ledger = new CountingLedger(30);
        Router r = router(ledger);

        assertThat(countCandidate(r, 70, "k")).isEqualTo(70);
        assertThat(ledger.calls.get()).isEqualTo(3); // 30 + 30 + 30 (20 left locally)
        assertThat(ledger.account.consumed()).isEqualTo(90);

        r.close();
        assertThat(ledger.account.consumed()).isEqualTo(70);
    }

    @Test
    void decide_ledgerWithAllotment_neverOvershootsTheLimit() {
        CountingLedger ledger = new CountingLedger(30);
        Router r = router(ledger);

        assertThat(countCandidate(r, 500, "k")).isEqualTo(100);
        assertThat(ledger.account.consumed()).isEqualTo(100);
    }

    @Test
    void decide_ledgerFails_answersStableWithBudgetExhausted_andCountsTheFailure() {
        BudgetLedger failing = key -> new FailingAccount();
        Router r = router(failing);

        RouteDecision d = r.decide(RouteRequest.of("churn", "k1"));

        assertThat(d.version()).isEqualTo("v1");
        assertThat(d.reason()).isEqualTo(Reason.BUDGET_EXHAUSTED);
        assertThat(r.status().internalErrors()).isEqualTo(1);
    }

    @Test
    void build_ledgerCannotResolveAccount_routerStarts_andBudgetGrantsNothing() {
        BudgetLedger broken = key -> {
            throw new IllegalStateException("ledger down");
        };
        Router r = router(broken);

        assertThat(countCandidate(r, 10, "k")).isZero();
        assertThat(r.status().internalErrors()).isPositive();
    }

    @Test
    void decide_budgetedCandidate_allocatesNothing() {
        Router r = ReleaseRouter.builder().hashSecretHex(SECRET)
                .config(of(budgeted(ExposureBudget.builder().maxRequests(Long.MAX_VALUE)
                        .build())))
                .auditSink(new RecordingAuditSink()).build();
        RouteRequest request = RouteRequest.of("churn", "k");
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) {
            r.decide(request); // warm up (JIT, lazily filled decision caches)
        }
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 10_000; i++) {
            r.decide(request);
        }
        long allocated = mx.getThreadAllocatedBytes(id) - before;

        assertThat(r.decide(request).isCandidate()).isTrue();
        // A few bytes of noise from the measurement itself, never one per decision.
        assertThat(allocated).isLessThan(10_000);
    }

    @Test
    void decide_consumesThroughTheNonWaitingCall_neverTheOneThatMayWait() {
        BudgetLedger.Account inner = BudgetLedger.inMemory().account(new BudgetKey("churn", "v2"));
        BudgetLedger ledger = key -> new BudgetLedger.Account() {
            @Override
            public long tryConsume(long units, long limit) {
                throw new AssertionError("the request path called the waiting tryConsume");
            }

            @Override
            public long tryConsumeNow(long units, long limit) {
                return inner.tryConsume(units, limit);
            }

            @Override
            public void giveBack(long units) {
                inner.giveBack(units);
            }

            @Override
            public long consumed() {
                return inner.consumed();
            }

            @Override
            public void reset() {
                inner.reset();
            }
        };
        Router r = router(ledger);

        assertThat(countCandidate(r, 150, "k")).isEqualTo(100);
        assertThat(r.status().internalErrors()).isZero();
    }

    /** An in-memory ledger with a bigger allotment, counting consumptions. */
    private static final class CountingLedger implements BudgetLedger {
        final BudgetLedger.Account account = BudgetLedger.inMemory()
                .account(new BudgetKey("churn", "v2"));
        final AtomicInteger calls = new AtomicInteger();
        private final int allotment;

        CountingLedger(int allotment) {
            this.allotment = allotment;
        }

        @Override
        public Account account(BudgetKey key) {
            return new Account() {
                @Override
                public long tryConsume(long units, long limit) {
                    calls.incrementAndGet();
                    return account.tryConsume(units, limit);
                }

                @Override
                public void giveBack(long units) {
                    account.giveBack(units);
                }

                @Override
                public long consumed() {
                    return account.consumed();
                }

                @Override
                public void reset() {
                    account.reset();
                }
            };
        }

        @Override
        public int allotment() {
            return allotment;
        }
    }

    /** A ledger account whose store is unreachable. */
    private static final class FailingAccount implements BudgetLedger.Account {
        @Override
        public long tryConsume(long units, long limit) {
            throw new java.io.UncheckedIOException(new java.io.IOException("unreachable"));
        }

        @Override
        public void giveBack(long units) {}

        @Override
        public long consumed() {
            return 0;
        }

        @Override
        public void reset() {}
    }
}

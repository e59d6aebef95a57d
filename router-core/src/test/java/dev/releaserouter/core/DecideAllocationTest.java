package dev.releaserouter.core;

import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static dev.releaserouter.core.testing.Configs.router;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ExposureBudget;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * {@code decide} with prebuilt requests allocates nothing, also when it reads a request's
 * monetary value and a decision's bucket presence (the typed accessors that replaced the
 * {@code NaN} and {@code -1} sentinels must not reach the hot path). Measured with the thread's
 * allocated-bytes counter; router-benchmarks' DecideBenchmark gives the precise figure.
 */
class DecideAllocationTest {

    private static final int CALLS = 100_000;

    @Test
    void decide_prebuiltRequests_withValueShareBudget_allocatesNothing() {
        Router r = router(of(BudgetTest.budgeted(
                ExposureBudget.builder().maxValueShare(0.5).build())));
        RouteRequest[] requests = {
            RouteRequest.builder("churn", "customer-42").monetaryValue(10).build(),
            RouteRequest.builder("churn", "customer-43").monetaryValue(30).build(),
            RouteRequest.of("churn", "customer-44"),
            RouteRequest.of("churn", "customer-45"),
        };
        // Not an unknown model: that answer is built per call (40 B), a known gap of that path.
        run(r, requests, CALLS); // warm-up: class loading, JIT

        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        long buckets = run(r, requests, CALLS);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;

        assertThat(buckets).isPositive();
        // Less than one byte per call: anything the hot path allocated would be >= 16 per call.
        assertThat(allocated).as("bytes allocated by %s calls", CALLS).isLessThan(CALLS);
    }

    private static long run(Router r, RouteRequest[] requests, int calls) {
        long buckets = 0;
        for (int i = 0; i < calls; i++) {
            RouteDecision d = r.decide(requests[i & 3]);
            if (d.hasBucket()) {
                buckets++;
            }
        }
        return buckets;
    }
}

package dev.releaserouter.core;

import static dev.releaserouter.core.testing.Configs.admin;
import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static dev.releaserouter.core.testing.Configs.router;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.ToLongFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BudgetTest {

    static final ChangeContext OPS = ChangeContext.of("ops@example.com", "test");

    static ModelConfig budgeted(ExposureBudget budget) {
        return churn(0).build().toBuilder()
                .version(VersionConfig.builder("v2").weightBasisPoints(10_000).budget(budget)
                        .build())
                .build();
    }

    static long countCandidate(Router r, int n, String prefix) {
        long c = 0;
        for (int i = 0; i < n; i++) {
            if (r.decide(RouteRequest.of("churn", prefix + i)).isCandidate()) {
                c++;
            }
        }
        return c;
    }

    @Test
    void totalBudget_grantsExactlyN_thenSaysExhausted() {
        Router r = router(of(budgeted(ExposureBudget.builder().maxRequests(100).build())));
        assertThat(countCandidate(r, 1000, "k")).isEqualTo(100);
        RouteDecision d = r.decide(RouteRequest.of("churn", "another"));
        assertThat(d.reason()).isEqualTo(Reason.BUDGET_EXHAUSTED);
        assertThat(d.version()).isEqualTo("v1");
        assertThat(d.bucket()).isPresent();
    }

    @Test
    void totalBudget_neverOvershoots_under16Threads() throws Exception {
        Router r = router(of(budgeted(ExposureBudget.builder().maxRequests(5_000).build())));
        assertThat(hammer(r, 16, 2_000)).isEqualTo(5_000);
    }

    @Test
    void windowBudget_neverOvershoots_under16Threads() throws Exception {
        MutableClock clock = MutableClock.at("2026-11-22T00:00:00Z");
        Router r = router(of(budgeted(ExposureBudget.builder().maxRequests(3_000)
                .window(Duration.ofMinutes(1)).build())), new RecordingAuditSink(), clock);
        long granted = hammer(r, 16, 1_000);
        assertThat(granted).isLessThanOrEqualTo(3_000);
        // Racing callers may be refused while a unit is in flight; alone, the rest fills up.
        assertThat(granted + countCandidate(r, 5_000, "fill")).isEqualTo(3_000);
    }

    /** Threads start together and decide concurrently; returns how many reached the candidate. */
    static long hammer(Router r, int threads, int perThread) throws Exception {
        return hammer(r, threads, perThread, (t, i) -> RouteRequest.of("churn", t + "-" + i),
                request -> 1);
    }

    /**
     * Threads start together and decide {@code request(thread, i)} concurrently; returns the sum
     * of {@code weight} over the requests that reached the candidate.
     */
    static long hammer(Router r, int threads, int perThread,
            BiFunction<Integer, Integer, RouteRequest> request,
            ToLongFunction<RouteRequest> weight) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong granted = new AtomicLong();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            fs.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    RouteRequest q = request.apply(id, i);
                    if (r.decide(q).isCandidate()) {
                        granted.addAndGet(weight.applyAsLong(q));
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : fs) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return granted.get();
    }

    @Test
    void windowBudget_refillsAsTheWindowRollsOn() {
        MutableClock clock = MutableClock.at("2026-11-22T00:00:00Z");
        Router r = router(of(budgeted(ExposureBudget.builder().maxRequests(10)
                .window(Duration.ofMinutes(1)).build())), new RecordingAuditSink(), clock);
        assertThat(countCandidate(r, 50, "a")).isEqualTo(10);
        clock.advance(Duration.ofSeconds(30));
        assertThat(countCandidate(r, 50, "b")).as("still inside the window").isZero();
        clock.advance(Duration.ofSeconds(31));
        assertThat(countCandidate(r, 50, "c")).as("the first grants left the window")
                .isEqualTo(10);
    }

    @Property(tries = 100)
    void valueShareBudget_neverExceedsTheShare(
            @ForAll @DoubleRange(min = 0.0, max = 1.0) double share,
            @ForAll @Size(min = 1, max = 300) List<@DoubleRange(min = 0, max = 1e6) Double> values,
            @ForAll @IntRange(min = 0, max = 10_000) int weight) {
        ModelConfig m = churn(0).build().toBuilder()
                .version(VersionConfig.builder("v2").weightBasisPoints(weight)
                        .budget(ExposureBudget.builder().maxValueShare(share).build()).build())
                .build();
        Router r = router(of(m));
        double total = 0;
        double candidate = 0;
        for (int i = 0; i < values.size(); i++) {
            double v = values.get(i);
            RouteDecision d = r.decide(RouteRequest.builder("churn", "e" + i)
                    .monetaryValue(v).build());
            total += v;
            if (d.isCandidate()) {
                candidate += v;
            }
            assertThat(candidate).isLessThanOrEqualTo(share * total + 1e-6);
        }
    }

    @Test
    void valueShareBudget_holdsForValuesBeyondTheCounters_range() {
        // 1e13 units is 1e19 micro-units: over Long.MAX_VALUE, as a lifetime total in a currency
        // with small units can be. The counters must saturate, not wrap around and grant.
        Router r = router(of(budgeted(ExposureBudget.builder().maxValueShare(0.5).build())));
        double total = 0;
        double candidate = 0;
        double[] values = {100, 100, 100, 100, 1e13, 100, 1e13, 5e12, 1e18, 100};
        for (int i = 0; i < values.length; i++) {
            RouteDecision d = r.decide(RouteRequest.builder("churn", "e" + i)
                    .monetaryValue(values[i]).build());
            total += values[i];
            if (d.isCandidate()) {
                candidate += values[i];
            }
            assertThat(candidate).as("after request %d", i).isLessThanOrEqualTo(0.5 * total);
        }
        assertThat(candidate).as("small values still reach the candidate").isPositive();
    }

    @Test
    void valueShareBudget_neverExceedsTheShare_under16Threads() throws Exception {
        Router r = router(of(budgeted(ExposureBudget.builder().maxValueShare(0.25).build())));
        int threads = 16;
        int perThread = 2_000;
        // Whole units, so the router's micro-unit sums are exact.
        BiFunction<Integer, Integer, RouteRequest> request = (t, i) -> RouteRequest
                .builder("churn", t + "-" + i).monetaryValue(1 + (t * 31 + i) % 10).build();
        long total = 0;
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                total += (long) request.apply(t, i).monetaryValue().orElseThrow();
            }
        }
        long candidate = hammer(r, threads, perThread, request,
                q -> (long) q.monetaryValue().orElseThrow());
        assertThat(candidate).as("value routed to v2 of %d", total)
                .isPositive()
                .isLessThanOrEqualTo(total / 4);
        assertThat(r.decide(RouteRequest.builder("churn", "big").monetaryValue(total).build())
                .reason()).as("a value over the share is refused").isEqualTo(
                        Reason.BUDGET_EXHAUSTED);
    }

    @Test
    void consumption_survivesAReloadThatKeepsTheBudget_andResetIsAudited() {
        RecordingAuditSink audit = new RecordingAuditSink();
        ModelConfig m = budgeted(ExposureBudget.builder().maxRequests(10).build());
        RouterAdmin admin = admin(of(m), audit, MutableClock.at("2026-11-22T00:00:00Z"));
        Router r = admin.router();
        assertThat(countCandidate(r, 6, "a")).isEqualTo(6);
        admin.setBudget("churn", "v2", ExposureBudget.builder().maxRequests(12).build(), OPS);
        assertThat(countCandidate(r, 50, "b")).as("6 used, 6 left").isEqualTo(6);
        admin.resetBudget("churn", "v2", OPS);
        assertThat(audit.last().action()).isEqualTo("budget.reset");
        assertThat(countCandidate(r, 50, "c")).isEqualTo(12);
    }
}

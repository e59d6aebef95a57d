package dev.releaserouter.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.annotation.ShadowV2;
import dev.releaserouter.api.shadow.ShadowComparator;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowStatistics;
import dev.releaserouter.core.shadow.ShadowComparators;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

/** One application context: {@code @ShadowV2} end to end through the auto-configuration. */
@SpringBootTest(classes = ShadowV2SpringBootTest.App.class,
        properties = {"router.shadow.threads=2", "router.shadow.timeout=2s",
                "router.flags.location=shadow-v2-flags.json"})
class ShadowV2SpringBootTest {

    @Autowired
    ChurnV1 v1;

    @Autowired
    ChurnV2 v2;

    @Autowired
    Router router;

    @Autowired
    RouterAdmin admin;

    @Test
    void plainMethod_answersWithV1_andShadowsV2Asynchronously() {
        long before = shadowCalls();
        int v2Before = v2.calls.get();
        for (int i = 0; i < 10; i++) {
            assertThat(v1.score(new Features("c-" + i, 3))).isEqualTo(0.1);
        }
        awaitTrue(() -> shadowCalls() >= before + 10);
        assertThat(v2.calls.get()).isEqualTo(v2Before + 10);
        assertThat(v2.threads).allMatch(t -> t.startsWith("release-router-shadow-"));
        ShadowStatistics s = statistics();
        assertThat(s.outcomes().get(ShadowOutcome.SUCCESS)).isGreaterThanOrEqualTo(10);
        assertThat(s.matches()).isZero(); // 0.1 vs 0.2 under the default equality comparison
    }

    @Test
    void v1Exceptions_reachTheCallerUntouched_andV2IsNotCalled() {
        int v2Before = v2.calls.get();
        assertThatThrownBy(() -> v1.scoreChecked(new Features("boom", 1)))
                .isSameAs(ChurnV1.FAILURE);
        assertThatThrownBy(() -> v1.score(new Features("boom", 1)))
                .isInstanceOf(IllegalStateException.class).hasMessage("v1 refused boom");
        assertThat(v2.calls.get()).isEqualTo(v2Before);
    }

    @Test
    void candidateWithCanaryWeight_isNotServed_v1StillAnswers_andTheCallIsShadowed() {
        ChangeContext ctx = ChangeContext.of("test", "canary weight");
        admin.setStage("churn", "v2", Stage.APPROVED, ctx);
        admin.setWeight("churn", "v2", 10_000, ctx);
        try {
            assertThat(router.decide(RouteRequest.of("churn", "canary-1")).version())
                    .isEqualTo("v2");
            long before = shadowCalls();
            int v2Before = v2.calls.get();
            assertThat(v1.score(new Features("canary-1", 4))).isEqualTo(0.1);
            awaitTrue(() -> shadowCalls() >= before + 1);
            assertThat(v2.calls.get()).isEqualTo(v2Before + 1);
        } finally {
            admin.setWeight("churn", "v2", 0, ctx);
            admin.setStage("churn", "v2", Stage.STAGING, ctx);
        }
    }

    @Test
    void namedComparator_comparesScoresWithinItsTolerance() {
        for (int i = 0; i < 3; i++) {
            assertThat(v1.scoreTolerant(new Features("t-" + i, 1))).isEqualTo(0.1);
        }
        awaitTrue(() -> statistics("churn-scored").comparisons() == 3);
        ShadowStatistics s = statistics("churn-scored");
        assertThat(s.matches()).as("|0.2 - 0.1| is within 0.15").isEqualTo(3);
        assertThat(s.scoreDeltas().orElseThrow().mean()).isCloseTo(0.1, within(1e-9));
    }

    @Test
    void completableFuture_recordsV1sLatency_untilItsStageCompletes() {
        CompletableFuture<Double> pending = new CompletableFuture<>();
        v1.answerNextTimedCallWith(pending); // through the proxy, to the target
        CompletableFuture<Double> f = v1.scoreTimed(new Features("timed-1", 2));
        // Timed from the call's return, which follows the aspect's own start whatever the load
        // (class loading and JIT in a cold first call only make the aspect's interval longer).
        long returned = System.nanoTime();
        assertThat(f).isSameAs(pending).isNotDone();
        long minimum = Duration.ofMillis(20).toNanos();
        while (System.nanoTime() - returned < minimum) {
            Thread.onSpinWait(); // let a measurable time pass before v1 answers
        }
        pending.complete(0.1);
        awaitTrue(() -> statistics("churn-timed").calls() == 1);
        assertThat(statistics("churn-timed").stableLatency().orElseThrow().p50().toNanos())
                .as("v1's latency runs to the completion of its stage, not to its return")
                .isGreaterThanOrEqualTo(minimum * 95 / 100); // HdrHistogram rounds down
    }

    @Test
    void completableFuture_returnsV1sFuture_andShadowsOnCompletion() {
        long before = shadowCalls();
        CompletableFuture<Double> f = v1.scoreAsync(new Features("async-1", 2));
        assertThat(f.join()).isEqualTo(0.1);
        awaitTrue(() -> shadowCalls() >= before + 1);
        assertThat(v2.asyncCalls.get()).isPositive();
    }

    private ShadowStatistics statistics() {
        return statistics("churn");
    }

    private ShadowStatistics statistics(String model) {
        return router.shadowStatistics().stream()
                .filter(s -> s.model().equals(model) && s.candidateVersion().equals("v2"))
                .findFirst().orElseThrow();
    }

    /** Shadow calls so far (core lists a model's statistics once it has any). */
    private long shadowCalls() {
        return router.shadowStatistics().stream()
                .filter(s -> s.model().equals("churn") && s.candidateVersion().equals("v2"))
                .mapToLong(ShadowStatistics::calls).sum();
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** The model's input. */
    record Features(String customerId, int tenure) {
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        ChurnV1 churnV1() {
            return new ChurnV1();
        }

        @Bean("churnV2")
        ChurnV2 churnV2() {
            return new ChurnV2();
        }

        @Bean("tolerance")
        ShadowComparator<Double> tolerance() {
            return ShadowComparators.score(0.15, Double::doubleValue);
        }
    }

    /** The stable model. */
    static class ChurnV1 {
        static final IOException FAILURE = new IOException("v1 io failure");

        @ShadowV2(model = "churn", candidate = "churnV2", entityKey = "#p0.customerId()")
        public double score(Features f) {
            if (f.customerId().equals("boom")) {
                throw new IllegalStateException("v1 refused boom");
            }
            return 0.1;
        }

        @ShadowV2(model = "churn", candidate = "churnV2", method = "score",
                entityKey = "#f.customerId()")
        public double scoreChecked(Features f) throws IOException {
            throw FAILURE;
        }

        @ShadowV2(model = "churn", candidate = "churnV2", entityKey = "#p0.customerId()")
        public CompletableFuture<Double> scoreAsync(Features f) {
            return CompletableFuture.supplyAsync(() -> 0.1);
        }

        @ShadowV2(model = "churn-scored", candidate = "churnV2", method = "score",
                comparator = "tolerance", entityKey = "#p0.customerId()")
        public double scoreTolerant(Features f) {
            return 0.1;
        }

        private volatile CompletableFuture<Double> pending = new CompletableFuture<>();

        public void answerNextTimedCallWith(CompletableFuture<Double> f) {
            pending = f;
        }

        @ShadowV2(model = "churn-timed", candidate = "churnV2", method = "scoreAsync",
                entityKey = "#p0.customerId()")
        public CompletableFuture<Double> scoreTimed(Features f) {
            return pending;
        }
    }

    /** The candidate. */
    static class ChurnV2 {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger asyncCalls = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        public double score(Features f) {
            threads.add(Thread.currentThread().getName());
            calls.incrementAndGet();
            return 0.2;
        }

        public CompletableFuture<Double> scoreAsync(Features f) {
            asyncCalls.incrementAndGet();
            return CompletableFuture.completedFuture(0.2);
        }
    }
}

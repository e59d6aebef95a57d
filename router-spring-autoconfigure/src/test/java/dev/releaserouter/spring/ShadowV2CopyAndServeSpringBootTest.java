package dev.releaserouter.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.annotation.ShadowV2;
import dev.releaserouter.api.shadow.InputCopier;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowStatistics;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

/**
 * {@code @ShadowV2} copies the arguments the candidate sees (seed 002 §1) and, with
 * {@code serve = true}, serves the candidate's share of calls through the router's decision
 * (seed 002 §2), end to end through the auto-configuration.
 */
@SpringBootTest(classes = ShadowV2CopyAndServeSpringBootTest.App.class,
        properties = {"router.shadow.threads=2", "router.shadow.timeout=5s",
                "router.shadow.queue-capacity=10000",
                "router.flags.location=shadow-v2-serve-flags.json",
                "router.measurements.enabled=true"})
class ShadowV2CopyAndServeSpringBootTest {

    @Autowired
    Stable v1;

    @Autowired
    Candidate v2;

    @Autowired
    Router router;

    @Autowired
    RouterAdmin admin;

    @Autowired
    ArmMeasurements arms;

    @Autowired
    CountingCopier countingCopier;

    @BeforeEach
    void reset() {
        v2.seen.clear();
        v2.release = new CountDownLatch(0);
    }

    // --- seed 002 §1: the shadow must not see a mutated or shared object ---

    @Test
    void defaultCopy_theCandidateDoesNotSeeTheCallersLaterMutation() throws Exception {
        v2.release = new CountDownLatch(1); // the candidate reads its input only once released
        MutableFeatures f = new MutableFeatures("c-1", 3);
        assertThat(v1.score(f)).isEqualTo("v1");
        f.setTenure(99); // the caller changes its object once the call has returned
        v2.release.countDown();
        Seen seen = v2.seen.poll(20, TimeUnit.SECONDS);
        assertThat(seen).as("the shadow call").isNotNull();
        assertThat(seen.tenure()).as("the tenure the candidate saw").isEqualTo(3);
        assertThat(seen.features()).isNotSameAs(f);
        assertThat(seen.features().getCustomerId()).isEqualTo("c-1");
    }

    @Test
    void noCopy_sharesTheCallersObjectWithTheCandidate() throws Exception {
        v2.release = new CountDownLatch(1);
        MutableFeatures f = new MutableFeatures("c-2", 3);
        assertThat(v1.scoreShared(f)).isEqualTo("v1");
        f.setTenure(99);
        v2.release.countDown();
        Seen seen = v2.seen.poll(20, TimeUnit.SECONDS);
        assertThat(seen).isNotNull();
        assertThat(seen.features()).isSameAs(f);
        assertThat(seen.tenure()).as("copier = NO_COPY: the later mutation is seen")
                .isEqualTo(99);
    }

    @Test
    void namedCopierBean_copiesEachArgumentForTheCandidate() throws Exception {
        int before = countingCopier.copies.get();
        MutableFeatures f = new MutableFeatures("c-3", 7);
        assertThat(v1.scoreCustom(f)).isEqualTo("v1");
        Seen seen = v2.seen.poll(20, TimeUnit.SECONDS);
        assertThat(seen).isNotNull();
        assertThat(countingCopier.copies.get()).isEqualTo(before + 1);
        assertThat(seen.features()).isNotSameAs(f);
        assertThat(seen.tenure()).isEqualTo(7);
    }

    @Test
    void argumentThatCannotBeCopied_isAShadowError_neverTheCallers() {
        assertThat(v1.scoreUncopyable(new Uncopyable())).isEqualTo("v1");
        Polling.await(() -> statistics("uncopyable").outcomes()
                .getOrDefault(ShadowOutcome.ERROR, 0L) == 1);
        assertThat(v2.uncopyableCalls.get()).as("the candidate is not called").isZero();
    }

    // --- seed 002 §2: a live percentage of v2 through the router's decision ---

    @Test
    void serve_candidateAnswersItsWeightsShareOfEntities_asTheRoutersDecisionSays() {
        int n = 4000;
        int served = 0;
        for (int i = 0; i < n; i++) {
            String key = "share-" + i;
            String answer = v1.live(key);
            assertThat(answer).as("the answer for " + key + " is the decided version's")
                    .isEqualTo(router.decide(RouteRequest.of("live", key)).version());
            if (answer.equals("v2")) {
                served++;
            }
        }
        // Weight 10 over 4000 distinct entities: the count of v2 lies within the binomial
        // quantiles at 1e-7 and 1 - 1e-7, checked with R: qbinom(c(1e-7, 1-1e-7), 4000, 0.1)
        // = 305 502 (and scipy.stats.binom.ppf([1e-7, 1-1e-7], 4000, 0.1)).
        assertThat(served).isBetween(305, 502);
    }

    @Test
    void serve_assignmentIsStablePerEntity_acrossRepeatedCalls() {
        Map<String, String> first = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 500; i++) {
                String key = "stable-" + i;
                String answer = v1.live(key);
                String previous = first.putIfAbsent(key, answer);
                if (previous != null) {
                    assertThat(answer).as("entity " + key + " in round " + round)
                            .isEqualTo(previous);
                }
            }
        }
        assertThat(first.values()).contains("v1", "v2");
    }

    @Test
    void serve_callsV1AnsweredAreShadowed_callsV2AnsweredAreNot_andArmsAreMeasured() {
        long scheduledBefore = disposition("live", ShadowDisposition.SCHEDULED);
        long servedBefore = disposition("live", ShadowDisposition.SERVED_BY_CANDIDATE);
        long v1RequestsBefore = requests("v1");
        long v2RequestsBefore = requests("v2");
        int byV1 = 0;
        int byV2 = 0;
        for (int i = 0; i < 300; i++) {
            if (v1.live("shadowed-" + i).equals("v2")) {
                byV2++;
            } else {
                byV1++;
            }
        }
        assertThat(byV2).as("calls v2 answered").isPositive();
        int v1Calls = byV1;
        int v2Calls = byV2;
        Polling.await(() -> disposition("live", ShadowDisposition.SCHEDULED)
                == scheduledBefore + v1Calls);
        assertThat(disposition("live", ShadowDisposition.SERVED_BY_CANDIDATE))
                .isEqualTo(servedBefore + v2Calls);
        assertThat(requests("v2")).as("route hooks measure the served arm")
                .isEqualTo(v2RequestsBefore + v2Calls);
        assertThat(requests("v1")).isEqualTo(v1RequestsBefore + v1Calls);
    }

    @Test
    void serve_killedCandidate_servesNobody() {
        ChangeContext ctx = ChangeContext.of("test", "kill v2");
        admin.kill(KillTarget.version("live", "v2"), ctx);
        try {
            for (int i = 0; i < 300; i++) {
                assertThat(v1.live("killed-" + i)).isEqualTo("v1");
            }
        } finally {
            admin.unkill(KillTarget.version("live", "v2"), ChangeContext.of("test", "unkill"));
        }
    }

    @Test
    void serve_failingCandidate_fallsBackToTheAnnotatedMethod() {
        String key = keyDecidedFor("live-fallback", "v2");
        int before = v2.fallbackCalls.get();
        assertThat(v1.liveFallback(key)).isEqualTo("v1");
        assertThat(v2.fallbackCalls.get()).as("v2 was tried first").isEqualTo(before + 1);
    }

    @Test
    void serve_checkedExceptionOfTheAnnotatedMethod_reachesTheCallerAsThrown() {
        String key = keyDecidedFor("live-fallback", "v1");
        assertThatThrownBy(() -> v1.liveChecked(key)).isSameAs(Stable.FAILURE);
    }

    @Test
    void serve_completableFuture_answersWithTheDecidedVersionsFuture() {
        int served = 0;
        for (int i = 0; i < 400; i++) {
            String key = "async-" + i;
            CompletableFuture<String> answer = v1.liveAsync(key);
            assertThat(answer.join()).isEqualTo(
                    router.decide(RouteRequest.of("live-async", key)).version());
            if (answer.join().equals("v2")) {
                served++;
            }
        }
        // R: qbinom(c(1e-7, 1-1e-7), 400, 0.1) = 13 74
        assertThat(served).isBetween(13, 74);
    }

    @Test
    void serve_completableFuture_checkedExceptionOfTheAnnotatedMethod_failsItsFutureAsThrown()
            throws Exception {
        String key = keyDecidedFor("live-fallback", "v1");
        CompletableFuture<String> answer = v1.liveAsyncChecked(key);
        assertThat(answer).isCompletedExceptionally();
        assertThatThrownBy(answer::join).hasCauseReference(Stable.FAILURE);
    }

    private String keyDecidedFor(String model, String version) {
        for (int i = 0; i < 10_000; i++) {
            String key = "k-" + i;
            if (router.decide(RouteRequest.of(model, key)).version().equals(version)) {
                return key;
            }
        }
        throw new AssertionError("no key decided for " + version);
    }

    private long requests(String version) {
        return arms.snapshot("live", Duration.ofMinutes(5)).arm(version).requests();
    }

    private long disposition(String model, ShadowDisposition d) {
        return statistics(model).dispositions().getOrDefault(d, 0L);
    }

    private ShadowStatistics statistics(String model) {
        return router.shadowStatistics().stream()
                .filter(s -> s.model().equals(model) && s.candidateVersion().equals("v2"))
                .findFirst().orElse(ShadowStatistics.builder(model, "v2").build());
    }

    /** A mutable input, as seed 002's workflow state is. */
    public static class MutableFeatures {
        private String customerId = "";
        private int tenure;

        public MutableFeatures() {
        }

        MutableFeatures(String customerId, int tenure) {
            this.customerId = customerId;
            this.tenure = tenure;
        }

        public String getCustomerId() {
            return customerId;
        }

        public void setCustomerId(String customerId) {
            this.customerId = customerId;
        }

        public int getTenure() {
            return tenure;
        }

        public void setTenure(int tenure) {
            this.tenure = tenure;
        }
    }

    /** An input Jackson cannot copy: its only property throws. */
    public static class Uncopyable {
        public int getBroken() {
            throw new IllegalStateException("cannot be read");
        }
    }

    /** What the candidate saw: the object and its tenure when it read it. */
    record Seen(MutableFeatures features, int tenure) {
    }

    /** Copies by hand and counts. */
    static class CountingCopier implements InputCopier<Object> {
        final AtomicInteger copies = new AtomicInteger();

        @Override
        public Object copy(Object input) {
            copies.incrementAndGet();
            MutableFeatures f = (MutableFeatures) input;
            return new MutableFeatures(f.getCustomerId(), f.getTenure());
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        Stable stable() {
            return new Stable();
        }

        @Bean("candidate")
        Candidate candidate() {
            return new Candidate();
        }

        @Bean("countingCopier")
        CountingCopier countingCopier() {
            return new CountingCopier();
        }
    }

    /** The annotated (v1) methods. */
    static class Stable {
        static final IOException FAILURE = new IOException("v1 io failure");

        @ShadowV2(model = "copied", candidate = "candidate", entityKey = "#p0.customerId")
        public String score(MutableFeatures f) {
            return "v1";
        }

        @ShadowV2(model = "shared", candidate = "candidate", method = "score",
                entityKey = "#p0.customerId", copier = ShadowV2.NO_COPY)
        public String scoreShared(MutableFeatures f) {
            return "v1";
        }

        @ShadowV2(model = "custom-copied", candidate = "candidate", method = "score",
                entityKey = "#p0.customerId", copier = "countingCopier")
        public String scoreCustom(MutableFeatures f) {
            return "v1";
        }

        @ShadowV2(model = "uncopyable", candidate = "candidate", entityKey = "'u-1'")
        public String scoreUncopyable(Uncopyable u) {
            return "v1";
        }

        @ShadowV2(model = "live", candidate = "candidate", serve = true)
        public String live(String key) {
            return "v1";
        }

        @ShadowV2(model = "live-async", candidate = "candidate", serve = true)
        public CompletableFuture<String> liveAsync(String key) {
            return CompletableFuture.completedFuture("v1");
        }

        @ShadowV2(model = "live-fallback", candidate = "candidate", serve = true)
        public String liveFallback(String key) {
            return "v1";
        }

        @ShadowV2(model = "live-fallback", candidate = "candidate", method = "liveFallback",
                serve = true)
        public String liveChecked(String key) throws IOException {
            throw FAILURE;
        }

        @ShadowV2(model = "live-fallback", candidate = "candidate",
                method = "liveFallbackAsync", serve = true)
        public CompletableFuture<String> liveAsyncChecked(String key) throws IOException {
            throw FAILURE; // thrown, not a failed future
        }
    }

    /** The candidate (v2). */
    static class Candidate {
        final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
        final AtomicInteger uncopyableCalls = new AtomicInteger();
        final AtomicInteger fallbackCalls = new AtomicInteger();
        volatile CountDownLatch release = new CountDownLatch(0);

        public String score(MutableFeatures f) throws InterruptedException {
            if (!release.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
            seen.add(new Seen(f, f.getTenure()));
            return "v2";
        }

        public String scoreUncopyable(Uncopyable u) {
            uncopyableCalls.incrementAndGet();
            return "v2";
        }

        public String live(String key) {
            return "v2";
        }

        public CompletableFuture<String> liveAsync(String key) {
            return CompletableFuture.supplyAsync(() -> "v2");
        }

        public String liveFallback(String key) {
            fallbackCalls.incrementAndGet();
            throw new IllegalStateException("v2 is broken");
        }

        public CompletableFuture<String> liveFallbackAsync(String key) {
            return CompletableFuture.failedFuture(new IllegalStateException("v2 is broken"));
        }
    }
}

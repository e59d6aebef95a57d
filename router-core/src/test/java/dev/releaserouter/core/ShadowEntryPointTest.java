package dev.releaserouter.core;

import static dev.releaserouter.core.ShadowRouteTest.model;
import static dev.releaserouter.core.ShadowRouteTest.req;
import static dev.releaserouter.core.testing.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.PairStore;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.api.shadow.ShadowStatistics;
import dev.releaserouter.core.shadow.OutputValidators;
import dev.releaserouter.core.shadow.ShadowComparators;
import dev.releaserouter.core.shadow.ShadowSettings;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.JsonMasker;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.core.testing.RecordingPairStore;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RoutedModel#shadow}: shadowing behind a primary answer the caller computed itself, and
 * the slow-candidate and failing-copier faults of {@code route}.
 */
class ShadowEntryPointTest {

    static final ChangeContext OPS = ShadowRouteTest.OPS;
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger v1Calls = new AtomicInteger();
    RouterAdmin admin;
    Router router;

    @AfterEach
    void tearDown() {
        release.countDown();
        if (router != null) {
            router.close();
        }
    }

    void start(ModelConfig model, ShadowSettings.Builder settings) {
        admin = ReleaseRouter.builder()
                .config(RouterConfig.builder().model(model).build())
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .shadow(settings.ticker(now::get).build())
                .buildWithAdmin();
        router = admin.router();
    }

    static ShadowSettings.Builder settings() {
        return ShadowSettings.builder().timeout(Duration.ofSeconds(30));
    }

    RoutedModel<Double, Double> bind(dev.releaserouter.api.shadow.Predictor<Double, Double> v2) {
        return router.bind(ModelBinding.<Double, Double>builder("churn")
                .version("v1", x -> {
                    v1Calls.incrementAndGet();
                    return x * 2;
                })
                .version("v2", v2)
                .comparator(ShadowComparators.score(0.02, Double::doubleValue))
                .validator(OutputValidators.scoreBetween(0, 1, Double::doubleValue))
                .build());
    }

    ShadowStatistics stats() {
        return stats("v2");
    }

    /** Statistics kept under a version (v1's are its invalid primary outputs). */
    ShadowStatistics stats(String version) {
        return router.shadowStatistics().stream()
                .filter(s -> s.candidateVersion().equals(version)).findFirst().orElseThrow();
    }

    @Test
    void shadow_comparesTheCandidateWithTheGivenPrimary_evenWhenTheFlagsGiveItCanaryWeight() {
        RecordingPairStore pairs = new RecordingPairStore();
        start(model(10_000, 10_000, Stage.APPROVED).build(),
                settings().pairStore(pairs, new JsonMasker()));
        RoutedModel<Double, Double> m = bind(x -> {
            now.addAndGet(2_000);
            return x * 2 + 0.01;
        });
        assertThat(router.decide(req("c-1")).version()).isEqualTo("v2"); // a canary entity

        ShadowDisposition d = m.shadow(req("c-1"), 0.25, 0.5, 1_500);

        assertThat(d).isEqualTo(ShadowDisposition.SCHEDULED);
        await(() -> stats().outcomes().get(ShadowOutcome.SUCCESS) == 1);
        assertThat(v1Calls).as("the router never calls v1: the caller did").hasValue(0);
        assertThat(stats().matches()).isEqualTo(1);
        assertThat(stats().scoreDeltas().orElseThrow().mean()).isCloseTo(0.01,
                org.assertj.core.data.Offset.offset(1e-9));
        router.close();
        ShadowPair pair = pairs.pairs().get(0);
        assertThat(pair.stableVersion()).isEqualTo("v1");
        assertThat(pair.stableOutputJson()).isEqualTo("0.5");
        assertThat(pair.stableLatencyNanos()).isEqualTo(1_500);
        assertThat(pair.candidateLatencyNanos()).hasValue(2_000);
    }

    @Test
    void shadow_appliesEveryEligibilityRule_andCountsEachSkip() {
        start(model(0, 10_000, Stage.STAGING).build(), settings());
        RoutedModel<Double, Double> m = bind(x -> x * 2);
        RouteRequest sovereign = req("k").toBuilder().dataClasses(Set.of("sovereign-br")).build();
        assertThat(m.shadow(sovereign, 0.1, 0.2, 10)).isEqualTo(ShadowDisposition.FORBIDDEN_DATA);
        RouteRequest denied = req("k").toBuilder().tenant("regulated_fx").build();
        assertThat(m.shadow(denied, 0.1, 0.2, 10)).isEqualTo(ShadowDisposition.DENIED_SEGMENT);
        admin.kill(KillTarget.tenant("acme"), OPS);
        RouteRequest killed = req("k").toBuilder().tenant("acme").build();
        assertThat(m.shadow(killed, 0.1, 0.2, 10)).isEqualTo(ShadowDisposition.KILL_SWITCH);
        admin.setStage("churn", "v2", Stage.REVOKED, OPS);
        assertThat(m.shadow(req("k"), 0.1, 0.2, 10))
                .isEqualTo(ShadowDisposition.VERSION_NOT_ELIGIBLE);

        assertThat(stats().dispositions()).containsEntry(ShadowDisposition.FORBIDDEN_DATA, 1L)
                .containsEntry(ShadowDisposition.DENIED_SEGMENT, 1L)
                .containsEntry(ShadowDisposition.KILL_SWITCH, 1L)
                .containsEntry(ShadowDisposition.VERSION_NOT_ELIGIBLE, 1L);
        assertThat(stats().calls()).isZero();
    }

    @Test
    void shadow_samplesByTheShadowHash_likeRoute() {
        start(model(0, 3_000, Stage.APPROVED).build(), settings());
        RoutedModel<Double, Double> m = bind(x -> x * 2);
        for (int i = 0; i < 200; i++) {
            RouteRequest r = req("e-" + i);
            ShadowDisposition viaShadow = m.shadow(r, 0.1, 0.2, 10);
            assertThat(viaShadow).isEqualTo(m.route(r, 0.1).shadow());
        }
    }

    @Test
    void shadow_ofAModelWithoutShadowConfiguration_isNotConfigured() {
        start(model(0, 0, Stage.APPROVED).build(), settings());
        RoutedModel<Double, Double> m = bind(x -> x * 2);
        assertThat(m.shadow(req("k"), 0.1, 0.2, 10)).isEqualTo(ShadowDisposition.NOT_CONFIGURED);
    }

    @Test
    void shadow_neverBlocks_aFullQueueDropsAndCounts() {
        start(model(0, 10_000, Stage.APPROVED).build(), settings().threads(1).queueCapacity(1));
        CountDownLatch started = new CountDownLatch(1);
        RoutedModel<Double, Double> m = bind(x -> {
            started.countDown();
            release.await();
            return x * 2;
        });
        assertThat(m.shadow(req("first"), 0.1, 0.2, 10)).isEqualTo(ShadowDisposition.SCHEDULED);
        await(() -> started.getCount() == 0);
        assertThat(m.shadow(req("queued"), 0.1, 0.2, 10))
                .isEqualTo(ShadowDisposition.SCHEDULED);
        for (int i = 0; i < 5; i++) {
            assertThat(m.shadow(req("k" + i), 0.1, 0.2, 10))
                    .isEqualTo(ShadowDisposition.DROPPED);
        }
        assertThat(stats().dispositions()).containsEntry(ShadowDisposition.DROPPED, 5L);
        release.countDown();
        await(() -> stats().outcomes().get(ShadowOutcome.SUCCESS) == 2);
    }

    @Test
    void shadow_countsAnInvalidPrimaryOutput_andStillShadows() {
        start(model(0, 10_000, Stage.APPROVED).build(), settings());
        RoutedModel<Double, Double> m = bind(x -> 0.5);
        assertThat(m.shadow(req("k"), 0.1, Double.NaN, 10))
                .isEqualTo(ShadowDisposition.SCHEDULED);
        await(() -> stats().calls() == 1);
        assertThat(stats("v1").primaryInvalidOutputs()).isEqualTo(1);
    }

    @Test
    void shadow_refusesAnotherModelAndANegativeLatency() {
        start(model(0, 10_000, Stage.APPROVED).build(), settings());
        RoutedModel<Double, Double> m = bind(x -> x);
        assertThatThrownBy(() -> m.shadow(RouteRequest.of("other", "k"), 0.1, 0.2, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'other'");
        assertThatThrownBy(() -> m.shadow(req("k"), 0.1, 0.2, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("primaryNanos must not be negative, but was -1");
    }

    @Test
    void shadowAndRoute_afterCloseOfARouterThatNeverShadowed_areClosed_andStartNoThreads() {
        AtomicInteger storeClosed = new AtomicInteger();
        PairStore store = new PairStore() {
            @Override
            public boolean append(ShadowPair pair) {
                return false;
            }

            @Override
            public long dropped() {
                return 0;
            }

            @Override
            public void close() {
                storeClosed.incrementAndGet();
            }
        };
        start(model(0, 10_000, Stage.APPROVED).build(),
                settings().pairStore(store, new JsonMasker()));
        RoutedModel<Double, Double> m = bind(x -> x);
        long threadsBefore = shadowThreads();

        router.close();

        assertThat(storeClosed).as("closing the router closes a store it never used")
                .hasPositiveValue();
        assertThat(m.shadow(req("k"), 0.1, 0.2, 10)).isEqualTo(ShadowDisposition.CLOSED);
        assertThat(m.route(req("k"), 0.1).shadow()).isEqualTo(ShadowDisposition.CLOSED);
        assertThat(shadowThreads()).isEqualTo(threadsBefore);
    }

    private static long shadowThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("release-router-shadow")).count();
    }

    @Test
    void slowCandidate_isMeasuredWithTheTicker_andTheCallerDoesNotWaitForIt() {
        start(model(0, 10_000, Stage.APPROVED).build(), settings());
        CountDownLatch running = new CountDownLatch(1);
        RoutedModel<Double, Double> m = bind(x -> {
            running.countDown();
            release.await(); // slow: still running while the caller gets its answer
            now.addAndGet(Duration.ofSeconds(3).toNanos()); // 3 s, within the 30 s timeout
            return x * 2;
        });

        RouteResult<Double> r = m.route(req("k"), 0.25);

        assertThat(r.output()).isEqualTo(0.5);
        assertThat(r.shadow()).isEqualTo(ShadowDisposition.SCHEDULED);
        await(() -> running.getCount() == 0);
        assertThat(stats().outcomes().get(ShadowOutcome.SUCCESS)).isZero();
        release.countDown();
        await(() -> stats().outcomes().get(ShadowOutcome.SUCCESS) == 1);
        assertThat(stats().candidateLatency().orElseThrow().p50().toNanos())
                .isCloseTo(Duration.ofSeconds(3).toNanos(),
                        org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(stats().outcomes().get(ShadowOutcome.TIMEOUT)).isZero();
    }

    @Test
    void configuredThreadFactory_makesTheShadowWorkers() {
        AtomicInteger made = new AtomicInteger();
        start(model(0, 10_000, Stage.APPROVED).build(), settings().threads(2).threadFactory(r -> {
            Thread t = new Thread(r, "custom-shadow-" + made.incrementAndGet());
            t.setDaemon(true);
            return t;
        }));
        Set<String> names = java.util.concurrent.ConcurrentHashMap.newKeySet();
        RoutedModel<Double, Double> m = bind(x -> {
            names.add(Thread.currentThread().getName());
            return x * 2;
        });
        for (int i = 0; i < 5; i++) {
            m.route(req("k" + i), 0.25);
        }
        await(() -> stats().outcomes().get(ShadowOutcome.SUCCESS) == 5);
        assertThat(names).isNotEmpty().allMatch(n -> n.startsWith("custom-shadow-"));
        assertThat(made.get()).isBetween(1, 2);
    }

    @Test
    void route_servesAnInvalidPrimaryOutput_andCountsItAgainstThatVersion() {
        start(model(0, 10_000, Stage.APPROVED).build(), settings());
        RoutedModel<Double, Double> m = router.bind(ModelBinding.<Double, Double>builder("churn")
                .version("v1", x -> Double.POSITIVE_INFINITY)
                .version("v2", x -> 0.5)
                .validator(OutputValidators.scoreBetween(0, 1, Double::doubleValue))
                .build());
        assertThat(m.route(req("k"), 0.1).output()).isInfinite();
        await(() -> stats().calls() == 1);
        assertThat(stats("v1").primaryInvalidOutputs()).isEqualTo(1);
    }

    @Test
    void throwingComparator_leavesTheCallASuccessWithoutComparison() {
        start(model(0, 10_000, Stage.APPROVED).build(), settings());
        RoutedModel<Double, Double> m = router.bind(ModelBinding.<Double, Double>builder("churn")
                .version("v1", x -> 0.5)
                .version("v2", x -> 0.5)
                .comparator((a, b) -> {
                    throw new IllegalStateException("comparator bug");
                })
                .build());
        for (int i = 0; i < 3; i++) {
            assertThat(m.route(req("k" + i), 0.1).output()).isEqualTo(0.5);
        }
        await(() -> stats().outcomes().get(ShadowOutcome.SUCCESS) == 3);
        assertThat(stats().comparisons()).isZero();
    }

    @Test
    void throwingValidator_makesTheCandidateOutputInvalid_andNeverFailsTheCaller() {
        start(model(0, 10_000, Stage.APPROVED).build(), settings());
        RoutedModel<Double, Double> m = router.bind(ModelBinding.<Double, Double>builder("churn")
                .version("v1", x -> 0.5)
                .version("v2", x -> 0.5)
                .validator(o -> {
                    throw new IllegalStateException("validator bug");
                })
                .build());
        assertThat(m.route(req("k"), 0.1).output()).isEqualTo(0.5);
        await(() -> stats().outcomes().get(ShadowOutcome.INVALID_OUTPUT) == 1);
    }

    @Test
    void failingCopier_isAnErrorOfTheCandidate_neverOfTheCaller() {
        start(model(0, 10_000, Stage.APPROVED).build(), settings());
        AtomicInteger v2Calls = new AtomicInteger();
        RoutedModel<Double, Double> m = router.bind(ModelBinding.<Double, Double>builder("churn")
                .version("v1", x -> x * 2)
                .version("v2", x -> {
                    v2Calls.incrementAndGet();
                    return x * 2;
                })
                .copier(x -> {
                    throw new IllegalStateException("cannot copy");
                })
                .build());

        assertThat(m.route(req("a"), 0.25).output()).isEqualTo(0.5);
        assertThat(m.shadow(req("b"), 0.25, 0.5, 10)).isEqualTo(ShadowDisposition.SCHEDULED);

        await(() -> stats().outcomes().get(ShadowOutcome.ERROR) == 2);
        assertThat(v2Calls).as("the candidate never sees an uncopied input").hasValue(0);
    }
}

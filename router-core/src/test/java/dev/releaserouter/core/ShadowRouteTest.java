package dev.releaserouter.core;

import static dev.releaserouter.core.testing.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.api.hook.ShadowEvent;
import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.ModelInvocationException;
import dev.releaserouter.api.shadow.PairMasker;
import dev.releaserouter.api.shadow.PairStore;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.api.shadow.ShadowStatistics;
import dev.releaserouter.core.shadow.InputCopiers;
import dev.releaserouter.core.shadow.OutputValidators;
import dev.releaserouter.core.shadow.ShadowComparators;
import dev.releaserouter.core.shadow.ShadowSettings;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.JsonMasker;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.core.testing.RecordingPairStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** route() and shadow calls, with faulty candidates, through the public API. */
class ShadowRouteTest {

    static final ChangeContext OPS = ChangeContext.of("ops", "test");
    final CountDownLatch release = new CountDownLatch(1);
    RouterAdmin admin;
    Router router;

    @AfterEach
    void tearDown() {
        release.countDown();
        if (router != null) {
            router.close();
        }
    }

    /** churn: v1 stable, v2 candidate at canaryBp, v2 shadowed for sampleBp of entities. */
    static ModelConfig.Builder model(int canaryBp, int sampleBp, Stage v2Stage) {
        return ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").stage(v2Stage).weightBasisPoints(canaryBp)
                        .build())
                .shadow(ShadowConfig.of("v2", sampleBp, Set.of("sovereign-br"),
                        Segments.of(Map.of(Dimension.TENANT, Set.of("regulated_fx")))));
    }

    Router start(ModelConfig model, ShadowSettings settings, RouteHook... hooks) {
        ReleaseRouter.Builder b = ReleaseRouter.builder()
                .config(RouterConfig.builder().model(model).build())
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .shadow(settings);
        for (RouteHook h : hooks) {
            b.hook(h);
        }
        admin = b.buildWithAdmin();
        router = admin.router();
        return router;
    }

    /**
     * Shadow settings for tests whose candidates answer at once: the timeout is generous so that
     * a busy machine never turns a success into a timeout; tests of timeouts set their own.
     */
    static ShadowSettings.Builder fast() {
        return ShadowSettings.builder().timeout(Duration.ofSeconds(10));
    }

    ShadowStatistics stats() {
        List<ShadowStatistics> all = router.shadowStatistics();
        return all.stream().filter(s -> s.candidateVersion().equals("v2")).findFirst()
                .orElseThrow();
    }


    static RouteRequest req(String key) {
        return RouteRequest.of("churn", key);
    }

    @Test
    void shadowedRequest_returnsTheStableAnswer_andComparesTheCandidateOffThread() {
        start(model(0, 10_000, Stage.APPROVED).build(), fast().build());
        List<String> threads = new CopyOnWriteArrayList<>();
        RoutedModel<Double, Double> churn = router.bind(ModelBinding.<Double, Double>builder(
                        "churn")
                .version("v1", x -> x * 2)
                .version("v2", x -> {
                    threads.add(Thread.currentThread().getName());
                    return x * 2 + 0.01;
                })
                .comparator(ShadowComparators.score(0.02, Double::doubleValue))
                .build());
        String caller = Thread.currentThread().getName();

        RouteResult<Double> r = churn.route(req("customer-1"), 0.25);

        assertThat(r.output()).isEqualTo(0.5);
        assertThat(r.servedVersion()).isEqualTo("v1");
        assertThat(r.shadow()).isEqualTo(ShadowDisposition.SCHEDULED);
        await(() -> stats().outcomes().get(ShadowOutcome.SUCCESS) == 1);
        assertThat(threads).singleElement().isNotEqualTo(caller);
        assertThat(stats().matches()).isEqualTo(1);
        assertThat(stats().scoreDeltas().orElseThrow().mean())
                .isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void canaryRequest_isServedByTheCandidate_andNotShadowed() {
        start(model(10_000, 10_000, Stage.APPROVED).build(), fast().build());
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder(
                "churn").version("v1", x -> "one").version("v2", x -> "two").build());
        RouteResult<String> r = m.route(req("k"), "in");
        assertThat(r.output()).isEqualTo("two");
        assertThat(r.decision().isCandidate()).isTrue();
        assertThat(r.shadow()).isEqualTo(ShadowDisposition.SERVED_BY_CANDIDATE);
    }

    @Test
    void throwingCandidate_isCountedAsError_andThePrimaryAnswerIsIntact() {
        start(model(0, 10_000, Stage.APPROVED).build(), fast().build());
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "ok:" + x)
                .version("v2", x -> {
                    throw new IllegalStateException("boom with customer data");
                })
                .build());
        for (int i = 0; i < 5; i++) {
            assertThat(m.route(req("k" + i), "in").output()).isEqualTo("ok:in");
        }
        await(() -> stats().outcomes().get(ShadowOutcome.ERROR) == 5);
        assertThat(stats().outcomes().get(ShadowOutcome.SUCCESS)).isZero();
    }

    @Test
    void hangingCandidate_isInterruptedAtTheTimeout_andTheWorkerIsReused() {
        start(model(0, 10_000, Stage.APPROVED).build(),
                fast().threads(1).timeout(Duration.ofMillis(200)).build());
        AtomicLong calls = new AtomicLong();
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "fast")
                .version("v2", x -> {
                    if (calls.incrementAndGet() == 1) {
                        new CountDownLatch(1).await(); // hangs until interrupted
                    }
                    return "fast";
                })
                .build());
        // That the caller never waits for the shadow call is shown without a clock by
        // flood_dropsAndCountsBeyondThreadsAndQueue_withoutBlockingTheCaller.
        assertThat(m.route(req("a"), "in").output()).isEqualTo("fast");
        m.route(req("b"), "in");
        await(() -> stats().outcomes().get(ShadowOutcome.TIMEOUT) == 1
                && stats().outcomes().get(ShadowOutcome.SUCCESS) == 1);
        assertThat(stats().candidateLatency().orElseThrow().p50()).isPositive();
    }

    @Test
    void invalidCandidateOutput_isAnErrorOfTheCandidate() {
        start(model(0, 10_000, Stage.APPROVED).build(), fast().build());
        RoutedModel<Double, Double> m = router.bind(ModelBinding.<Double, Double>builder("churn")
                .version("v1", x -> 0.3)
                .version("v2", x -> Double.NaN)
                .validator(OutputValidators.scoreBetween(0, 1, Double::doubleValue))
                .build());
        assertThat(m.route(req("k"), 1.0).output()).isEqualTo(0.3);
        await(() -> stats().outcomes().get(ShadowOutcome.INVALID_OUTPUT) == 1);
    }

    @Test
    void candidateThatMutatesItsInput_cannotChangeWhatTheCallerHolds_withACopier() {
        start(model(0, 10_000, Stage.APPROVED).build(), fast().build());
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<Map<String, Object>> type = (Class) Map.class;
        RoutedModel<Map<String, Object>, Integer> m = router.bind(
                ModelBinding.<Map<String, Object>, Integer>builder("churn")
                        .version("v1", x -> x.size())
                        .version("v2", x -> {
                            x.clear();
                            x.put("hacked", true);
                            return 0;
                        })
                        .copier(InputCopiers.jackson(type))
                        .build());
        Map<String, Object> input = new HashMap<>(Map.of("tenure", 12, "plan", "gold"));
        assertThat(m.route(req("k"), input).output()).isEqualTo(2);
        await(() -> stats().calls() == 1);
        assertThat(input).containsOnlyKeys("tenure", "plan");
    }

    @Test
    void storedPair_holdsTheInputTheStableSaw_whenTheCandidateMutatesItsCopy() {
        RecordingPairStore store = new RecordingPairStore();
        start(model(0, 10_000, Stage.APPROVED).build(),
                fast().pairStore(store, new JsonMasker()).build());
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<Map<String, Object>> type = (Class) Map.class;
        RoutedModel<Map<String, Object>, Integer> m = router.bind(
                ModelBinding.<Map<String, Object>, Integer>builder("churn")
                        .version("v1", x -> x.size())
                        .version("v2", x -> {
                            x.clear();
                            x.put("hacked", true);
                            return 0;
                        })
                        .copier(InputCopiers.jackson(type))
                        .build());
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("tenure", 12);
        input.put("plan", "gold");

        assertThat(m.route(req("k"), input).output()).isEqualTo(2);

        await(() -> store.pairs().size() == 1);
        assertThat(store.pairs().get(0).inputJson())
                .as("replay must use the input that was served")
                .isEqualTo("{\"tenure\":12,\"plan\":\"gold\"}");
    }

    @Test
    void fallback_throwingValidator_rejectsTheCanary_andTheStableAnswers() {
        start(model(10_000, 0, Stage.APPROVED).build(), fast().build());
        RoutedModel<Double, Double> m = router.bind(ModelBinding.<Double, Double>builder("churn")
                .version("v1", x -> 0.1)
                .version("v2", x -> 0.2)
                .validator(o -> {
                    throw new IllegalStateException("validator bug");
                })
                .fallbackToStable(null)
                .build());

        RouteResult<Double> r = m.route(req("k"), 1.0);

        assertThat(r.output()).isEqualTo(0.1);
        assertThat(r.servedVersion()).isEqualTo("v1");
        assertThat(r.fallbackCause()).isEqualTo(FallbackCause.INVALID_OUTPUT);
        assertThat(stats().fallbacks()).containsEntry(FallbackCause.INVALID_OUTPUT, 1L);
    }

    @Test
    void fallbackWithoutTimeout_canaryStackOverflow_isAnErrorAndTheStableAnswers() {
        start(model(10_000, 0, Stage.APPROVED).build(), fast().build());
        RoutedModel<Long, Long> m = router.bind(ModelBinding.<Long, Long>builder("churn")
                .version("v1", x -> 1L)
                .version("v2", ShadowRouteTest::recurse)
                .fallbackToStable(null)
                .build());

        RouteResult<Long> r = m.route(req("k"), 0L);

        assertThat(r.output()).isEqualTo(1L);
        assertThat(r.fallbackCause()).isEqualTo(FallbackCause.ERROR);
        assertThat(stats().fallbacks()).containsEntry(FallbackCause.ERROR, 1L);
    }

    /** A real stack overflow, as a buggy recursive model would produce. */
    static long recurse(long depth) {
        return recurse(depth + 1) + 1;
    }

    @Test
    void shadowHookAssertionError_afterThePrimaryAnswered_neverLosesTheAnswer() {
        start(model(0, 10_000, Stage.APPROVED).build(), fast().build(), new RouteHook() {
            @Override
            public void afterShadow(ShadowEvent shadow) {
                throw new AssertionError("hook bug");
            }
        }, new RouteHook() {
            @Override
            public void afterShadow(ShadowEvent shadow) {
                throw new NoClassDefFoundError("io/example/Missing");
            }
        });
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "stable").version("v2", x -> "stable").build());

        assertThat(m.route(req("k1"), "in").output()).isEqualTo("stable");
        assertThat(m.route(req("k2"), "in").output()).isEqualTo("stable");

        await(() -> stats().outcomes().get(ShadowOutcome.SUCCESS) == 2);
        await(() -> router.status().internalErrors() == 4); // 2 hooks, 2 ended calls each
    }

    @Test
    void shadowCandidateStackOverflow_isCountedAsAnError_andTheWorkerCarriesOn() {
        start(model(0, 10_000, Stage.APPROVED).build(), fast().threads(1).build());
        AtomicLong calls = new AtomicLong();
        RoutedModel<Long, Long> m = router.bind(ModelBinding.<Long, Long>builder("churn")
                .version("v1", x -> 1L)
                .version("v2", x -> calls.incrementAndGet() == 1 ? recurse(0) : 1L)
                .build());

        m.route(req("k1"), 0L);
        m.route(req("k2"), 0L);

        await(() -> stats().outcomes().get(ShadowOutcome.ERROR) == 1
                && stats().outcomes().get(ShadowOutcome.SUCCESS) == 1);
    }

    @Test
    void flood_dropsAndCountsBeyondThreadsAndQueue_withoutBlockingTheCaller() {
        start(model(0, 10_000, Stage.APPROVED).build(),
                fast().threads(1).queueCapacity(2).timeout(Duration.ofSeconds(30)).build());
        CountDownLatch started = new CountDownLatch(1);
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "served")
                .version("v2", x -> {
                    started.countDown();
                    release.await();
                    return "served";
                })
                .build());
        m.route(req("first"), "in");
        await(() -> started.getCount() == 0); // the only worker is busy
        // The only worker stays blocked until release.countDown() below, so 20 answers prove
        // the caller never waits for it (a blocking caller would hang: bounded at 30 s).
        int dropped = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int n = 0;
            for (int i = 0; i < 20; i++) {
                RouteResult<String> r = m.route(req("k" + i), "in");
                assertThat(r.output()).isEqualTo("served");
                if (r.shadow() == ShadowDisposition.DROPPED) {
                    n++;
                }
            }
            return n;
        });
        assertThat(dropped).isEqualTo(18); // two fit in the queue
        assertThat(stats().dispositions().get(ShadowDisposition.DROPPED)).isEqualTo(18);
        assertThat(stats().dispositions().get(ShadowDisposition.SCHEDULED)).isEqualTo(3);
        release.countDown();
        await(() -> stats().outcomes().get(ShadowOutcome.SUCCESS) == 3);
    }

    @Test
    void circuitBreaker_opensAfterRepeatedFailures_andLetsATrialThroughLater() {
        AtomicLong now = new AtomicLong();
        start(model(0, 10_000, Stage.APPROVED).build(), fast().ticker(now::get)
                .circuitBreaker(4, 4, 0.5, Duration.ofSeconds(30)).build());
        AtomicLong fail = new AtomicLong(1);
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "ok")
                .version("v2", x -> {
                    if (fail.get() == 1) {
                        throw new IllegalStateException();
                    }
                    return "ok";
                })
                .build());
        for (int i = 0; i < 4; i++) {
            m.route(req("k" + i), "in");
            int done = i + 1;
            await(() -> stats().calls() == done); // one at a time, so the breaker sees each
        }
        assertThat(m.route(req("x"), "in").shadow()).isEqualTo(ShadowDisposition.CIRCUIT_OPEN);
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        fail.set(0);
        assertThat(m.route(req("trial"), "in").shadow()).isEqualTo(ShadowDisposition.SCHEDULED);
        await(() -> stats().outcomes().get(ShadowOutcome.SUCCESS) == 1);
        assertThat(m.route(req("after"), "in").shadow()).isEqualTo(ShadowDisposition.SCHEDULED);
    }

    @Test
    void sampling_isStablePerEntity_andNearTheConfiguredShare() {
        start(model(0, 2_000, Stage.APPROVED).build(), fast().build());
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "a").version("v2", x -> "a").build());
        int scheduled = 0;
        for (int i = 0; i < 5_000; i++) {
            ShadowDisposition first = m.route(req("e" + i), "in").shadow();
            ShadowDisposition again = m.route(req("e" + i), "in").shadow();
            assertThat(again == ShadowDisposition.NOT_SAMPLED)
                    .isEqualTo(first == ShadowDisposition.NOT_SAMPLED);
            if (first != ShadowDisposition.NOT_SAMPLED) {
                scheduled++;
            }
        }
        // 20% of 5,000 = 1,000; five standard deviations is about 141.
        assertThat(scheduled).isBetween(859, 1141);
    }

    @Test
    void forbiddenDataDeniedTenantsIneligibleStagesAndKillSwitches_areNeverShadowed() {
        start(model(0, 10_000, Stage.APPROVED).build(), fast().build());
        AtomicLong candidateCalls = new AtomicLong();
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "a")
                .version("v2", x -> {
                    candidateCalls.incrementAndGet();
                    return "a";
                })
                .build());
        assertThat(m.route(req("k").toBuilder().dataClasses("pii", "sovereign-br").build(), "in")
                .shadow()).isEqualTo(ShadowDisposition.FORBIDDEN_DATA);
        assertThat(m.route(req("k").toBuilder().tenant("regulated_fx").build(), "in").shadow())
                .isEqualTo(ShadowDisposition.DENIED_SEGMENT);
        admin.kill(KillTarget.tenant("acme"), OPS);
        assertThat(m.route(req("k").toBuilder().tenant("acme").build(), "in").shadow())
                .isEqualTo(ShadowDisposition.KILL_SWITCH);
        admin.kill(KillTarget.version("churn", "v2"), OPS);
        assertThat(m.route(req("k"), "in").shadow()).isEqualTo(ShadowDisposition.KILL_SWITCH);
        admin.unkill(KillTarget.version("churn", "v2"), OPS);
        admin.setStage("churn", "v2", Stage.STAGING, OPS);
        assertThat(m.route(req("k"), "in").shadow()).as("Staging may be shadowed")
                .isEqualTo(ShadowDisposition.SCHEDULED);
        admin.setStage("churn", "v2", Stage.REVOKED, OPS);
        assertThat(m.route(req("k"), "in").shadow())
                .isEqualTo(ShadowDisposition.VERSION_NOT_ELIGIBLE);
        await(() -> stats().calls() == 1);
        assertThat(candidateCalls.get()).isEqualTo(1);
        assertThat(stats().dispositions().get(ShadowDisposition.FORBIDDEN_DATA)).isEqualTo(1);
        assertThat(stats().dispositions().get(ShadowDisposition.DENIED_SEGMENT)).isEqualTo(1);
        assertThat(stats().dispositions().get(ShadowDisposition.KILL_SWITCH)).isEqualTo(2);
    }

    @Test
    void fallback_offByDefault_theCanaryFailurePassesThrough() {
        start(model(10_000, 0, Stage.APPROVED).build(), fast().build());
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "stable")
                .version("v2", x -> {
                    throw new java.io.IOException("model server down");
                })
                .build());
        assertThatThrownBy(() -> m.route(req("k"), "in"))
                .isInstanceOf(ModelInvocationException.class)
                .hasCauseInstanceOf(java.io.IOException.class);
    }

    @Test
    void fallback_stableAnswersWhenTheCanaryThrowsTimesOutOrIsInvalid_andItIsCounted() {
        start(model(10_000, 0, Stage.APPROVED).build(), fast().build());
        AtomicLong mode = new AtomicLong();
        RoutedModel<Double, Double> m = router.bind(ModelBinding.<Double, Double>builder("churn")
                .version("v1", x -> 0.1)
                .version("v2", x -> {
                    if (mode.get() == 0) {
                        throw new IllegalStateException();
                    }
                    if (mode.get() == 1) {
                        new CountDownLatch(1).await(); // hangs until the timeout interrupts it
                    }
                    return mode.get() == 2 ? Double.NaN : 0.2;
                })
                .validator(OutputValidators.scoreBetween(0, 1, Double::doubleValue))
                // Long enough that an immediate answer never times out on a busy machine.
                .fallbackToStable(Duration.ofSeconds(2))
                .build());
        RouteResult<Double> err = m.route(req("k"), 1.0);
        assertThat(err.output()).isEqualTo(0.1);
        assertThat(err.servedVersion()).isEqualTo("v1");
        assertThat(err.fallbackCause()).isEqualTo(FallbackCause.ERROR);
        assertThat(err.decision().isCandidate()).as("the decision is kept as made").isTrue();
        mode.set(1);
        assertThat(m.route(req("k"), 1.0).fallbackCause()).isEqualTo(FallbackCause.TIMEOUT);
        mode.set(2);
        assertThat(m.route(req("k"), 1.0).fallbackCause())
                .isEqualTo(FallbackCause.INVALID_OUTPUT);
        mode.set(3);
        RouteResult<Double> ok = m.route(req("k"), 1.0);
        assertThat(ok.fellBack()).isFalse();
        assertThat(ok.output()).isEqualTo(0.2);
        assertThat(stats().fallbacks()).containsEntry(FallbackCause.ERROR, 1L)
                .containsEntry(FallbackCause.TIMEOUT, 1L)
                .containsEntry(FallbackCause.INVALID_OUTPUT, 1L);
    }

    @Test
    void close_finishesQueuedShadowCalls_flushesThePairs_andLeavesNoThreads() {
        List<ShadowPair> stored = new CopyOnWriteArrayList<>();
        AtomicLong closedStore = new AtomicLong();
        PairStore store = new PairStore() {
            @Override
            public boolean append(ShadowPair pair) {
                return stored.add(pair);
            }

            @Override
            public long dropped() {
                return 0;
            }

            @Override
            public void close() {
                closedStore.incrementAndGet();
            }
        };
        PairMasker masker = new PairMasker() {
            @Override
            public String maskValue(Object value) {
                return "\"masked\"";
            }

            @Override
            public String hashEntityKey(String key) {
                return "h";
            }
        };
        start(model(0, 10_000, Stage.APPROVED).build(),
                fast().threads(2).queueCapacity(100).pairStore(store, masker).build());
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "a").version("v2", x -> {
                    Thread.sleep(2);
                    return "a";
                }).build());
        for (int i = 0; i < 50; i++) {
            m.route(req("k" + i), "in");
        }
        router.close();
        assertThat(stored).hasSize(50);
        assertThat(stored.get(0).entityKeyHash()).isEqualTo("h");
        assertThat(stored.get(0).inputJson()).isEqualTo("\"masked\"");
        assertThat(closedStore.get()).isEqualTo(1);
        await(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("release-router-shadow")));
        assertThat(m.route(req("late"), "in").shadow()).isEqualTo(ShadowDisposition.CLOSED);
    }

    @Test
    void requestForAnotherModel_isRefused() {
        start(model(0, 0, Stage.APPROVED).build(), fast().build());
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "a").build());
        assertThatThrownBy(() -> m.route(RouteRequest.of("fraud", "k"), "in"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fraud");
    }

    @Test
    void unknownModel_isServedByTheFirstRegisteredVersion() {
        start(model(0, 0, Stage.APPROVED).build(), fast().build());
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("other")
                .version("v7", x -> "seven").build());
        RouteResult<String> r = m.route(RouteRequest.of("other", "k"), "in");
        assertThat(r.output()).isEqualTo("seven");
        assertThat(r.decision().reason()).isEqualTo(dev.releaserouter.api.Reason.UNKNOWN_MODEL);
    }
}

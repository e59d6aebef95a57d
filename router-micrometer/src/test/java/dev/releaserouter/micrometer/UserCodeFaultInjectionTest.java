package dev.releaserouter.micrometer;

import static dev.releaserouter.core.testing.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.OutputValidator;
import dev.releaserouter.api.shadow.PairMasker;
import dev.releaserouter.api.shadow.PairStore;
import dev.releaserouter.api.shadow.Predictor;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.api.shadow.ShadowStatistics;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.HookContext;
import dev.releaserouter.api.hook.OutcomeEvent;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.api.hook.ShadowEvent;
import dev.releaserouter.core.shadow.ShadowComparators;
import dev.releaserouter.core.shadow.ShadowSettings;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.PushSource;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fault injection at every boundary where the router calls user code, for every kind of
 * throwable, against the team's policy (core.internal.Throwables): the request answers (the stable
 * version's answer, or the primary's), the fault is counted where an operator can see it, nothing
 * escapes (not to the caller, not out of a shadow worker), and the machinery keeps working
 * afterwards. Only the fatal VM errors (here OutOfMemoryError) reach the caller, and only on the
 * request path; shadow workers contain even those.
 */
class UserCodeFaultInjectionTest {

    static final ChangeContext OPS = ChangeContext.of("ops", "fault injection");
    static final double STABLE = 0.1;
    static final double CANDIDATE = 0.2;
    static final double PRIMARY = 1.0;

    /** Where the router runs the user code that fails. */
    enum Side {
        /** On the caller's thread (or on its behalf): only fatal errors may reach the caller. */
        REQUEST,
        /** On a shadow worker: nothing escapes, even a fatal error is counted. */
        WORKER,
        /** In close(): every step runs; only fatal errors are rethrown, at the end. */
        CLOSE
    }

    /** The user-code boundaries. */
    enum Boundary {
        CANARY(Side.REQUEST), CANARY_WITH_TIMEOUT(Side.REQUEST), VALIDATOR_OF_CANARY(Side.REQUEST),
        HOOK_ON_FALLBACK(Side.REQUEST), PRIMARY(Side.REQUEST),
        VALIDATOR_OF_PRIMARY(Side.REQUEST), COPIER(Side.REQUEST),
        HOOK_BEFORE_DECISION(Side.REQUEST), HOOK_AFTER_DECISION(Side.REQUEST),
        HOOK_AFTER_CALL(Side.REQUEST), HOOK_FINALLY(Side.REQUEST),
        OBSERVATION_CONVENTION(Side.REQUEST), SHADOW_ONLY_COPIER(Side.REQUEST),
        HOOK_ON_OUTCOME(Side.REQUEST),
        SHADOW_CANDIDATE(Side.WORKER), COMPARATOR(Side.WORKER), VALIDATOR_OF_SHADOW(Side.WORKER),
        HOOK_AFTER_SHADOW(Side.WORKER), PAIR_MASKER(Side.WORKER), PAIR_STORE_APPEND(Side.WORKER),
        PAIR_STORE_CLOSE(Side.CLOSE), AUDIT_SINK_CLOSE(Side.CLOSE);

        final Side side;

        Boundary(Side side) {
            this.side = side;
        }
    }

    /** What the boundary throws. */
    enum Fault {
        RUNTIME_EXCEPTION(() -> new IllegalStateException("injected")),
        ASSERTION_ERROR(() -> new AssertionError("injected")),
        NO_CLASS_DEF_FOUND(() -> new NoClassDefFoundError("io/example/Missing")),
        STACK_OVERFLOW(StackOverflowError::new),
        OUT_OF_MEMORY(() -> new OutOfMemoryError("injected"));

        final Supplier<Throwable> make;

        Fault(Supplier<Throwable> make) {
            this.make = make;
        }

        boolean fatal() {
            return this == OUT_OF_MEMORY;
        }
    }

    static Stream<Arguments> everyBoundaryAndFault() {
        return Arrays.stream(Boundary.values()).flatMap(b -> Arrays.stream(Fault.values())
                .map(f -> Arguments.of(b, f)));
    }

    // -------------------------------------------------------------------- the faulty user code

    volatile Boundary active;
    volatile Throwable thrown;
    final List<Throwable> escapedFromWorkers = new CopyOnWriteArrayList<>();
    final AtomicBoolean auditClosed = new AtomicBoolean();
    final AtomicBoolean storeClosed = new AtomicBoolean();
    final AtomicInteger stored = new AtomicInteger();
    RouterAdmin admin;
    Router router;
    PushSource source;

    @AfterEach
    void tearDown() {
        active = null;
        if (router != null) {
            router.close();
        }
    }

    /** Throws the injected fault if this boundary is the active one. */
    void hit(Boundary b) {
        if (active == b) {
            Throwable t = thrown;
            UserCodeFaultInjectionTest.<RuntimeException>sneaky(t);
        }
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> void sneaky(Throwable t) throws T {
        throw (T) t;
    }

    static boolean onShadowWorker() {
        return Thread.currentThread().getName().startsWith("release-router-shadow-");
    }

    final PairMasker masker = new PairMasker() {
        @Override
        public String maskValue(Object value) {
            hit(Boundary.PAIR_MASKER);
            return "\"masked\"";
        }

        @Override
        public String hashEntityKey(String entityKey) {
            return "h";
        }
    };

    final PairStore store = new PairStore() {
        @Override
        public boolean append(ShadowPair pair) {
            hit(Boundary.PAIR_STORE_APPEND);
            stored.incrementAndGet();
            return true;
        }

        @Override
        public long dropped() {
            return 0;
        }

        @Override
        public void close() {
            storeClosed.set(true);
            hit(Boundary.PAIR_STORE_CLOSE);
        }
    };

    final AuditSink audit = new AuditSink() {
        @Override
        public void record(AuditEvent event) {
            if (auditFailing) {
                UserCodeFaultInjectionTest.<RuntimeException>sneaky(thrown);
            }
        }

        @Override
        public void close() {
            auditClosed.set(true);
            hit(Boundary.AUDIT_SINK_CLOSE);
        }
    };
    /** Set by the audit tests: record() throws the injected fault. */
    volatile boolean auditFailing;

    /**
     * Wraps Micrometer's observation hook (with a faulty convention) in a faulty hook of our own,
     * which also records arm metrics and shadow metrics.
     */
    RouteHook hook() {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(
                new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
        RouteHook micrometer = RouteObservations.of(registry,
                new DefaultRouteObservationConvention() {
                    @Override
                    public KeyValues getLowCardinalityKeyValues(RouteObservationContext c) {
                        hit(Boundary.OBSERVATION_CONVENTION);
                        return super.getLowCardinalityKeyValues(c);
                    }
                });
        return new RouteHook() {
            @Override
            public void beforeDecision(HookContext context) {
                hit(Boundary.HOOK_BEFORE_DECISION);
                micrometer.beforeDecision(context);
            }

            @Override
            public void afterDecision(HookContext context, RouteDecision decision) {
                hit(Boundary.HOOK_AFTER_DECISION);
                micrometer.afterDecision(context, decision);
            }

            @Override
            public void afterCall(HookContext context, CallEvent call) {
                if (call.fallback().isPresent()) {
                    hit(Boundary.HOOK_ON_FALLBACK);
                }
                hit(Boundary.HOOK_AFTER_CALL);
                micrometer.afterCall(context, call);
            }

            @Override
            public void onError(HookContext context, Throwable error) {
                micrometer.onError(context, error);
            }

            @Override
            public void finallyAfter(HookContext context) {
                try {
                    hit(Boundary.HOOK_FINALLY);
                } finally {
                    micrometer.finallyAfter(context);
                }
            }

            @Override
            public void afterShadow(ShadowEvent shadow) {
                hit(Boundary.HOOK_AFTER_SHADOW);
            }

            @Override
            public void onOutcome(OutcomeEvent outcome) {
                hit(Boundary.HOOK_ON_OUTCOME);
            }
        };
    }

    // ------------------------------------------------------------------------------ the router

    /** canary: v2 serves everyone, no shadow. shadowed: v1 serves, v2 shadowed for everyone. */
    static RouterConfig config() {
        ModelConfig canary = ModelConfig.builder("canary").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").stage(Stage.APPROVED)
                        .weightBasisPoints(10_000).build())
                .build();
        ModelConfig shadowed = ModelConfig.builder("shadowed").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").stage(Stage.APPROVED).build())
                .shadow(ShadowConfig.of("v2", 10_000, Set.of(), Segments.NONE))
                .build();
        return RouterConfig.builder().model(canary).model(shadowed).build();
    }

    RoutedModel<String, Double> canary;
    RoutedModel<String, Double> canaryWithTimeout;
    RoutedModel<String, Double> shadowed;
    ArmMeasurements measurements;

    void start() {
        measurements = ArmMeasurements.builder().build();
        AtomicInteger n = new AtomicInteger();
        ShadowSettings settings = ShadowSettings.builder()
                .threads(1) // one worker: if it died, the next shadow call would show it
                .timeout(Duration.ofSeconds(10))
                .closeTimeout(Duration.ofSeconds(10))
                .pairStore(store, masker)
                .threadFactory(r -> {
                    Thread t = new Thread(r, "release-router-shadow-" + n.incrementAndGet());
                    t.setUncaughtExceptionHandler((th, e) -> escapedFromWorkers.add(e));
                    return t;
                })
                .build();
        source = new PushSource(config());
        admin = ReleaseRouter.builder()
                .flagSource(source)
                .auditSink(audit)
                .hashSecretHex(Configs.SECRET)
                .shadow(settings)
                .hook(hook())
                .hook(measurements)
                .hook(ArmMetrics.builder(new SimpleMeterRegistry()).build())
                .hook(new ShadowMetrics(new SimpleMeterRegistry()))
                .buildWithAdmin();
        router = admin.router();
        Predictor<String, Double> canaryV2 = x -> {
            hit(Boundary.CANARY);
            hit(Boundary.CANARY_WITH_TIMEOUT);
            if (active == Boundary.HOOK_ON_FALLBACK) {
                throw new IllegalStateException("the canary fails, so the stable answers");
            }
            return CANDIDATE;
        };
        OutputValidator<Double> canaryValidator = o -> {
            hit(Boundary.VALIDATOR_OF_CANARY);
            return null;
        };
        canary = router.bind(ModelBinding.<String, Double>builder("canary")
                .version("v1", x -> STABLE).version("v2", canaryV2)
                .validator(canaryValidator).fallbackToStable(null).build());
        canaryWithTimeout = router.bind(ModelBinding.<String, Double>builder("canary")
                .version("v1", x -> STABLE).version("v2", canaryV2)
                .fallbackToStable(Duration.ofSeconds(10)).build());
        shadowed = router.bind(ModelBinding.<String, Double>builder("shadowed")
                .version("v1", x -> {
                    hit(Boundary.PRIMARY);
                    return PRIMARY;
                })
                .version("v2", x -> {
                    hit(Boundary.SHADOW_CANDIDATE);
                    return PRIMARY;
                })
                .copier(x -> {
                    hit(Boundary.COPIER);
                    hit(Boundary.SHADOW_ONLY_COPIER);
                    return x;
                })
                .comparator((a, b) -> {
                    hit(Boundary.COMPARATOR);
                    return ShadowComparators.<Double>equality().compare(a, b);
                })
                .validator(o -> {
                    hit(onShadowWorker() ? Boundary.VALIDATOR_OF_SHADOW
                            : Boundary.VALIDATOR_OF_PRIMARY);
                    return null;
                })
                .build());
    }

    ShadowStatistics stats(String model, String version) {
        return router.shadowStatistics().stream()
                .filter(s -> s.model().equals(model) && s.candidateVersion().equals(version))
                .findFirst().orElseThrow();
    }

    long outcomes(ShadowOutcome o) {
        return router.shadowStatistics().stream()
                .filter(s -> s.model().equals("shadowed") && s.candidateVersion().equals("v2"))
                .mapToLong(s -> s.outcomes().get(o)).sum();
    }

    /** Every scheduled shadow call has ended (so the counts no longer move). */
    boolean shadowCallsSettled() {
        return router.shadowStatistics().stream()
                .filter(s -> s.model().equals("shadowed") && s.candidateVersion().equals("v2"))
                .allMatch(s -> s.dispositions().get(ShadowDisposition.SCHEDULED) == s.calls());
    }

    long internalErrors() {
        return router.status().internalErrors();
    }

    static RouteRequest req(String model) {
        return RouteRequest.of(model, "entity-1");
    }

    // -------------------------------------------------------------------------------- the test

    @ParameterizedTest(name = "{0} throws {1}")
    @MethodSource("everyBoundaryAndFault")
    void faultAtAUserCodeBoundary_isContainedAndCounted_andTheRouterKeepsWorking(Boundary b,
            Fault f) {
        start();
        Throwable fault = f.make.get();
        thrown = fault;
        active = b;
        boolean rethrown = f.fatal() && b.side != Side.WORKER || b == Boundary.PRIMARY;

        if (b.side == Side.CLOSE) {
            if (f.fatal()) {
                assertThatThrownBy(router::close).isSameAs(fault);
            } else {
                assertThatCode(router::close).doesNotThrowAnyException();
            }
            assertThat(storeClosed).as("every close step ran").isTrue();
            assertThat(auditClosed).as("every close step ran").isTrue();
            assertThat(internalErrors()).isEqualTo(1);
            assertThat(escapedFromWorkers).isEmpty();
            return;
        }
        if (rethrown) {
            assertThatThrownBy(() -> act(b)).isSameAs(fault);
        } else {
            assertThat(act(b)).as("the request answers").isEqualTo(expectedAnswer(b));
            expectCounted(b);
        }
        if (b == Boundary.PRIMARY) {
            assertThat(stats("shadowed", "v2").dispositions())
                    .containsEntry(ShadowDisposition.PRIMARY_FAILED, 1L);
        }

        active = null;
        thrown = null;
        await(this::shadowCallsSettled);
        long successes = outcomes(ShadowOutcome.SUCCESS);
        assertThat(shadowed.route(req("shadowed"), "in").output()).isEqualTo(PRIMARY);
        assertThat(canary.route(req("canary"), "in").output()).isEqualTo(CANDIDATE);
        await(() -> outcomes(ShadowOutcome.SUCCESS) == successes + 1);
        assertThat(escapedFromWorkers).as("nothing escapes a shadow worker").isEmpty();
    }

    /** Runs the request (or recording) that reaches the boundary; returns its answer. */
    Object act(Boundary b) {
        switch (b) {
            case CANARY:
            case VALIDATOR_OF_CANARY:
            case HOOK_ON_FALLBACK:
                return canary.route(req("canary"), "in").output();
            case CANARY_WITH_TIMEOUT:
                return canaryWithTimeout.route(req("canary"), "in").output();
            case SHADOW_ONLY_COPIER:
                return shadowed.shadow(req("shadowed"), "in", PRIMARY, 1_000);
            case HOOK_ON_OUTCOME:
                router.recordOutcome("shadowed", "entity-1", "converted", 1.0);
                return "recorded";
            default:
                return shadowed.route(req("shadowed"), "in").output();
        }
    }

    static Object expectedAnswer(Boundary b) {
        switch (b) {
            case CANARY:
            case CANARY_WITH_TIMEOUT:
            case VALIDATOR_OF_CANARY:
            case HOOK_ON_FALLBACK:
                return STABLE;
            case SHADOW_ONLY_COPIER:
                return ShadowDisposition.SCHEDULED;
            case HOOK_ON_OUTCOME:
                return "recorded";
            default:
                return PRIMARY;
        }
    }

    /** The fault is counted where an operator sees it. */
    void expectCounted(Boundary b) {
        switch (b) {
            case CANARY:
            case CANARY_WITH_TIMEOUT:
                assertThat(stats("canary", "v2").fallbacks())
                        .containsEntry(FallbackCause.ERROR, 1L);
                break;
            case VALIDATOR_OF_CANARY:
                assertThat(stats("canary", "v2").fallbacks())
                        .containsEntry(FallbackCause.INVALID_OUTPUT, 1L);
                break;
            case HOOK_ON_FALLBACK:
                assertThat(stats("canary", "v2").fallbacks())
                        .containsEntry(FallbackCause.ERROR, 1L);
                assertThat(internalErrors()).isEqualTo(1);
                break;
            case VALIDATOR_OF_PRIMARY:
                assertThat(stats("shadowed", "v1").primaryInvalidOutputs()).isEqualTo(1);
                break;
            case COPIER:
            case SHADOW_ONLY_COPIER:
            case SHADOW_CANDIDATE:
                await(() -> outcomes(ShadowOutcome.ERROR) == 1);
                break;
            case VALIDATOR_OF_SHADOW:
                await(() -> outcomes(ShadowOutcome.INVALID_OUTPUT) == 1);
                break;
            case COMPARATOR:
            case HOOK_AFTER_SHADOW:
            case PAIR_MASKER:
            case PAIR_STORE_APPEND:
                await(() -> outcomes(ShadowOutcome.SUCCESS) == 1);
                await(() -> internalErrors() == 1);
                break;
            default: // hooks on the request thread
                assertThat(internalErrors()).isEqualTo(1);
        }
    }

    // ----------------------------------------------------- audit sinks: admin changes, reloads

    @ParameterizedTest
    @EnumSource(Fault.class)
    void auditSinkFailure_onAnAdminKill_refusesItLoudly_andTheNextKillApplies(Fault f) {
        start();
        Throwable fault = f.make.get();
        thrown = fault;
        auditFailing = true;
        KillTarget v2 = KillTarget.version("canary", "v2");

        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
                () -> admin.kill(v2, OPS));

        if (f.fatal() || f == Fault.RUNTIME_EXCEPTION) {
            assertThat(refused).isSameAs(fault);
        } else {
            assertThat(refused).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("audit sink failed").hasCause(fault);
        }
        assertThat(router.decide(req("canary")).version()).as("not applied unaudited")
                .isEqualTo("v2");
        auditFailing = false;
        admin.kill(v2, OPS);
        assertThat(router.decide(req("canary")).version()).isEqualTo("v1");
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = "OUT_OF_MEMORY", mode = EnumSource.Mode.EXCLUDE)
    void auditSinkFailure_onAReload_refusesItVisibly_andTheNextReloadApplies(Fault f) {
        start();
        thrown = f.make.get();
        auditFailing = true;
        RouterConfig killed = RouterConfig.builder()
                .model(config().model("canary").toBuilder()
                        .kills(config().model("canary").kills().withAll(true)).build())
                .model(config().model("shadowed")).build();

        assertThatCode(() -> source.push(killed)).doesNotThrowAnyException();

        assertThat(router.status().upToDate()).isFalse();
        assertThat(router.status().reloadFailures()).isEqualTo(1);
        assertThat(router.decide(req("canary")).version()).isEqualTo("v2");
        auditFailing = false;
        source.push(killed);
        assertThat(router.status().upToDate()).isTrue();
        assertThat(router.decide(req("canary")).version()).isEqualTo("v1");
    }

}

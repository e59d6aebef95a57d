package dev.releaserouter.core;

import static dev.releaserouter.core.testing.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Role;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.HookContext;
import dev.releaserouter.api.hook.OutcomeEvent;
import dev.releaserouter.api.hook.OutputValidity;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.api.hook.ShadowEvent;
import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.core.shadow.OutputValidators;
import dev.releaserouter.core.shadow.ShadowComparators;
import dev.releaserouter.core.shadow.ShadowSettings;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Route hooks: order, per-call state, events, latency by the ticker, and the error policy. */
class RouteHookTest {

    final AtomicLong nanos = new AtomicLong();
    Router router;

    @AfterEach
    void tearDown() {
        if (router != null) {
            router.close();
        }
    }

    /** churn: v1 stable, v2 approved at canaryBp; optionally v2 shadowed for everyone. */
    static ModelConfig model(int canaryBp, boolean shadow) {
        ModelConfig.Builder b = Configs.withStage(Configs.churn(canaryBp), "v2", Stage.APPROVED);
        if (shadow) {
            b.shadow(ShadowConfig.of("v2", 10_000, Set.of(), Segments.NONE));
        }
        return b.build();
    }

    Router start(ModelConfig model, ModelBinding<?, ?> binding, RouteHook... hooks) {
        ReleaseRouter.Builder b = ReleaseRouter.builder()
                .config(RouterConfig.builder().model(model).build())
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .shadow(ShadowSettings.builder().timeout(Duration.ofSeconds(10)).build())
                .ticker(nanos::get)
                .model(binding);
        for (RouteHook h : hooks) {
            b.hook(h);
        }
        router = b.build();
        return router;
    }

    /** A model version that takes {@code ms} simulated milliseconds and answers {@code out}. */
    <T> dev.releaserouter.api.shadow.Predictor<Double, T> takes(long ms, Supplier<T> out) {
        return x -> {
            nanos.addAndGet(ms * 1_000_000);
            return out.get();
        };
    }

    /** Writes what it sees to a shared log, tagged with its name. */
    static final class Recording implements RouteHook {
        final String name;
        final List<String> log;
        final List<CallEvent> calls = new CopyOnWriteArrayList<>();
        final List<ShadowEvent> shadows = new CopyOnWriteArrayList<>();
        final List<OutcomeEvent> outcomes = new CopyOnWriteArrayList<>();

        Recording(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public void beforeDecision(HookContext context) {
            context.setState(name + "-state");
            log.add(name + ".before " + context.decision().isPresent());
        }

        @Override
        public void afterDecision(HookContext context, RouteDecision decision) {
            log.add(name + ".decided " + decision.version());
        }

        @Override
        public void afterCall(HookContext context, CallEvent call) {
            calls.add(call);
            log.add(name + ".call " + call.servedVersion());
        }

        @Override
        public void onError(HookContext context, Throwable error) {
            log.add(name + ".error " + error.getMessage());
        }

        @Override
        public void finallyAfter(HookContext context) {
            log.add(name + ".finally " + context.state());
        }

        @Override
        public void afterShadow(ShadowEvent shadow) {
            shadows.add(shadow);
        }

        @Override
        public void onOutcome(OutcomeEvent outcome) {
            outcomes.add(outcome);
        }
    }

    @Test
    void route_withTwoHooks_callsEachStepInRegistrationOrder_withItsOwnState() {
        List<String> log = new CopyOnWriteArrayList<>();
        start(model(0, false), ModelBinding.<Double, String>builder("churn")
                .version("v1", x -> "a").version("v2", x -> "b").build(),
                new Recording("A", log), new Recording("B", log));

        RouteResult<String> r = router.route(RouteRequest.of("churn", "c1"), 1.0);

        assertThat(r.output()).isEqualTo("a");
        assertThat(log).containsExactly("A.before false", "B.before false",
                "A.decided v1", "B.decided v1", "A.call v1", "B.call v1",
                "A.finally A-state", "B.finally B-state");
    }

    @Test
    void route_withSimulatedTicker_reportsTheModelsOwnLatency_roleAndValidity() {
        Recording hook = new Recording("A", new CopyOnWriteArrayList<>());
        start(model(10_000, false), ModelBinding.<Double, Double>builder("churn")
                .version("v1", takes(45, () -> 0.1)).version("v2", takes(40, () -> 2.0))
                .validator(OutputValidators.scoreBetween(0, 1, Double::doubleValue)).build(),
                hook);

        router.route(RouteRequest.of("churn", "c1"), 1.0);

        CallEvent call = hook.calls.get(0);
        assertThat(call.servedVersion()).isEqualTo("v2");
        assertThat(call.role()).isEqualTo(Role.CANDIDATE);
        assertThat(call.latencyNanos()).isEqualTo(40_000_000L);
        assertThat(call.error()).isFalse();
        assertThat(call.validity()).isEqualTo(OutputValidity.INVALID);
        assertThat(call.failed()).isTrue();
        assertThat(call.fallback()).isEmpty();
    }

    @Test
    void route_canaryFailsWithFallback_reportsTheCanaryAndTheStableCall() {
        Recording hook = new Recording("A", new CopyOnWriteArrayList<>());
        start(model(10_000, false), ModelBinding.<Double, Double>builder("churn")
                .version("v1", takes(45, () -> 0.1))
                .version("v2", x -> {
                    nanos.addAndGet(7_000_000);
                    throw new IllegalStateException("v2 down");
                })
                .fallbackToStable(null).build(), hook);

        RouteResult<Double> r = router.route(RouteRequest.of("churn", "c1"), 1.0);

        assertThat(r.output()).isEqualTo(0.1);
        CallEvent call = hook.calls.get(0);
        assertThat(call.servedVersion()).isEqualTo("v1");
        assertThat(call.role()).isEqualTo(Role.STABLE);
        assertThat(call.latencyNanos()).isEqualTo(45_000_000L);
        assertThat(call.fallback()).contains(
                new CallEvent.Fallback("v2", FallbackCause.ERROR, 7_000_000L));
    }

    @Test
    void route_servedVersionThrows_reportsAFailedCall_thenOnError_thenFinally_andRethrows() {
        List<String> log = new CopyOnWriteArrayList<>();
        Recording hook = new Recording("A", log);
        start(model(0, false), ModelBinding.<Double, Double>builder("churn")
                .version("v1", x -> {
                    nanos.addAndGet(3_000_000);
                    throw new IllegalStateException("boom");
                }).version("v2", x -> 1.0).build(), hook);

        assertThatThrownBy(() -> router.route(RouteRequest.of("churn", "c1"), 1.0))
                .hasMessage("boom");

        assertThat(log).containsExactly("A.before false", "A.decided v1", "A.call v1",
                "A.error boom", "A.finally A-state");
        assertThat(hook.calls.get(0).error()).isTrue();
        assertThat(hook.calls.get(0).latencyNanos()).isEqualTo(3_000_000L);
    }

    /** A hook that throws the same error from every step. */
    static RouteHook throwing(Supplier<Throwable> error) {
        return new RouteHook() {
            private void fail() {
                Throwable t = error.get();
                if (t instanceof RuntimeException) {
                    throw (RuntimeException) t;
                }
                throw (Error) t;
            }

            @Override
            public void beforeDecision(HookContext context) {
                fail();
            }

            @Override
            public void afterDecision(HookContext context, RouteDecision decision) {
                fail();
            }

            @Override
            public void afterCall(HookContext context, CallEvent call) {
                fail();
            }

            @Override
            public void finallyAfter(HookContext context) {
                fail();
            }

            @Override
            public void onOutcome(OutcomeEvent outcome) {
                fail();
            }
        };
    }

    @Test
    void route_hookThrowsAssertionStackOverflowOrRuntime_isCounted_andTheRequestIsServed() {
        List<String> log = new CopyOnWriteArrayList<>();
        start(model(0, false), ModelBinding.<Double, String>builder("churn")
                .version("v1", x -> "a").version("v2", x -> "b").build(),
                throwing(() -> new AssertionError("bug")),
                throwing(StackOverflowError::new),
                throwing(() -> new IllegalStateException("bug")),
                new Recording("last", log));

        RouteResult<String> r = router.route(RouteRequest.of("churn", "c1"), 1.0);
        router.recordOutcome("churn", "c1", "converted", 1.0);

        assertThat(r.output()).isEqualTo("a");
        assertThat(log).containsExactly("last.before false", "last.decided v1", "last.call v1",
                "last.finally last-state");
        assertThat(router.status().internalErrors()).isEqualTo(3 * 4 + 3);
    }

    @Test
    void route_hookThrowsFatalVmError_isRethrown_afterTheOtherHooksRan() {
        List<String> log = new CopyOnWriteArrayList<>();
        start(model(0, false), ModelBinding.<Double, String>builder("churn")
                .version("v1", x -> "a").version("v2", x -> "b").build(),
                new RouteHook() {
                    @Override
                    public void afterCall(HookContext context, CallEvent call) {
                        throw new OutOfMemoryError("test");
                    }
                }, new Recording("B", log));

        assertThatThrownBy(() -> router.route(RouteRequest.of("churn", "c1"), 1.0))
                .isInstanceOf(OutOfMemoryError.class);
        assertThat(log).contains("B.call v1", "B.finally B-state");
    }

    @Test
    void recordOutcome_joinsTheEntityToItsArm_andHandsItToTheHooks() {
        Recording hook = new Recording("A", new CopyOnWriteArrayList<>());
        start(model(10_000, false), ModelBinding.<Double, String>builder("churn")
                .version("v1", x -> "a").version("v2", x -> "b").build(), hook);

        router.recordOutcome("churn", "c1", "converted", 1.0);
        router.recordLabel("churn", "c1", 0.25, 1.0);
        router.recordOutcome("fraud", "c1", "converted", 1.0); // unknown model: dropped

        assertThat(hook.outcomes).containsExactly(
                OutcomeEvent.outcome(RouteRequest.of("churn", "c1"), "v2", "converted", 1.0),
                OutcomeEvent.label(RouteRequest.of("churn", "c1"), "v2", 0.25, 1.0));
        assertThat(hook.outcomes.get(1).isLabel()).isTrue();
    }

    @Test
    void route_withShadow_handsTheComparisonToTheHooks() {
        Recording hook = new Recording("A", new CopyOnWriteArrayList<>());
        start(model(0, true), ModelBinding.<Double, Double>builder("churn")
                .version("v1", takes(45, () -> 0.25)).version("v2", x -> 0.5)
                .comparator(ShadowComparators.score(0.1, Double::doubleValue)).build(), hook);

        router.route(RouteRequest.of("churn", "c1"), 1.0);

        await(() -> hook.shadows.size() == 1);
        ShadowEvent e = hook.shadows.get(0);
        assertThat(e.stableVersion()).isEqualTo("v1");
        assertThat(e.shadowVersion()).isEqualTo("v2");
        assertThat(e.disposition()).isEqualTo(ShadowDisposition.SCHEDULED);
        assertThat(e.outcome()).contains(ShadowOutcome.SUCCESS);
        assertThat(e.stableLatencyNanos()).isEqualTo(45_000_000L);
        assertThat(e.match()).contains(false);
        assertThat(e.delta().getAsDouble()).isEqualTo(0.25);
    }
}

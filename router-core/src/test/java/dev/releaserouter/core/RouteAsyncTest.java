package dev.releaserouter.core;

import static dev.releaserouter.core.testing.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.HookContext;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.api.hook.ShadowEvent;
import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.core.shadow.ShadowSettings;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** routeAsync: never blocks the caller; fallback, shadow and hooks when the stage completes. */
class RouteAsyncTest {

    Router router;
    final List<String> log = new CopyOnWriteArrayList<>();
    final List<CallEvent> calls = new CopyOnWriteArrayList<>();
    final List<ShadowEvent> shadows = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        if (router != null) {
            router.close();
        }
    }

    final RouteHook hook = new RouteHook() {
        @Override
        public void beforeDecision(HookContext context) {
            log.add("before async=" + context.isAsync());
        }

        @Override
        public void afterCall(HookContext context, CallEvent call) {
            calls.add(call);
            log.add("call " + call.servedVersion());
        }

        @Override
        public void onError(HookContext context, Throwable error) {
            log.add("error " + error.getMessage());
        }

        @Override
        public void finallyAfter(HookContext context) {
            log.add("finally");
        }

        @Override
        public void afterShadow(ShadowEvent shadow) {
            shadows.add(shadow);
        }
    };

    static ModelConfig model(int canaryBp, boolean shadow) {
        ModelConfig.Builder b = Configs.withStage(Configs.churn(canaryBp), "v2", Stage.APPROVED);
        if (shadow) {
            b.shadow(ShadowConfig.of("v2", 10_000, Set.of(), Segments.NONE));
        }
        return b.build();
    }

    void start(ModelConfig model, ModelBinding<?, ?> binding) {
        router = ReleaseRouter.builder()
                .config(RouterConfig.builder().model(model).build())
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .shadow(ShadowSettings.builder().timeout(Duration.ofSeconds(10)).build())
                .model(binding)
                .hook(hook)
                .build();
    }

    @Test
    void routeAsync_returnsBeforeTheModelAnswers_thenCompletesWithItsOutput() throws Exception {
        CompletableFuture<Double> v1 = new CompletableFuture<>();
        start(model(0, false), ModelBinding.<String, Double>builder("churn")
                .asyncVersion("v1", x -> v1).version("v2", x -> 2.0).build());

        CompletionStage<RouteResult<Double>> stage =
                router.routeAsync(RouteRequest.of("churn", "c1"), "in");

        assertThat(stage.toCompletableFuture()).isNotDone();
        assertThat(log).containsExactly("before async=true");
        v1.complete(0.25);
        RouteResult<Double> r = stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(r.output()).isEqualTo(0.25);
        assertThat(r.servedVersion()).isEqualTo("v1");
        assertThat(log).containsExactly("before async=true", "call v1", "finally");
    }

    @Test
    void routeAsync_canaryStageFails_withFallback_completesWithStable() throws Exception {
        start(model(10_000, false), ModelBinding.<String, Double>builder("churn")
                .version("v1", x -> 0.1)
                .asyncVersion("v2", x -> CompletableFuture.failedFuture(
                        new IllegalStateException("v2 down")))
                .fallbackToStable(null).build());

        RouteResult<Double> r = router.<String, Double>routeAsync(
                RouteRequest.of("churn", "c1"), "in").toCompletableFuture().get(10,
                TimeUnit.SECONDS);

        assertThat(r.output()).isEqualTo(0.1);
        assertThat(r.fallbackCause()).isEqualTo(FallbackCause.ERROR);
        assertThat(calls.get(0).fallback().get().version()).isEqualTo("v2");
    }

    @Test
    void routeAsync_canaryNeverAnswers_primaryTimeoutFallsBackToStable() throws Exception {
        start(model(10_000, false), ModelBinding.<String, Double>builder("churn")
                .version("v1", x -> 0.1)
                .asyncVersion("v2", x -> new CompletableFuture<>())
                .fallbackToStable(Duration.ofMillis(50)).build());

        RouteResult<Double> r = router.<String, Double>routeAsync(
                RouteRequest.of("churn", "c1"), "in").toCompletableFuture().get(10,
                TimeUnit.SECONDS);

        assertThat(r.output()).isEqualTo(0.1);
        assertThat(r.fallbackCause()).isEqualTo(FallbackCause.TIMEOUT);
    }

    @Test
    void routeAsync_servedVersionFails_completesExceptionally_afterOnErrorAndFinally() {
        start(model(0, false), ModelBinding.<String, Double>builder("churn")
                .asyncVersion("v1", x -> CompletableFuture.failedFuture(
                        new IllegalStateException("boom")))
                .version("v2", x -> 2.0).build());

        CompletableFuture<RouteResult<Double>> f = router.<String, Double>routeAsync(
                RouteRequest.of("churn", "c1"), "in").toCompletableFuture();

        assertThat(f).failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(IllegalStateException.class);
        assertThat(log).containsExactly("before async=true", "call v1", "error boom",
                "finally");
        assertThat(calls.get(0).error()).isTrue();
    }

    @Test
    void routeAsync_shadowsTheCandidate_whenThePrimaryCompletes() throws Exception {
        start(model(0, true), ModelBinding.<String, Double>builder("churn")
                .asyncVersion("v1", x -> CompletableFuture.completedFuture(0.5))
                .asyncVersion("v2", x -> CompletableFuture.supplyAsync(() -> 0.5)).build());

        RouteResult<Double> r = router.<String, Double>routeAsync(
                RouteRequest.of("churn", "c1"), "in").toCompletableFuture().get(10,
                TimeUnit.SECONDS);

        assertThat(r.shadow()).isEqualTo(ShadowDisposition.SCHEDULED);
        await(() -> shadows.size() == 1);
        assertThat(shadows.get(0).outcome()).contains(ShadowOutcome.SUCCESS);
        assertThat(shadows.get(0).match()).contains(true);
    }

    @Test
    void route_withAnAsyncVersion_waitsForItsStage() {
        start(model(0, false), ModelBinding.<String, Double>builder("churn")
                .asyncVersion("v1", x -> CompletableFuture.supplyAsync(() -> 0.75))
                .version("v2", x -> 2.0).build());

        RouteResult<Double> r = router.route(RouteRequest.of("churn", "c1"), "in");

        assertThat(r.output()).isEqualTo(0.75);
    }
}

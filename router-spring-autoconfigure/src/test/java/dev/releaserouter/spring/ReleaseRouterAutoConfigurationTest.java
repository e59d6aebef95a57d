package dev.releaserouter.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.annotation.ShadowV2;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.HookContext;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.spi.MeasurementWindowStore;
import dev.releaserouter.api.spi.OverrideStore;
import dev.releaserouter.api.spi.WindowSummary;
import dev.releaserouter.core.FlagSources;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.audit.JsonlAuditSink;
import dev.releaserouter.micrometer.ArmMetrics;
import dev.releaserouter.micrometer.RouteObservations;
import dev.releaserouter.micrometer.RouterMetrics;
import dev.releaserouter.micrometer.ShadowMetrics;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutPlan;
import dev.releaserouter.rollout.RolloutStateStore;
import dev.releaserouter.rollout.RolloutStatus;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import dev.releaserouter.spring.actuate.RouterEndpoint;
import dev.releaserouter.spring.actuate.RouterEndpointProblem;
import dev.releaserouter.spring.actuate.RouterHealthIndicator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ReleaseRouterAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReleaseRouterAutoConfiguration.class));

    @Test
    void defaults_buildRouterFromClasspathFlagFile_withEndpointAndHealth() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).hasSingleBean(Router.class).hasSingleBean(FlagSource.class)
                    .hasSingleBean(RouteRequestResolver.class)
                    .hasSingleBean(ShadowV2BeanPostProcessor.class)
                    .hasSingleBean(RouterEndpoint.class)
                    .hasBean("routerHealthIndicator");
            Router router = ctx.getBean(Router.class);
            assertThat(router.config().model("churn").stableVersion()).isEqualTo("v1");
            assertThat(router.status().source()).isEqualTo("classpath:router-flags.json");
            assertThat(router.decide(RouteRequest.of("churn", "c-1")).version())
                    .isEqualTo("v1");
        });
    }

    @Test
    void modelBindingBeans_areRegistered_soRouterRouteDispatchesToThem() {
        runner.withBean("churnBinding", ModelBinding.class,
                () -> ModelBinding.<String, String>builder("churn")
                        .version("v1", x -> "v1:" + x).version("v2", x -> "v2:" + x).build())
                .run(ctx -> {
                    Router router = ctx.getBean(Router.class);
                    RouteResult<String> r = router.route(RouteRequest.of("churn", "c-1"), "x");
                    assertThat(r.output()).isEqualTo("v1:x");
                });
    }

    @Test
    void measurementsEnabled_registersArmMeasurementsOnTheRouter_soRouteFeedsThem() {
        runner.withPropertyValues("router.measurements.enabled=true",
                        "router.measurements.window=30s")
                .withBean("churnBinding", ModelBinding.class,
                        () -> ModelBinding.<String, String>builder("churn")
                                .version("v1", x -> "v1:" + x).version("v2", x -> "v2:" + x)
                                .build())
                .run(ctx -> {
                    ArmMeasurements arms = ctx.getBean(ArmMeasurements.class);
                    assertThat(arms.windowMillis()).isEqualTo(30_000);
                    Router router = ctx.getBean(Router.class);
                    router.route(RouteRequest.of("churn", "c-1"), "x");
                    assertThat(arms.snapshot("churn", Duration.ofMinutes(1)).arm("v1")
                            .requests()).isEqualTo(1);
                    assertThat(ctx.getBean(RouterAdmin.class).hook(ArmMeasurements.class))
                            .containsSame(arms);
                });
    }

    @Test
    void measurementWindowStoreBean_isTheStoreTheMeasurementsJudgeClosedWindowsFrom() {
        java.util.concurrent.atomic.AtomicInteger reads =
                new java.util.concurrent.atomic.AtomicInteger();
        MeasurementWindowStore inMemory = MeasurementWindowStore.inMemory(10);
        runner.withPropertyValues("router.measurements.enabled=true")
                .withBean(MeasurementWindowStore.class, () -> new MeasurementWindowStore() {
                    @Override
                    public void append(WindowSummary summary) {
                        inMemory.append(summary);
                    }

                    @Override
                    public java.util.List<WindowSummary> read(String model,
                            java.time.Instant from, java.time.Instant to) {
                        reads.incrementAndGet();
                        return inMemory.read(model, from, to);
                    }
                })
                .run(ctx -> {
                    ctx.getBean(ArmMeasurements.class).snapshot("churn", Duration.ofMinutes(5));
                    assertThat(reads).hasValue(1);
                });
    }

    @Test
    void measurementsByDefault_areNotCreated() {
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(ArmMeasurements.class));
    }

    @Test
    void badMeasurementsWindow_failsStartup_namingTheProperty() {
        runner.withPropertyValues("router.measurements.enabled=true",
                "router.measurements.window=0s").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    FailureAnalysis a = new RouterFailureAnalyzer()
                            .analyze(ctx.getStartupFailure());
                    assertThat(a).isNotNull();
                    assertThat(a.getAction()).contains("router.measurements.window");
                });
    }

    @Test
    void routeHookBeans_areRegisteredOnTheRouter_inBeanOrder() {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        runner.withBean("churnBinding", ModelBinding.class,
                        () -> ModelBinding.<String, String>builder("churn")
                                .version("v1", x -> "v1:" + x).build())
                .withBean("myHook", RouteHook.class, () -> new RouteHook() {
                    @Override
                    public void afterCall(HookContext context, CallEvent call) {
                        seen.add(call.servedVersion());
                    }
                })
                .run(ctx -> {
                    ctx.getBean(Router.class).route(RouteRequest.of("churn", "c-1"), "x");
                    assertThat(seen).containsExactly("v1");
                });
    }

    @Test
    void withObservationRegistry_routeObservationsAreAHookOnTheRouter() {
        runner.withBean(io.micrometer.observation.ObservationRegistry.class,
                        io.micrometer.observation.ObservationRegistry::create)
                .run(ctx -> {
                    RouteObservations o = ctx.getBean(RouteObservations.class);
                    assertThat(ctx.getBean(RouterAdmin.class).hook(RouteObservations.class))
                            .containsSame(o);
                });
    }

    @Test
    void withoutMeterRegistry_noMeterBeans() {
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(RouterMetrics.class)
                .doesNotHaveBean(ShadowMetrics.class).doesNotHaveBean(ArmMetrics.class));
    }

    @Test
    void withMeterRegistry_bindsRouterShadowAndArmMetrics_withTenantAllowList() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("router.metrics.allowed-tenants=acme,globex")
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(RouterMetrics.class)
                            .hasSingleBean(ShadowMetrics.class);
                    assertThat(ctx.getBean(ArmMetrics.class).allowedTenants())
                            .containsExactlyInAnyOrder("acme", "globex");
                });
    }

    @Test
    void disabled_configuresNothing() {
        runner.withPropertyValues("router.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(Router.class)
                        .doesNotHaveBean(RouterEndpoint.class));
    }

    @Test
    void userRouter_winsOverAutoConfiguredOne() {
        runner.withUserConfiguration(UserRouter.class).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(Router.class);
            assertThat(ctx.getBean(Router.class).status().source())
                    .isEqualTo("classpath:custom-flags.json");
            assertThat(ctx).as("no second router is built for an admin")
                    .doesNotHaveBean(RouterAdmin.class)
                    .as("the endpoint changes routing: it needs a RouterAdmin")
                    .doesNotHaveBean(RouterEndpoint.class);
        });
    }

    @Test
    void defaults_routerAndRouterAdminBeans_areOneRouter_andTheRouterIsNotTheAdmin() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(RouterAdmin.class)
                    .hasSingleBean(Router.class);
            Router router = ctx.getBean(Router.class);
            RouterAdmin admin = ctx.getBean(RouterAdmin.class);
            assertThat(admin.router()).isSameAs(router);
            assertThat(router).isNotInstanceOf(RouterAdmin.class);
            ctx.getBean(RouterEndpoint.class).change("churn", "kill", "ana", "error spike",
                    null, null, "INC-1");
            assertThat(router.decide(RouteRequest.of("churn", "c-1")).reason())
                    .as("the endpoint's change, through the admin").isEqualTo(Reason.KILL_SWITCH);
        });
    }

    @Test
    void overrideStoreBean_keepsTheAdminsChanges_soRoutersSharingItSeeThem() {
        OverrideStore shared = OverrideStore.inMemory();
        runner.withBean(OverrideStore.class, () -> shared).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            ctx.getBean(RouterAdmin.class).kill(KillTarget.version("churn", "v2"),
                    ChangeContext.of("ana", "error spike"));
            assertThat(shared.load().revision()).as("the kill went through the store")
                    .isPositive();
            assertThat(shared.load().content()).contains("v2");
        });
    }

    @Test
    void userRouterAdmin_winsOverAutoConfiguredOne_andItsRouterIsTheRouterBean() {
        runner.withUserConfiguration(UserRouterAdmin.class).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(RouterAdmin.class)
                    .hasSingleBean(Router.class).hasSingleBean(RouterEndpoint.class);
            assertThat(ctx.getBean(Router.class))
                    .isSameAs(ctx.getBean(RouterAdmin.class).router());
            assertThat(ctx.getBean(Router.class).status().source())
                    .isEqualTo("classpath:custom-flags.json");
        });
    }

    @Test
    void customizers_areCalled_andWinOverProperties() {
        AtomicInteger calls = new AtomicInteger();
        runner.withBean(ReleaseRouterBuilderCustomizer.class,
                        () -> b -> {
                            calls.incrementAndGet();
                            b.flagSource(FlagSources.classpath("custom-flags.json"));
                        })
                .withBean(ShadowSettingsCustomizer.class, () -> b -> calls.incrementAndGet())
                .run(ctx -> {
                    assertThat(calls).hasValue(2);
                    assertThat(ctx.getBean(Router.class).status().source())
                            .isEqualTo("classpath:custom-flags.json");
                });
    }

    @Test
    void badFlagFile_failsStartup_andAnalyzerNamesFilePointerAndValue() {
        runner.withPropertyValues("router.flags.location=classpath:bad-flags.json").run(ctx -> {
            assertThat(ctx).hasFailed();
            FailureAnalysis a = new RouterFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(a).isNotNull();
            assertThat(a.getDescription()).contains("bad-flags.json")
                    .contains("/models/churn/versions/v2/weight").contains("120");
            assertThat(a.getAction()).contains("router.flags.location");
        });
    }

    @Test
    void badProperty_failsStartup_andAnalyzerNamesProperty() {
        runner.withPropertyValues("router.shadow.threads=0").run(ctx -> {
            assertThat(ctx).hasFailed();
            FailureAnalysis a = new RouterFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(a).isNotNull();
            assertThat(a.getDescription()).contains(
                    "router.shadow.threads: threads must be between 1 and 1024, but was 0");
            assertThat(a.getAction()).contains("router.shadow.threads");
        });
    }

    @Test
    void badHashSecret_isNamedWithoutShowingIt() {
        runner.withPropertyValues("router.hash-secret=zz-not-hex").run(ctx -> {
            assertThat(ctx).hasFailed();
            FailureAnalysis a = new RouterFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(a.getDescription()).contains("router.hash-secret")
                    .doesNotContain("zz-not-hex");
        });
    }

    @Test
    void endpointKill_goesThroughAdmin_andIsAudited(@TempDir Path dir) {
        Path audit = dir.resolve("audit.jsonl");
        runner.withPropertyValues("router.audit.file=" + audit).run(ctx -> {
            RouterEndpoint endpoint = ctx.getBean(RouterEndpoint.class);
            Map<String, Object> view = endpoint.change("churn", "kill", "ana", "bad scores",
                    null, null, "INC-1");
            assertThat(view.get("kills").toString()).contains("all=true");
            assertThat(ctx.getBean(Router.class).decide(RouteRequest.of("churn", "c-1"))
                    .version()).isEqualTo("v1");
            endpoint.change("churn", "weight", "ana", "canary", "v2", 5.0, null);
            assertThat(endpoint.model("churn").get("versions").toString())
                    .contains("v2={stage=staging, weightPercent=5, effectiveSharePercent=0}");
            assertThat(JsonlAuditSink.read(audit)).hasSize(3) // config.load, kill, weight
                    .extracting(Object::toString)
                    .anySatisfy(e -> assertThat(e).contains("ana kill.on model:churn"))
                    .anySatisfy(e -> assertThat(e).contains("ana weight.set churn/v2 0 -> 5"));
        });
    }

    @Test
    void health_isDownWhenTheWatchedFlagFileIsRejected(@TempDir Path dir) throws Exception {
        Path flags = dir.resolve("flags.json");
        Files.copy(Path.of("src/test/resources/router-flags.json"), flags);
        runner.withPropertyValues("router.flags.path=" + flags,
                "router.flags.poll-interval=50ms").run(ctx -> {
                    RouterHealthIndicator health = ctx.getBean(RouterHealthIndicator.class);
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                    Path tmp = dir.resolve("next.json");
                    Files.copy(Path.of("src/test/resources/bad-flags.json"), tmp);
                    Files.move(tmp, flags, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (health.health().getStatus() == Status.UP
                            && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.health().getDetails().get("flagFileRejected").toString())
                            .contains("/models/churn/versions/v2/weight");
                });
    }

    @Test
    void shadowV2_onVoidMethod_isRefusedAtStartup() {
        runner.withUserConfiguration(VoidShadow.class).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining(
                    "@ShadowV2 on VoidScorer.score(String)").hasMessageContaining("void");
        });
    }

    @Test
    void shadowV2_withMissingCandidate_isRefusedAtStartup() {
        runner.withBean("scorer", MissingCandidate.class).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause()
                    .hasMessageContaining("candidate bean 'nope' does not exist");
        });
    }

    @Test
    void shadowV2_withMissingComparator_isRefusedAtStartup() {
        runner.withBean("scorer", MissingComparator.class)
                .withBean("scorerV2", MissingComparator.class).run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause()
                            .hasMessageContaining("comparator bean 'nope' does not exist");
                });
    }

    @Test
    void rolloutController_isShownByTheEndpoint_pausedResumedAborted_andHealthReportsIt() {
        runner.withUserConfiguration(Rollout.class).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            RouterEndpoint endpoint = ctx.getBean(RouterEndpoint.class);
            RouterHealthIndicator health = ctx.getBean(RouterHealthIndicator.class);
            assertThat(endpoint.model("churn").get("rollout").toString())
                    .contains("status=running").contains("trafficPercent=5");
            endpoint.change("churn", "pause", "ana", "investigating", null, null, null);
            assertThat(ctx.getBean(RolloutController.class).status())
                    .isEqualTo(RolloutStatus.PAUSED);
            endpoint.change("churn", "resume", "ana", "all clear", null, null, null);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            endpoint.change("churn", "abort", "ana", "bad uplift", null, null, null);
            assertThat(endpoint.model("churn").get("rollout").toString())
                    .contains("status=aborted").contains("lastDecisions");
            assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(health.health().getDetails().get("rollouts").toString())
                    .contains("churn=aborted");
        });
    }

    @Test
    void endpoint_refusesUnknownActionsAndMissingRollouts() {
        runner.run(ctx -> {
            RouterEndpoint endpoint = ctx.getBean(RouterEndpoint.class);
            assertThatThrownBy(() -> endpoint.change("churn", "explode", "ana", "why", null,
                    null, null)).isInstanceOf(RouterEndpointProblem.class)
                    .hasMessageContaining("action must be one of");
            assertThatThrownBy(() -> endpoint.change("churn", "pause", "ana", "why", null,
                    null, null)).hasMessageContaining("no rollout controller runs model");
            assertThatThrownBy(() -> endpoint.change("churn", "kill", "ana", " ", null,
                    null, null)).hasMessageContaining("reason is required");
            assertThat(endpoint.model("nope")).isNull();
        });
    }

    @Test
    void shadowV2_onFutureMethod_isRefusedAtStartup() {
        runner.withBean("scorer", FutureScorer.class).withBean("scorerV2", FutureScorer.class)
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause()
                            .hasMessageContaining("java.util.concurrent.Future is not supported");
                });
    }

    @Test
    void shadowV2_withMissingCopier_isRefusedAtStartup() {
        runner.withBean("scorer", MissingCopier.class)
                .withBean("scorerV2", MissingCopier.class).run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause()
                            .hasMessageContaining("copier bean 'nope' does not exist");
                });
    }

    @Test
    void shadowV2_withACopierBeanThatIsNotAnInputCopier_isRefusedAtStartup() {
        runner.withBean("scorer", NotACopier.class).withBean("scorerV2", NotACopier.class)
                .withBean("notACopier", StringBuilder.class, StringBuilder::new).run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause()
                            .hasMessageContaining("copier bean 'notACopier'")
                            .hasMessageContaining("is not an InputCopier");
                });
    }

    @Test
    void shadowV2_servingFromAFutureSubtypeTheRouterCannotReturn_isRefusedAtStartup() {
        runner.withBean("scorer", LaterScorer.class).withBean("scorerV2", LaterScorer.class)
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause()
                            .hasMessageContaining("serve = true needs the method to return"
                                    + " CompletionStage or CompletableFuture");
                });
    }

    static class MissingCopier {
        @ShadowV2(model = "churn", candidate = "scorerV2", copier = "nope")
        public double score(String id) {
            return 0.5;
        }
    }

    static class NotACopier {
        @ShadowV2(model = "churn", candidate = "scorerV2", copier = "notACopier")
        public double score(String id) {
            return 0.5;
        }
    }

    /** A future type of the application's own: the router answers a CompletableFuture. */
    static class Later<T> extends CompletableFuture<T> {
    }

    static class LaterScorer {
        @ShadowV2(model = "churn", candidate = "scorerV2", serve = true)
        public Later<Double> score(String id) {
            return new Later<>();
        }
    }

    static class FutureScorer {
        @ShadowV2(model = "churn", candidate = "scorerV2")
        public Future<Double> score(String id) {
            return CompletableFuture.completedFuture(0.5);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Rollout {
        static final String POLICY = "{\"name\": \"spring-test\","
                + " \"aliases\": {\"v1\": \"stable\", \"v2\": \"candidate\"},"
                + " \"criteria\": [{\"name\": \"errors\","
                + " \"fail_when\": \"v2.error_rate > 0.05\", \"severity\": \"CRITICAL\"}]}";

        @Bean
        RolloutController churnRollout(RouterAdmin admin) {
            RolloutPlan plan = RolloutPlan.builder().model("churn").stableVersion("v1")
                    .candidateVersion("v2").stages(500, 2500, 10_000)
                    .checkpointDuration(Duration.ofMinutes(30)).minSamples(20)
                    .policy(Policy.parse(POLICY.getBytes(StandardCharsets.UTF_8), "test"))
                    .build();
            return RolloutController.start(admin, ArmMeasurements.builder().build(), plan,
                    RolloutStateStore.inMemory(), Clock.systemUTC(), "rollout-bot");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserRouter {
        @Bean
        Router myRouter() {
            return ReleaseRouter.builder()
                    .flagSource(FlagSources.classpath("custom-flags.json")).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserRouterAdmin {
        @Bean
        RouterAdmin myRouterAdmin() {
            return ReleaseRouter.builder()
                    .flagSource(FlagSources.classpath("custom-flags.json")).buildWithAdmin();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class VoidShadow {
        @Bean
        VoidScorer scorer() {
            return new VoidScorer();
        }

        @Bean
        VoidScorer scorerV2() {
            return new VoidScorer();
        }
    }

    static class VoidScorer {
        @ShadowV2(model = "churn", candidate = "scorerV2")
        public void score(String id) {
        }
    }

    static class MissingCandidate {
        @ShadowV2(model = "churn", candidate = "nope")
        public double score(String id) {
            return 0.5;
        }
    }

    static class MissingComparator {
        @ShadowV2(model = "churn", candidate = "scorerV2", comparator = "nope")
        public double score(String id) {
            return 0.5;
        }
    }
}

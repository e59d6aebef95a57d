package dev.releaserouter.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.rollout.ChangeGuard;
import dev.releaserouter.rollout.FaultyClock;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutStateStore;
import dev.releaserouter.rollout.RolloutStatus;
import dev.releaserouter.rollout.gates.ExternalMetricSource;
import dev.releaserouter.rollout.gates.TestSources;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import dev.releaserouter.spring.actuate.RouterEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Rollouts from {@code router.rollouts.<name>.*} (seed 003 flow, seed 000 §3.1): built into
 * plans, started, ticked by Spring on its own scheduler, stopped on close, failures shown in
 * health and the endpoint, and bad properties refused at startup naming the property.
 */
class RouterRolloutsTest {

    private static final String[] CHURN = {
        "router.flags.location=rollout-flags.json",
        "router.rollouts.churn.model=churn",
        "router.rollouts.churn.candidate-version=v2",
        "router.rollouts.churn.stages=5,50,100",
        "router.rollouts.churn.checkpoint-duration=1m",
        "router.rollouts.churn.min-samples=1",
        "router.rollouts.churn.policy=classpath:gates/spring-rollout.json",
        "router.rollouts.churn.tick-interval=10ms"};

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReleaseRouterAutoConfiguration.class))
            .withUserConfiguration(TestClock.class);

    @Test
    void rolloutProperties_startTheControllerAtItsFirstStage_withThePlanTheySay() {
        runner.withPropertyValues(CHURN).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            RouterRollouts rollouts = ctx.getBean(RouterRollouts.class);
            RolloutController c = rollouts.controller("churn").orElseThrow();
            assertThat(c.plan().model()).isEqualTo("churn");
            assertThat(c.plan().stableVersion()).as("the flag file's stable version")
                    .isEqualTo("v1");
            assertThat(c.plan().candidateVersion()).isEqualTo("v2");
            assertThat(c.plan().stages()).containsExactly(500, 5000, 10_000);
            assertThat(c.plan().checkpointDuration()).isEqualTo(Duration.ofMinutes(1));
            assertThat(c.plan().minSamples()).isEqualTo(1);
            assertThat(c.plan().policy().name()).isEqualTo("spring-rollout-test");
            assertThat(c.status()).isEqualTo(RolloutStatus.RUNNING);
            assertThat(ctx.getBean(Router.class).config().model("churn").version("v2")
                    .weightBasisPoints()).isEqualTo(500);
            assertThat(rollouts.isRunning()).isTrue();
        });
    }

    @Test
    void springTicksTheRollout_soAPassedCheckpointAdvancesToTheNextStage() {
        runner.withPropertyValues(CHURN).withUserConfiguration(Churn.class).run(ctx -> {
            MutableClock clock = ctx.getBean(MutableClock.class);
            RolloutController c = ctx.getBean(RouterRollouts.class).controller("churn")
                    .orElseThrow();
            Router router = ctx.getBean(Router.class);
            clock.advance(Duration.ofSeconds(30));
            routeBothArms(router);
            clock.advance(Duration.ofSeconds(35)); // past the 1-minute checkpoint
            // Nobody calls tick() here: the auto-configured scheduler does.
            try {
                Polling.await(() -> c.currentBasisPoints() == 5000);
            } catch (AssertionError e) {
                throw new AssertionError("decisions: " + c.decisions(), e);
            }
            assertThat(c.state().stageIndex()).isEqualTo(1);
            assertThat(router.config().model("churn").version("v2").weightBasisPoints())
                    .isEqualTo(5000);
        });
    }

    @Test
    void changeGuardBean_holdsAPassedCheckpointInsideAFreeze() {
        runner.withPropertyValues(CHURN).withUserConfiguration(Churn.class)
                .withBean(ChangeGuard.class, () -> t -> Optional.of("year-end freeze"))
                .run(ctx -> {
                    MutableClock clock = ctx.getBean(MutableClock.class);
                    RolloutController c = ctx.getBean(RouterRollouts.class)
                            .controller("churn").orElseThrow();
                    clock.advance(Duration.ofSeconds(30));
                    routeBothArms(ctx.getBean(Router.class));
                    clock.advance(Duration.ofSeconds(35));
                    Polling.await(() -> c.decisions().size() > 1); // START, then the checkpoint
                    assertThat(c.currentBasisPoints()).isEqualTo(500);
                    assertThat(c.decisions().get(1).reasons().toString())
                            .contains("year-end freeze");
                });
    }

    @Test
    void externalMetricSourceBeans_areRegisteredOnThePlansWhosePolicyReadsThem() {
        ExternalMetricSource fleet = source("fleet-metrics");
        ExternalMetricSource other = source("other");
        runner.withPropertyValues(CHURN).withPropertyValues(
                        "router.rollouts.churn.policy=classpath:gates/spring-rollout-external.json")
                .withBean("fleetSource", ExternalMetricSource.class, () -> fleet)
                .withBean("otherSource", ExternalMetricSource.class, () -> other)
                .run(ctx -> assertThat(ctx.getBean(RouterRollouts.class).controller("churn")
                        .orElseThrow().plan().metricSources()).containsExactly(fleet));
    }

    @Test
    void policyReadingASourceWithoutItsBean_failsStartup() {
        assertRefused("router.rollouts.churn.policy=classpath:gates/spring-rollout-external.json",
                "router.rollouts.churn.policy", "no metric source named 'fleet-metrics'");
    }

    /** A source that fails when read: its metrics are unavailable (NOT_ENOUGH_DATA). */
    private static ExternalMetricSource source(String name) {
        return TestSources.failing(name, new UnsupportedOperationException("reads nothing"));
    }

    @Test
    void contextClose_stopsTheTicks_andShutsTheSchedulerDown() {
        AtomicReference<RouterRollouts> rollouts = new AtomicReference<>();
        AtomicReference<ScheduledExecutorService> executor = new AtomicReference<>();
        runner.withPropertyValues(CHURN).run(ctx -> {
            rollouts.set(ctx.getBean(RouterRollouts.class));
            executor.set(rollouts.get().executor());
            assertThat(executor.get()).isNotNull();
            assertThat(executor.get().isShutdown()).isFalse();
        });
        assertThat(rollouts.get().isRunning()).isFalse();
        assertThat(executor.get().isTerminated()).isTrue();
    }

    @Test
    void contextStopAndStart_stopsAndResumesTheTicks() {
        runner.withPropertyValues(CHURN).run(ctx -> {
            RouterRollouts rollouts = ctx.getBean(RouterRollouts.class);
            ScheduledExecutorService first = rollouts.executor();
            ctx.getSourceApplicationContext().stop();
            assertThat(rollouts.isRunning()).isFalse();
            assertThat(first.isTerminated()).isTrue();
            ctx.getSourceApplicationContext().start();
            assertThat(rollouts.isRunning()).isTrue();
            assertThat(rollouts.executor()).isNotNull().isNotSameAs(first);
        });
    }

    @Test
    void failingTicks_showInTheHealthIndicatorAndTheEndpoint_untilATickSucceeds() {
        runner.withPropertyValues(CHURN)
                .withPropertyValues("router.rollouts.churn.max-failed-ticks=1000")
                .run(ctx -> {
                    RolloutController c = ctx.getBean(RouterRollouts.class)
                            .controller("churn").orElseThrow();
                    FaultyClock clock = ctx.getBean(FaultyClock.class);
                    clock.failWith(() -> new IllegalStateException("the test clock fails"));
                    Polling.await(() -> c.tickFailures() > 0);
                    Map<String, Object> failure = tickFailure(ctx, "churn");
                    assertThat((long) failure.get("total")).isPositive();
                    assertThat((int) failure.get("consecutive")).isPositive();
                    assertThat(failure.get("maxFailedTicks")).isEqualTo(1000);
                    assertThat(String.valueOf(failure.get("lastError")))
                            .contains("the test clock fails");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> rollout = (Map<String, Object>) ctx.getBean(
                            RouterEndpoint.class).model("churn").get("rollout");
                    assertThat((long) rollout.get("tickFailures")).isPositive();
                    assertThat(String.valueOf(rollout.get("lastTickError")))
                            .contains("the test clock fails");

                    clock.heal(); // the next tick succeeds: no failure in a row any more
                    Polling.await(() -> c.consecutiveTickFailures() == 0);
                    assertThat(tickFailure(ctx, "churn").get("consecutive")).isEqualTo(0);
                    assertThat(health(ctx).getStatus()).isEqualTo(Status.UP);
                });
    }

    private static Health health(
            org.springframework.boot.test.context.assertj.AssertableApplicationContext ctx) {
        return ((HealthIndicator) ctx.getBean("routerHealthIndicator")).health();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tickFailure(
            org.springframework.boot.test.context.assertj.AssertableApplicationContext ctx,
            String model) {
        Map<String, Map<String, Object>> failures = (Map<String, Map<String, Object>>)
                health(ctx).getDetails().get("rolloutTickFailures");
        assertThat(failures).as("rolloutTickFailures").containsKey(model);
        return failures.get(model);
    }

    @Test
    void endpoint_pausesAndResumesAPropertyRollout() {
        runner.withPropertyValues(CHURN).run(ctx -> {
            RolloutController c = ctx.getBean(RouterRollouts.class).controller("churn")
                    .orElseThrow();
            RouterEndpoint endpoint = ctx.getBean(RouterEndpoint.class);
            endpoint.change("churn", "pause", "ana", "investigating", null, null, "INC-1");
            assertThat(c.status()).isEqualTo(RolloutStatus.PAUSED);
            endpoint.change("churn", "resume", "ana", "fine", null, null, null);
            assertThat(c.status()).isEqualTo(RolloutStatus.RUNNING);
        });
    }

    @Test
    void withoutTickFailures_theHealthHasNoTickFailureDetail() {
        runner.withPropertyValues(CHURN).run(ctx -> {
            Health health = ((HealthIndicator) ctx.getBean("routerHealthIndicator")).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).doesNotContainKey("rolloutTickFailures")
                    .containsEntry("rollouts", Map.of("churn", "running"));
        });
    }

    @Test
    void rolloutMetrics_areBoundForPropertyRollouts() {
        runner.withPropertyValues(CHURN)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(ctx -> {
                    MeterRegistry registry = ctx.getBean(MeterRegistry.class);
                    ctx.getBean("routerRolloutMeterBinder",
                            io.micrometer.core.instrument.binder.MeterBinder.class)
                            .bindTo(registry);
                    assertThat(registry.find("router.rollout.stage").tag("model", "churn")
                            .gauge()).isNotNull();
                });
    }

    @Test
    void stateDirectory_keepsTheRolloutAcrossARestart(@TempDir Path dir) throws Exception {
        String state = "router.rollouts.churn.state-directory=" + dir;
        runner.withPropertyValues(CHURN).withPropertyValues(state).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(RouterRollouts.class).controller("churn").orElseThrow()
                    .restored()).isFalse();
        });
        try (var files = Files.list(dir)) {
            assertThat(files).isNotEmpty();
        }
        runner.withPropertyValues(CHURN).withPropertyValues(state).run(ctx -> {
            assertThat(ctx.getBean(RouterRollouts.class).controller("churn").orElseThrow()
                    .restored()).as("resumed from " + dir).isTrue();
        });
    }

    @Test
    void rolloutStateStoreBean_isUsedWithoutAStateDirectory() {
        RolloutStateStore store = RolloutStateStore.inMemory();
        runner.withPropertyValues(CHURN).withBean(RolloutStateStore.class, () -> store)
                .run(ctx -> assertThat(store.load("churn")).isPresent());
    }

    @Test
    void disabledRollout_isNotStarted() {
        runner.withPropertyValues(CHURN).withPropertyValues("router.rollouts.churn.enabled=false")
                .run(ctx -> {
                    assertThat(ctx.getBean(RouterRollouts.class).controllers()).isEmpty();
                    assertThat(ctx.getBean(Router.class).config().model("churn").version("v2")
                            .weightBasisPoints()).isZero();
                });
    }

    @Test
    void noRolloutProperties_noControllerAndNoThread() {
        runner.run(ctx -> {
            RouterRollouts rollouts = ctx.getBean(RouterRollouts.class);
            assertThat(rollouts.controllers()).isEmpty();
            assertThat(rollouts.executor()).isNull();
        });
    }

    @Test
    void twoRollouts_ofTwoModels_runSideBySide() {
        runner.withPropertyValues(CHURN).withPropertyValues(
                "router.rollouts.fraud.model=fraud",
                "router.rollouts.fraud.candidate-version=f2",
                "router.rollouts.fraud.stages=10,100",
                "router.rollouts.fraud.policy=classpath:gates/spring-rollout.json")
                .run(ctx -> {
                    assertThat(ctx.getBean(RouterRollouts.class).controllers())
                            .containsOnlyKeys("churn", "fraud");
                    assertThat(ctx.getBean(Router.class).config().model("fraud").version("f2")
                            .weightBasisPoints()).isEqualTo(1000);
                });
    }

    @Test
    void planFile_onTheClasspath_isTheRolloutsPlan_withItsShadowPhase() {
        runner.withPropertyValues("router.flags.location=rollout-flags.json",
                        "router.rollouts.churn.plan-file=classpath:plans/churn-plan.json",
                        "router.rollouts.churn.tick-interval=10ms")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    RolloutController c = ctx.getBean(RouterRollouts.class).controller("churn")
                            .orElseThrow();
                    assertThat(c.plan().stages()).containsExactly(500, 2500, 5000, 10_000);
                    assertThat(c.plan().shadowPhase()).isPresent();
                    assertThat(c.plan().shadowPhase().orElseThrow().minDuration())
                            .isEqualTo(Duration.ofHours(24));
                    assertThat(c.plan().promoteOnCompletion()).isTrue();
                    assertThat(ctx.getBean(RouterRollouts.class).isRunning()).isTrue();
                });
    }

    @Test
    void planFileWithABadValue_failsStartup_namingThePropertyAndThePointer() {
        runner.withPropertyValues("router.flags.location=rollout-flags.json",
                        "router.rollouts.churn.plan-file=classpath:plans/churn-plan-bad.json")
                .run(ctx -> {
                    RouterPropertyException e = refusal(ctx);
                    assertThat(e.property()).isEqualTo("router.rollouts.churn.plan-file");
                    assertThat(e).hasMessageContaining("/ml/gradual_rollout/stages/0");
                });
    }

    @Test
    void planFileTogetherWithAPropertyItReplaces_failsStartup() {
        runner.withPropertyValues("router.flags.location=rollout-flags.json",
                        "router.rollouts.churn.plan-file=classpath:plans/churn-plan.json",
                        "router.rollouts.churn.stages=5,100")
                .run(ctx -> {
                    RouterPropertyException e = refusal(ctx);
                    assertThat(e.property()).isEqualTo("router.rollouts.churn.stages");
                    assertThat(e).hasMessageContaining("cannot be set together with"
                            + " router.rollouts.churn.plan-file");
                });
    }

    // --- refused properties: each names the property ---

    @Test
    void unknownRolloutKey_failsStartup_namingItAndItsNearMatch() {
        assertRefused("router.rollouts.churn.min-sample=5", "router.rollouts.churn.min-sample",
                "did you mean 'min-samples'?");
    }

    @Test
    void unknownPropertiesFail_acceptsTheRolloutKeys() {
        runner.withPropertyValues(CHURN).withPropertyValues("router.unknown-properties=fail")
                .run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @Test
    void relaxedKeyForms_areRolloutProperties() {
        runner.withPropertyValues(CHURN).withPropertyValues("router.rollouts.churn.dryRun=true",
                "router.rollouts.churn.max_failed_ticks=5").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    RolloutController c = ctx.getBean(RouterRollouts.class).controller("churn")
                            .orElseThrow();
                    assertThat(c.plan().dryRun()).isTrue();
                    assertThat(c.plan().maxFailedTicks()).isEqualTo(5);
                });
    }

    @Test
    void rolloutKeyWithoutAName_failsStartup_namingIt() {
        runner.withPropertyValues(CHURN).withPropertyValues("router.rollouts.model=churn")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).hasStackTraceContaining(
                            "router.rollouts.model");
                });
    }

    @Test
    void seed003Properties_asDocsSpringMdWritesThem_buildSeed003sPlan() {
        runner.withPropertyValues(CHURN).withPropertyValues(
                "router.rollouts.churn.stages=25,50,75,100",
                "router.rollouts.churn.checkpoint-duration=30m",
                "router.rollouts.churn.min-samples=10",
                "router.rollouts.churn.policy=file:../docs/examples/policies/"
                        + "seed-003-gradual-rollout.json")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    RolloutController c = ctx.getBean(RouterRollouts.class)
                            .controller("churn").orElseThrow();
                    assertThat(c.plan().stages()).containsExactly(2500, 5000, 7500, 10_000);
                    assertThat(c.plan().checkpointDuration()).isEqualTo(Duration.ofMinutes(30));
                    assertThat(c.plan().minSamples()).isEqualTo(10);
                    assertThat(c.plan().policy().name())
                            .isEqualTo("ml.gradual_rollout.checkpoint");
                });
    }

    @Test
    void rolloutsWithoutARouterAdmin_failStartup() {
        runner.withPropertyValues(CHURN)
                .withBean(Router.class, () -> dev.releaserouter.core.ReleaseRouter.builder()
                        .flagSource(dev.releaserouter.core.FlagSources.classpath(
                                "rollout-flags.json")).build())
                .run(ctx -> assertThat(refusal(ctx)).hasMessageContaining(
                        "needs the RouterAdmin bean"));
    }

    @Test
    void missingModel_failsStartup_namingTheProperty() {
        runner.withPropertyValues("router.flags.location=rollout-flags.json",
                "router.rollouts.churn.candidate-version=v2", "router.rollouts.churn.stages=5",
                "router.rollouts.churn.policy=classpath:gates/spring-rollout.json")
                .run(ctx -> assertThat(refusal(ctx)).hasMessageStartingWith(
                        "router.rollouts.churn.model: is required"));
    }

    @Test
    void modelNotInTheFlagFile_failsStartup_withTheNearMatch() {
        assertRefused("router.rollouts.churn.model=chrn", "router.rollouts.churn.model",
                "did you mean 'churn'?");
    }

    @Test
    void candidateNotAVersionOfTheModel_failsStartup() {
        assertRefused("router.rollouts.churn.candidate-version=v9",
                "router.rollouts.churn.candidate-version", "versions: [v1, v2, v3]");
    }

    @Test
    void decreasingStages_failStartup_namingTheStages() {
        assertRefused("router.rollouts.churn.stages=50,25", "router.rollouts.churn.stages",
                "strictly increasing");
    }

    @Test
    void stageAbove100OrWithThreeDecimals_failsStartup() {
        assertRefused("router.rollouts.churn.stages=5,120", "router.rollouts.churn.stages",
                "stage 2 (120)");
        assertRefused("router.rollouts.churn.stages=0.125", "router.rollouts.churn.stages",
                "at most two decimals");
    }

    @Test
    void nonPositiveCheckpoint_failsStartup() {
        assertRefused("router.rollouts.churn.checkpoint-duration=0s",
                "router.rollouts.churn.checkpoint-duration", "must be positive");
    }

    @Test
    void nonPositiveTickInterval_failsStartup() {
        assertRefused("router.rollouts.churn.tick-interval=0s",
                "router.rollouts.churn.tick-interval", "positive");
    }

    @Test
    void maxFailedTicksOutOfRange_failsStartup() {
        assertRefused("router.rollouts.churn.max-failed-ticks=0",
                "router.rollouts.churn.max-failed-ticks", "between 1 and 1000");
    }

    @Test
    void missingPolicyFile_failsStartup_namingTheProperty() {
        assertRefused("router.rollouts.churn.policy=classpath:gates/nope.json",
                "router.rollouts.churn.policy", "does not exist");
    }

    @Test
    void policyReadingAMetricTheMeasurementsLack_failsStartup() {
        assertRefused("router.rollouts.churn.policy=classpath:gates/"
                + "spring-rollout-unknown-metric.json", "router.rollouts.churn.policy",
                "no_such_metric");
    }

    @Test
    void twoRolloutsOfOneModel_failStartup() {
        runner.withPropertyValues(CHURN).withPropertyValues(
                "router.rollouts.again.model=churn",
                "router.rollouts.again.candidate-version=v2",
                "router.rollouts.again.stages=10",
                "router.rollouts.again.policy=classpath:gates/spring-rollout.json")
                .run(ctx -> assertThat(refusal(ctx)).hasMessageContaining(
                        "router.rollouts.again.model").hasMessageContaining(
                        "rollouts 'churn' and 'again' both roll out this model"));
    }

    @Test
    void withoutMeasurements_failsStartup_sayingWhichPropertyTurnsThemOn() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReleaseRouterAutoConfiguration.class))
                .withPropertyValues(CHURN)
                .run(ctx -> assertThat(refusal(ctx)).hasMessageStartingWith(
                        "router.measurements.enabled: must be true for router.rollouts.churn"));
    }

    private void assertRefused(String property, String named, String says) {
        runner.withPropertyValues(CHURN).withPropertyValues(property).run(ctx -> {
            RouterPropertyException e = refusal(ctx);
            assertThat(e.property()).isEqualTo(named);
            assertThat(e).hasMessageContaining(says);
            // What the application's startup failure report says.
            FailureAnalysis a = new RouterFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(a).isNotNull();
            assertThat(a.getAction()).contains(named);
        });
    }

    private static RouterPropertyException refusal(
            org.springframework.boot.test.context.assertj.AssertableApplicationContext ctx) {
        assertThat(ctx).hasFailed();
        Throwable t = ctx.getStartupFailure();
        while (t != null && !(t instanceof RouterPropertyException)) {
            t = t.getCause();
        }
        assertThat(t).as("a RouterPropertyException in " + ctx.getStartupFailure())
                .isInstanceOf(RouterPropertyException.class);
        return (RouterPropertyException) t;
    }

    /** Routes enough entities that both arms of the 5% stage see calls without errors. */
    private static void routeBothArms(Router router) {
        int candidate = 0;
        for (int i = 0; i < 2000 && candidate < 3; i++) {
            String served = router.route(RouteRequest.of("churn", "e-" + i), "x").servedVersion();
            if (served.equals("v2")) {
                candidate++;
            }
        }
        assertThat(candidate).as("calls served by v2 at 5%").isEqualTo(3);
    }

    /**
     * The router's clock (a {@link FaultyClock} that can be made to fail: a tick that reads it
     * then fails) and the measurements' clock, both reading one {@link MutableClock}.
     */
    @Configuration(proxyBeanMethods = false)
    static class TestClock {
        final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        final FaultyClock faulty = new FaultyClock(clock);

        @Bean
        MutableClock mutableClock() {
            return clock;
        }

        @Bean
        FaultyClock faultyClock() {
            return faulty;
        }

        @Bean
        ReleaseRouterBuilderCustomizer testClock() {
            return builder -> builder.clock(faulty);
        }

        @Bean
        ArmMeasurements testMeasurements() {
            return ArmMeasurements.builder().clock(clock).window(Duration.ofSeconds(10))
                    .build();
        }
    }

    /** The churn model's two versions, so route() serves and measures them. */
    @Configuration(proxyBeanMethods = false)
    static class Churn {
        @Bean
        ModelBinding<String, String> churnBinding() {
            return ModelBinding.<String, String>builder("churn").version("v1", x -> "v1:" + x)
                    .version("v2", x -> "v2:" + x).build();
        }
    }
}

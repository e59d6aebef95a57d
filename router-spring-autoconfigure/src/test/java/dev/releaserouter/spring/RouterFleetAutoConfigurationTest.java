package dev.releaserouter.spring;

import static dev.releaserouter.core.testing.Configs.SECRET;
import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.spi.BudgetLedger;
import dev.releaserouter.api.spi.Lease;
import dev.releaserouter.api.spi.MeasurementWindowStore;
import dev.releaserouter.api.spi.OverrideStore;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.audit.JsonlAuditSink;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.redis.RedisFleet;
import dev.releaserouter.redis.testing.RedisServer;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutLease;
import dev.releaserouter.rollout.RolloutStateStore;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import dev.releaserouter.spring.actuate.RouterHealthIndicator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code router.fleet.redis.uri} turns fleet mode on, against a real redis-server: the router's
 * changes go through Redis (another instance sees them), its audit trail is the fleet's, its
 * health shows the fleet's connectivity through an outage; a bad URI fails startup naming the
 * property; without the property nothing Redis-related exists.
 */
class RouterFleetAutoConfigurationTest {

    private static final ChangeContext OPS = ChangeContext.of("ops@example.com", "incident 7");

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RouterFleetAutoConfiguration.class,
                    ReleaseRouterAutoConfiguration.class));

    private RedisServer redis;
    private String prefix;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start();
        prefix = "spring-" + UUID.randomUUID() + ":";
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        redis.close();
    }

    private ApplicationContextRunner fleetMode() {
        return runner.withPropertyValues("router.fleet.redis.uri=" + redis.uri(),
                "router.fleet.redis.instance-id=spring-1",
                "router.fleet.redis.key-prefix=" + prefix,
                "router.fleet.redis.command-timeout=500ms",
                "router.fleet.redis.budget-allotment=10");
    }

    /** Another instance of the app, outside Spring: its own fleet and router. */
    private RouterAdmin otherInstance() {
        RedisFleet other = RedisFleet.builder(redis.uri()).instanceId("other")
                .keyPrefix(prefix).build();
        closeables.add(other);
        RouterAdmin admin = ReleaseRouter.builder().config(of(churn(0).build()))
                .hashSecretHex(SECRET).overrideStore(other.overrideStore()).buildWithAdmin();
        closeables.add(0, admin.router());
        return admin;
    }

    @Test
    void fleetMode_killThroughTheRouterAdmin_isSeenByAnotherInstance_andAuditedInRedis() {
        fleetMode().run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(RedisFleet.class);
            RedisFleet fleet = ctx.getBean(RedisFleet.class);
            assertThat(fleet.instanceId()).isEqualTo("spring-1");
            assertThat(ctx.getBean(OverrideStore.class)).isSameAs(fleet.overrideStore());
            assertThat(ctx.getBean(BudgetLedger.class)).isSameAs(fleet.budgetLedger());
            assertThat(ctx.getBean(MeasurementWindowStore.class)).isSameAs(fleet.windowStore());
            assertThat(ctx.getBean(Lease.class)).isSameAs(fleet.lease());
            assertThat(ctx.getBean(RolloutStateStore.class))
                    .isSameAs(fleet.rolloutStateStore());
            Polling.await(() -> fleet.status().connected());
            RouterAdmin other = otherInstance();

            ctx.getBean(RouterAdmin.class).kill(KillTarget.model("churn"), OPS);

            Router spring = ctx.getBean(Router.class);
            assertThat(spring.decide(RouteRequest.of("churn", "c-1")).reason())
                    .isEqualTo(Reason.KILL_SWITCH);
            Duration seen = Polling.await(() -> other.router()
                    .decide(RouteRequest.of("churn", "c-1")).reason() == Reason.KILL_SWITCH,
                    Duration.ofSeconds(1));
            assertThat(seen).isLessThan(Duration.ofSeconds(1));
            List<AuditEvent> trail = fleet.readAudit();
            assertThat(trail).anySatisfy(e -> {
                assertThat(e.action()).contains("kill");
                assertThat(e.actor()).contains("ops@example.com").contains("spring-1");
            });
            assertThat(fleet.verifyAudit().ok()).isTrue();
            assertThat(spring.status().components()).containsKey("fleet");
            @SuppressWarnings("unchecked")
            Map<String, Object> status = (Map<String, Object>) ctx
                    .getBean(dev.releaserouter.spring.actuate.RouterEndpoint.class).router()
                    .get("status");
            assertThat(status.get("components").toString()).contains("fleet")
                    .contains("state=UP").contains("instanceId=spring-1");
        });
    }

    @Test
    void redisDownAtStartup_theApplicationStarts_servesItsFlagFile_andCatchesUp() {
        redis.stop();
        fleetMode().run(ctx -> {
            assertThat(ctx).hasNotFailed();
            Router router = ctx.getBean(Router.class);
            assertThat(router.decide(RouteRequest.of("churn", "c-1")).version())
                    .isEqualTo("v1");
            assertThat(router.status().degradedComponents()).containsExactly("fleet");
            assertThat(router.status().upToDate()).isTrue();

            redis.restart();
            RedisFleet fleet = ctx.getBean(RedisFleet.class);
            Polling.await(() -> router.status().degradedComponents().isEmpty(),
                    Duration.ofSeconds(10));
            assertThat(fleet.status().auditDeferred()).as("the start entry, replayed").isZero();
            assertThat(fleet.readAudit()).first().satisfies(e -> {
                assertThat(e.action()).isEqualTo("config.load");
                assertThat(e.actor()).endsWith("[instance spring-1] (deferred)");
            });
            ctx.getBean(RouterAdmin.class).kill(KillTarget.model("churn"), OPS);
            assertThat(fleet.readAudit()).anySatisfy(e -> assertThat(e.action())
                    .contains("kill"));
            assertThat(fleet.verifyAudit().ok()).isTrue();
        });
    }

    @Test
    void fleetMode_healthUp_thenConfiguredDegradedStatusWithTheLastError_thenUpAgain() {
        fleetMode().withPropertyValues("router.health.degraded-status=OUT_OF_SERVICE")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    RouterHealthIndicator health = ctx.getBean("routerHealthIndicator",
                            RouterHealthIndicator.class);
                    Polling.await(() -> health.health().getStatus() == Status.UP
                            && fleetDetails(health.health()).get("connected").equals(true));

                    redis.stop();
                    Polling.await(() -> health.health().getStatus() == Status.OUT_OF_SERVICE);
                    Health down = health.health();
                    Map<String, Object> fleet = fleetDetails(down);
                    assertThat(fleet).containsEntry("state", "DEGRADED")
                            .containsEntry("connected", false)
                            .containsKeys("error", "lagMillis", "lastOverrideRevision");
                    assertThat((String) fleet.get("error")).isNotBlank();
                    // Requests are still answered, from local state.
                    assertThat(ctx.getBean(Router.class).decide(RouteRequest.of("churn", "c-1"))
                            .version()).isEqualTo("v1");

                    redis.restart();
                    Duration back = Polling.await(() -> health.health().getStatus() == Status.UP,
                            Duration.ofSeconds(10));
                    assertThat(back).isLessThan(Duration.ofSeconds(10));
                    assertThat(fleetDetails(health.health())).containsEntry("state", "UP");
                });
    }

    @Test
    void fleetMode_byDefault_aRedisOutageKeepsHealthUp_withTheFleetDegradedInTheDetails() {
        fleetMode().run(ctx -> {
            RouterHealthIndicator health = ctx.getBean("routerHealthIndicator",
                    RouterHealthIndicator.class);
            redis.stop();
            Polling.await(() -> "DEGRADED".equals(fleetDetails(health.health()).get("state")));
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).containsEntry("degradedComponents",
                    List.of("fleet"));
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fleetDetails(Health h) {
        Map<String, Object> components = (Map<String, Object>) h.getDetails().get("components");
        return (Map<String, Object>) components.get("fleet");
    }

    @Test
    void badUri_failsStartup_namingThePropertyAndTheValue_passwordRedacted() {
        for (String bad : List.of("http://:s3cret@localhost:6379",
                "redis://:s3cret@localhost:99999", "redis://:s3cret@loc alhost:6379")) {
            runner.withPropertyValues("router.fleet.redis.uri=" + bad).run(ctx -> {
                assertThat(ctx).hasFailed();
                FailureAnalysis a = new RouterFailureAnalyzer()
                        .analyze(ctx.getStartupFailure());
                assertThat(a).as(bad).isNotNull();
                assertThat(a.getDescription()).contains("router.fleet.redis.uri")
                        .contains("***@").doesNotContain("s3cret");
                for (Throwable t = ctx.getStartupFailure(); t != null; t = t.getCause()) {
                    assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cret");
                }
            });
        }
    }

    @Test
    void badFleetProperties_failStartup_namingTheProperty() {
        Map<String, String> bad = Map.of(
                "router.fleet.redis.command-timeout", "0ms",
                "router.fleet.redis.key-prefix", "has space",
                "router.fleet.redis.budget-allotment", "0",
                "router.fleet.redis.instance-id", " ",
                "router.fleet.redis.deferred-audit-spool", "/no/such/dir/spool.jsonl",
                "router.health.degraded-status", "SIDEWAYS");
        bad.forEach((property, value) -> fleetMode()
                .withPropertyValues(property + "=" + value).run(ctx -> {
                    assertThat(ctx).as(property).hasFailed();
                    FailureAnalysis a = new RouterFailureAnalyzer()
                            .analyze(ctx.getStartupFailure());
                    assertThat(a).as(property).isNotNull();
                    assertThat(a.getDescription()).contains(property);
                }));
    }

    @Test
    void withoutTheUri_nothingRedisRelatedIsCreated() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(Router.class)
                    .doesNotHaveBean(RedisFleet.class).doesNotHaveBean(OverrideStore.class)
                    .doesNotHaveBean(BudgetLedger.class)
                    .doesNotHaveBean(MeasurementWindowStore.class)
                    .doesNotHaveBean(AuditSink.class).doesNotHaveBean(Lease.class)
                    .doesNotHaveBean(RolloutStateStore.class);
            assertThat(ctx.getBean(Router.class).status().components()).isEmpty();
        });
    }

    @Test
    void withoutRouterRedisOnTheClasspath_theUriIsIgnored() {
        runner.withClassLoader(new FilteredClassLoader(RedisFleet.class))
                .withPropertyValues("router.fleet.redis.uri=" + redis.uri())
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(OverrideStore.class)
                        .hasSingleBean(Router.class));
    }

    @Test
    void auditPrecedence_applicationSinkThenAuditFileThenFleet(@TempDir Path dir) {
        fleetMode().withPropertyValues("router.audit.file=" + dir.resolve("audit.jsonl"))
                .run(ctx -> assertThat(ctx.getBean(AuditSink.class))
                        .isInstanceOf(JsonlAuditSink.class));
        fleetMode().withUserConfiguration(OwnAuditSink.class)
                .withPropertyValues("router.audit.file=" + dir.resolve("audit2.jsonl"))
                .run(ctx -> assertThat(ctx.getBean(AuditSink.class))
                        .isSameAs(OwnAuditSink.SINK));
    }

    @Test
    void measurementsEnabled_useTheFleetWindowStore_withTheInstanceIdAsSource() {
        fleetMode().withPropertyValues("router.measurements.enabled=true").run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(ArmMeasurements.class);
            assertThat(ctx.getBean(ArmMeasurements.class).source()).isEqualTo("spring-1");
        });
    }

    @Test
    void propertyRollout_inFleetMode_holdsTheFleetsRolloutLease_asThisInstance() {
        fleetMode().withPropertyValues("router.measurements.enabled=true",
                        "router.rollouts.churn.model=churn",
                        "router.rollouts.churn.candidate-version=v2",
                        "router.rollouts.churn.stages=5,100",
                        "router.rollouts.churn.policy=classpath:gates/spring-rollout.json",
                        "router.rollouts.churn.tick-interval=50ms")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    RolloutLease lease = ctx.getBean(RolloutLease.class);
                    assertThat(lease.holder()).isEqualTo("spring-1");
                    assertThat(lease.ttl()).isEqualTo(Duration.ofSeconds(30));
                    RolloutController c = ctx.getBean(RouterRollouts.class).controller("churn")
                            .orElseThrow();
                    // Spring's ticks acquire the lease once the fleet is connected.
                    Polling.await(c::leading);
                    assertThat(c.leaseGrant().orElseThrow().holder()).isEqualTo("spring-1");
                    Polling.await(() -> ctx.getBean(RolloutStateStore.class).load("churn")
                            .isPresent());
                });
    }

    @Test
    void propertyRollout_tickingLessOftenThanAThirdOfTheLeaseTtl_failsStartup() {
        fleetMode().withPropertyValues("router.measurements.enabled=true",
                        "router.fleet.redis.rollout-lease-ttl=30s",
                        "router.rollouts.churn.model=churn",
                        "router.rollouts.churn.candidate-version=v2",
                        "router.rollouts.churn.stages=5,100",
                        "router.rollouts.churn.policy=classpath:gates/spring-rollout.json",
                        "router.rollouts.churn.tick-interval=11s")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause()
                            .isInstanceOf(RouterPropertyException.class)
                            .hasMessageContaining("router.rollouts.churn.tick-interval")
                            .hasMessageContaining("a third of the rollout lease's TTL (PT30S)");
                });
    }

    @Test
    void closingTheContext_closesTheFleet() {
        RedisFleet[] fleet = new RedisFleet[1];
        fleetMode().run(ctx -> {
            fleet[0] = ctx.getBean(RedisFleet.class);
            Polling.await(() -> fleet[0].status().connected());
        });
        assertThat(fleet[0].status().connected()).isFalse();
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnAuditSink {
        static final AuditSink SINK = event -> { };

        @Bean
        AuditSink ownAuditSink() {
            return SINK;
        }
    }
}

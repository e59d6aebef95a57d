package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.Predictor;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.shadow.ShadowComparators;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shadow phase judged on what the live router exposes ({@code Router.shadowStatistics()}):
 * real shadow calls of a bound model, compared off the request thread.
 */
class ShadowPhaseLiveRouterTest {

    private static final int CALLS = 150;

    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private RouterAdmin admin;
    private Router router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    /** v2 shadowed for every entity, at weight 0. */
    private RoutedModel<Double, Double> start(Predictor<Double, Double> v2) {
        ModelConfig churn = ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").build())
                .shadow(ShadowConfig.of("v2", 10_000, Set.of(), Segments.NONE)).build();
        admin = ReleaseRouter.builder().config(RouterConfig.builder().model(churn).build())
                .auditSink(new RecordingAuditSink()).hashSecretHex(Configs.SECRET).clock(clock)
                .hook(ArmMeasurements.builder().clock(clock).build()).buildWithAdmin();
        router = admin.router();
        return router.bind(ModelBinding.<Double, Double>builder("churn")
                .version("v1", x -> x * 2).version("v2", v2)
                .comparator(ShadowComparators.score(0.02, Double::doubleValue)).build());
    }

    private RolloutController rollout() {
        RolloutPlan plan = RolloutPlan.builder().model("churn").stableVersion("v1")
                .candidateVersion("v2").stages(500, 10_000)
                .policy(RolloutFixture.policy(RolloutFixture.POLICY))
                // In-JVM lambdas answer in microseconds: their latency ratio is noise.
                .shadowPhase(ShadowPhase.builder().criteria(ShadowExitCriteria.builder()
                        .maxP95IncreasePct(Double.NaN).build()).build())
                .build();
        return Rollouts.start(admin, plan);
    }

    private void serve(RoutedModel<Double, Double> m) {
        for (int i = 0; i < CALLS; i++) {
            assertThat(m.route(RouteRequest.of("churn", "u" + i), 0.2).servedVersion())
                    .isEqualTo("v1");
        }
        Polling.await(() -> router.shadowStatistics().stream()
                .anyMatch(s -> s.candidateVersion().equals("v2") && s.comparisons() == CALLS));
    }

    @Test
    void matchingShadowCalls_passTheShadowPhase_andStartTheCanary() {
        RoutedModel<Double, Double> m = start(x -> x * 2);
        RolloutController c = rollout();
        serve(m);
        clock.advance(Duration.ofHours(24));

        assertThat(c.tick()).isEqualTo(RolloutStatus.RUNNING);

        assertThat(c.state().shadowVerdict()).isEqualTo(ShadowVerdict.Result.PASS);
        assertThat(c.decisions().get(1).reasons()).contains("match_rate 1.000 >= 0.9500: ok");
        assertThat(router.config().model("churn").version("v2").weightBasisPoints())
                .isEqualTo(500);
    }

    @Test
    void mismatchingShadowCalls_failTheShadowPhase_andV2IsNeverServed() {
        RoutedModel<Double, Double> m = start(x -> x * 3);
        RolloutController c = rollout();
        serve(m);
        clock.advance(Duration.ofHours(24));

        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);

        assertThat(c.decisions().get(1).reasons()).contains(
                "match_rate 0.000 breaches >= 0.9500: FAIL");
        for (int i = 0; i < 200; i++) {
            assertThat(router.decide(RouteRequest.of("churn", "k" + i)).version())
                    .isEqualTo("v1");
        }
    }
}

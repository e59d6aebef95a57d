package dev.releaserouter.replay.eval;

import static dev.releaserouter.core.testing.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowStatistics;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.shadow.ShadowComparators;
import dev.releaserouter.core.shadow.ShadowSettings;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ShadowReports over a live router's shadow statistics (moved from core's ShadowRouteTest). */
class ShadowReportsRouteTest {

    Router router;

    @AfterEach
    void tearDown() {
        if (router != null) {
            router.close();
        }
    }

    /** churn: v1 stable, v2 candidate shadowed for every entity. */
    void start() {
        ModelConfig model = ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").stage(Stage.APPROVED).build())
                .shadow(ShadowConfig.of("v2", 10_000, Set.of(), Segments.NONE))
                .build();
        router = ReleaseRouter.builder()
                .config(RouterConfig.builder().model(model).build())
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .shadow(ShadowSettings.builder().timeout(Duration.ofSeconds(10)).build())
                .build();
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
    void liveStatistics_evaluateAgainstTheSeedsSla() {
        start();
        AtomicLong n = new AtomicLong();
        RoutedModel<Double, Double> m = router.bind(ModelBinding.<Double, Double>builder("churn")
                .version("v1", x -> 0.5)
                .version("v2", x -> n.incrementAndGet() % 10 == 0 ? 0.9 : 0.505) // 90% match
                .comparator(ShadowComparators.score(0.02, Double::doubleValue))
                .build());
        for (int i = 0; i < 200; i++) {
            m.route(req("k" + i), 1.0);
        }
        await(() -> stats().calls() == 200);
        var evaluation = ShadowReports.evaluate(router, "churn",
                ShadowCriteria.defaults()).orElseThrow();
        assertThat(ShadowVerdicts.verdict(evaluation))
                .isEqualTo(ShadowVerdicts.FAIL);
        assertThat(evaluation.toJson()).contains("\"match_rate\"").contains("0.9");
        assertThat(stats().scoreDeltas().orElseThrow().p50()).isCloseTo(0.005,
                org.assertj.core.data.Offset.offset(1e-9));
    }
}

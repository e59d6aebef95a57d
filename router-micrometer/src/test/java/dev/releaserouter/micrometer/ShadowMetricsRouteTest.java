package dev.releaserouter.micrometer;

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
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.shadow.ShadowSettings;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.RecordingAuditSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ShadowMetrics as the shadow runner's listener, through route() (moved from ShadowRouteTest). */
class ShadowMetricsRouteTest {

    Router router;

    @AfterEach
    void tearDown() {
        if (router != null) {
            router.close();
        }
    }


    static RouteRequest req(String key) {
        return RouteRequest.of("churn", key);
    }

    @Test
    void configuredListener_receivesEveryShadowEvent() {
        var registry = new SimpleMeterRegistry();
        ModelConfig model = ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").stage(Stage.APPROVED).build())
                .shadow(ShadowConfig.of("v2", 10_000, Set.of("sovereign-br"), Segments.NONE))
                .build();
        router = ReleaseRouter.builder()
                .config(RouterConfig.builder().model(model).build())
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .shadow(ShadowSettings.builder().timeout(Duration.ofSeconds(10)).build())
                .hook(new ShadowMetrics(registry))
                .build();
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "a").version("v2", x -> "a").build());
        m.route(req("k"), "in");
        m.route(req("k").toBuilder().dataClasses("sovereign-br").build(), "in");
        // The comparison is the last event of a call.
        await(() -> registry.find("router.shadow.comparisons").counter() != null);
        assertThat(registry.get("router.shadow.calls").tag("outcome", "success").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get("router.shadow.skipped").tag("reason", "forbidden_data")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("router.shadow.comparisons").tag("match", "true").counter()
                .count()).isEqualTo(1);
    }
}

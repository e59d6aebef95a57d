package dev.releaserouter.micrometer;

import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.PushSource;
import dev.releaserouter.core.testing.RecordingAuditSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RouterMetricsTest {

    @Test
    void reloadsRevisionAndFreshness_areExported() {
        PushSource source = new PushSource(of(churn(500).build()));
        Router router = ReleaseRouter.builder().flagSource(source)
                .auditSink(new RecordingAuditSink()).hashSecretHex(Configs.SECRET).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new RouterMetrics(router).bindTo(registry);

        source.push(of(churn(1000).build()));
        source.fail(new ConfigException("file:/f.json", "/models", "x", "bad", null));

        assertThat(registry.get(MetricNames.CONFIG_REVISION).gauge().value()).isEqualTo(2);
        assertThat(registry.get(MetricNames.CONFIG_RELOADS).tag("outcome", "success")
                .functionCounter().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.CONFIG_RELOADS).tag("outcome", "failure")
                .functionCounter().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.CONFIG_UP_TO_DATE).gauge().value()).isZero();
        assertThat(registry.get(MetricNames.INTERNAL_ERRORS).functionCounter().count()).isZero();
    }

    @Test
    void statusComponents_exportTheirStateAndNumericDetails() {
        AtomicReference<ComponentStatus> fleet = new AtomicReference<>(ComponentStatus.up(
                Map.of("connected", true, "lagMillis", 12L, "instanceId", "pod-1")));
        Router router = ReleaseRouter.builder().config(of(churn(500).build()))
                .auditSink(new RecordingAuditSink()).hashSecretHex(Configs.SECRET)
                .statusContributor("fleet", fleet::get).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new RouterMetrics(router).bindTo(registry);

        assertThat(registry.get(MetricNames.COMPONENT_UP).tag("component", "fleet").gauge()
                .value()).isEqualTo(1);
        assertThat(registry.get(MetricNames.COMPONENT_DETAIL).tag("component", "fleet")
                .tag("detail", "lagMillis").gauge().value()).isEqualTo(12);
        assertThat(registry.find(MetricNames.COMPONENT_DETAIL).tag("detail", "instanceId")
                .gauge()).as("strings are not meters").isNull();

        fleet.set(ComponentStatus.degraded("Redis down", Map.of("connected", false)));

        assertThat(registry.get(MetricNames.COMPONENT_UP).tag("component", "fleet").gauge()
                .value()).isZero();
        assertThat(registry.get(MetricNames.COMPONENT_DETAIL).tag("component", "fleet")
                .tag("detail", "lagMillis").gauge().value()).as("not reported now").isNaN();
    }
}

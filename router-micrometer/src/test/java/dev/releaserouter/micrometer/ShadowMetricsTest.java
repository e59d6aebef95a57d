package dev.releaserouter.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ShadowMetricsTest {

    @Test
    void events_becomeLowCardinalityMeters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShadowMetrics m = new ShadowMetrics(registry);
        m.disposition("churn", "v2", ShadowDisposition.SCHEDULED);
        m.disposition("churn", "v2", ShadowDisposition.DROPPED);
        m.disposition("churn", "v2", ShadowDisposition.FORBIDDEN_DATA);
        m.disposition("churn", "v2", ShadowDisposition.FORBIDDEN_DATA);
        m.outcome("churn", "v2", ShadowOutcome.SUCCESS, 1_000_000, 2_000_000);
        m.outcome("churn", "v2", ShadowOutcome.TIMEOUT, 1_000_000, -1);
        m.comparison("churn", "v2", true, 0.01);
        m.fallback("churn", "v2", FallbackCause.TIMEOUT);

        assertThat(registry.get(MetricNames.SHADOW_CALLS).tag("outcome", "dropped").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.SHADOW_CALLS).tag("outcome", "success").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.SHADOW_CALLS).tag("outcome", "timeout").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.SHADOW_SKIPPED).tag("reason", "forbidden_data")
                .counter().count()).isEqualTo(2);
        assertThat(registry.get(MetricNames.SHADOW_LATENCY).tag("side", "stable").timer()
                .count()).isEqualTo(2);
        assertThat(registry.get(MetricNames.SHADOW_LATENCY).tag("side", "candidate").timer()
                .count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.SHADOW_COMPARISONS).tag("match", "true").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.SHADOW_SCORE_DELTA).summary().totalAmount())
                .isEqualTo(0.01);
        assertThat(registry.get(MetricNames.FALLBACKS).tag("cause", "timeout").counter().count())
                .isEqualTo(1);
        assertThat(registry.getMeters()).allSatisfy(meter ->
                assertThat(meter.getId().getName()).matches("router(\\.[a-z0-9]+)+"));
    }
}

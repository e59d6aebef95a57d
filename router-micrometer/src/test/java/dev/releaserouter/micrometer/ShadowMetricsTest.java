package dev.releaserouter.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.OutputValidity;
import dev.releaserouter.api.hook.ShadowEvent;
import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ShadowMetricsTest {

    private static final RouteRequest REQUEST = RouteRequest.of("churn", "c1");

    private static ShadowEvent notRun(ShadowDisposition d) {
        return new ShadowEvent(REQUEST, "v1", "v2", d, Optional.empty(), 1_000_000,
                OptionalLong.empty(), Optional.empty(), OptionalDouble.empty());
    }

    @Test
    void events_becomeLowCardinalityMeters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShadowMetrics m = new ShadowMetrics(registry);
        m.afterShadow(notRun(ShadowDisposition.DROPPED));
        m.afterShadow(notRun(ShadowDisposition.FORBIDDEN_DATA));
        m.afterShadow(notRun(ShadowDisposition.FORBIDDEN_DATA));
        m.afterShadow(new ShadowEvent(REQUEST, "v1", "v2", ShadowDisposition.SCHEDULED,
                Optional.of(ShadowOutcome.SUCCESS), 1_000_000, OptionalLong.of(2_000_000),
                Optional.of(true), OptionalDouble.of(0.01)));
        m.afterShadow(new ShadowEvent(REQUEST, "v1", "v2", ShadowDisposition.SCHEDULED,
                Optional.of(ShadowOutcome.TIMEOUT), 1_000_000, OptionalLong.empty(),
                Optional.empty(), OptionalDouble.empty()));
        m.afterCall(null, new CallEvent(REQUEST, RouteDecision.of("v2", Role.CANDIDATE,
                Reason.CANARY_BUCKET, 1, 1), "v1", Role.STABLE, 1, false,
                OutputValidity.NOT_CHECKED, Optional.of(
                        new CallEvent.Fallback("v2", FallbackCause.TIMEOUT, 5))));

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

package dev.releaserouter.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.OutputValidity;
import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.rollout.measure.TestRouters;
import dev.releaserouter.core.testing.MutableClock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ArmMetricsTest {

    private static final double NAN = Double.NaN;

    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private final Router router = TestRouters.fiftyPercentCanary(clock);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        router.close();
    }

    private Calls measurements(ArmMetrics metrics) {
        return new Calls(metrics);
    }

    /** Hands routed calls to the hook as the router does after each route(). */
    private record Calls(ArmMetrics metrics) {
        void recordCall(RouteRequest request, String version, long nanos, boolean error,
                double cost, double tokens, double score) {
            RouteDecision d = RouteDecision.of(version, Role.STABLE, Reason.STABLE_BUCKET, 1, 1);
            metrics.afterCall(null, new CallEvent(request, d, version, Role.STABLE, nanos,
                    error, OutputValidity.NOT_CHECKED, Optional.empty()));
        }

        void recordCall(String model, String version, long nanos, boolean error, double cost,
                double tokens, double score) {
            recordCall(RouteRequest.of(model, "c"), version, nanos, error, cost, tokens, score);
        }
    }

    @Test
    void fallback_countsAnErrorOfTheCanary_andTheServedCallOfStable() {
        ArmMetrics metrics = ArmMetrics.builder(registry).build();
        RouteRequest request = RouteRequest.of("churn", "c1");
        metrics.afterCall(null, new CallEvent(request,
                RouteDecision.of("v2", Role.CANDIDATE, Reason.CANARY_BUCKET, 1, 1), "v1",
                Role.STABLE, 1_000, false, OutputValidity.NOT_CHECKED, Optional.of(
                        new CallEvent.Fallback("v2", FallbackCause.ERROR, 2_000))));

        assertThat(registry.get(MetricNames.ARM_ERRORS).tag("version", "v2").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(MetricNames.ARM_REQUESTS).tag("version", "v1").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.ARM_ERRORS).tag("version", "v1").counter().count())
                .isZero();
    }

    @Test
    void calls_becomeRequestErrorAndLatencyMetersWithTheSeedsKeys() {
        Calls m = measurements(ArmMetrics.builder(registry)
                .allowTenants(Set.of("acme")).build());
        RouteRequest request = RouteRequest.builder("churn", "c1")
                .tenant("acme").region("br-south").attribute("route", "/score").build();

        m.recordCall(request, "v2", TimeUnit.MILLISECONDS.toNanos(30), false, NAN, NAN, NAN);
        m.recordCall(request, "v2", TimeUnit.MILLISECONDS.toNanos(50), true, NAN, NAN, NAN);

        String[] tags = {"model", "churn", "version", "v2", "region", "br-south",
            "route", "/score", "tenant", "acme"};
        assertThat(registry.get(MetricNames.ARM_REQUESTS).tags(tags).counter().count())
                .isEqualTo(2);
        assertThat(registry.get(MetricNames.ARM_ERRORS).tags(tags).counter().count())
                .isEqualTo(1);
        assertThat(registry.get(MetricNames.ARM_LATENCY).tags(tags).timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(80);
        assertThat(registry.getMeters()).allSatisfy(meter ->
                assertThat(meter.getId().getName()).matches("router(\\.[a-z0-9]+)+"));
        assertThat(registry.getMeters()).filteredOn(meter -> !(meter instanceof Gauge))
                .allSatisfy(meter -> assertThat(meter.getId().getDescription()).isNotBlank());
    }

    @Test
    void requestWithoutSegments_andCallsWithoutRequest_getFixedTagValues() {
        Calls m = measurements(ArmMetrics.builder(registry).build());

        m.recordCall("churn", "v1", 1, false, NAN, NAN, NAN);
        m.recordCall(RouteRequest.builder("churn", "c").channel("app").build(), "v1", 1, false,
                NAN, NAN, NAN);

        assertThat(registry.get(MetricNames.ARM_REQUESTS)
                .tags("region", "unknown", "route", "unknown", "tenant", "other").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.ARM_REQUESTS).tags("route", "app", "tenant", "other")
                .counter().count()).isEqualTo(1); // the channel stands in for the route
    }

    @Test
    void tenThousandTenants_produceAtMostAllowListPlusOneTagValues() {
        Set<String> allowed = Set.of("tenant-1", "tenant-2", "tenant-3");
        Calls m = measurements(ArmMetrics.builder(registry)
                .allowTenants(allowed).build());

        for (int i = 0; i < 10_000; i++) {
            m.recordCall(RouteRequest.builder("churn", "c" + i).tenant("tenant-" + i).build(),
                    "v2", 1_000, false, NAN, NAN, NAN);
        }

        Set<String> tenantValues = registry.getMeters().stream()
                .map(Meter::getId)
                .filter(id -> id.getName().equals(MetricNames.ARM_REQUESTS))
                .map(id -> id.getTag("tenant"))
                .collect(Collectors.toSet());
        assertThat(tenantValues).hasSizeLessThanOrEqualTo(allowed.size() + 1)
                .containsExactlyInAnyOrder("tenant-1", "tenant-2", "tenant-3", "other");
        assertThat(registry.get(MetricNames.ARM_REQUESTS).tag("tenant", "other").counter()
                .count()).isEqualTo(10_000 - 3);
        assertThat(registry.get(MetricNames.ARM_REQUESTS).counters().stream()
                .mapToDouble(c -> c.count()).sum()).isEqualTo(10_000);
    }

    @Test
    void regionsAndRoutesPastTheirCaps_collapseToOther() {
        Calls m = measurements(ArmMetrics.builder(registry)
                .maxRegions(2).maxRoutes(1).build());

        for (int i = 0; i < 100; i++) {
            m.recordCall(RouteRequest.builder("churn", "c").region("r" + i)
                    .attribute("route", "/p" + i).build(), "v1", 1, false, NAN, NAN, NAN);
        }

        Set<String> regions = registry.find(MetricNames.ARM_REQUESTS).counters().stream()
                .map(c -> c.getId().getTag("region")).collect(Collectors.toSet());
        Set<String> routes = registry.find(MetricNames.ARM_REQUESTS).counters().stream()
                .map(c -> c.getId().getTag("route")).collect(Collectors.toSet());
        assertThat(regions).containsExactlyInAnyOrder("r0", "r1", "other");
        assertThat(routes).containsExactlyInAnyOrder("/p0", "other");
    }

    @Test
    void builder_rejectsNegativeCaps() {
        assertThatThrownBy(() -> ArmMetrics.builder(registry).maxRegions(-1))
                .hasMessage("maxRegions must be >= 0, but was -1");
    }
}

package dev.releaserouter.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.prometheus.testing.MeterEndpoint;
import dev.releaserouter.prometheus.testing.PrometheusServer;
import dev.releaserouter.rollout.gates.ExternalMetric;
import dev.releaserouter.rollout.gates.ExternalMetrics;
import dev.releaserouter.rollout.gates.ExternalQuery;
import dev.releaserouter.rollout.gates.ExternalReadings;
import dev.releaserouter.rollout.gates.GateDecision;
import dev.releaserouter.rollout.gates.GateInput;
import dev.releaserouter.rollout.gates.GateVerdict;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.gates.PolicyEvaluator;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PrometheusMetricSource} against a real {@code prometheus} scraping this test's meters
 * every second: instant and range queries templated per arm, the per-tick cache, and every way
 * a query can fail becoming an unavailable reading with its reason.
 */
class PrometheusMetricSourceTest {

    private static final ExternalQuery QUERY = new ExternalQuery("churn", "v1", "v2",
            Duration.ofMinutes(10), Instant.parse("2026-01-01T00:00:00Z"));

    private static PrometheusMeterRegistry registry;
    private static MeterEndpoint app;
    private static PrometheusServer prometheus;
    private static final AtomicReference<Double> MOVING = new AtomicReference<>(1.0);

    @BeforeAll
    static void start() {
        PrometheusServer.requireInstalled("prometheus");
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("test.quality", () -> 0.1).tags("model", "churn", "version", "v1")
                .register(registry);
        Gauge.builder("test.quality", () -> 0.3).tags("model", "churn", "version", "v2")
                .register(registry);
        Gauge.builder("test.moving", () -> MOVING.get()).register(registry);
        app = MeterEndpoint.start(registry);
        prometheus = PrometheusServer.start(List.of(app.target()), List.of());
        Polling.await(() -> prometheus.query("count(test_quality)").contains("\"2\""),
                PrometheusServer.START_DEADLINE);
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private static PrometheusMetricSource source() {
        return PrometheusMetricSource.builder(prometheus.uri()).timeout(Duration.ofSeconds(5))
                .build();
    }

    private static ExternalMetric metric(String name, Map<String, String> fields) {
        return new ExternalMetric(name, "prometheus", fields, "test.yaml", "/metrics/" + name);
    }

    private static ExternalReadings.Reading read(PrometheusMetricSource s, ExternalMetric m,
            String arm) {
        s.validate(m);
        return s.read(List.of(m), QUERY).get(arm, m.name());
    }

    @Test
    void instantQuery_isTemplatedPerArm() {
        ExternalMetric m = metric("quality", Map.of("query",
                "test_quality{model=\"{{model}}\", version=\"{{ version }}\"}"));
        PrometheusMetricSource s = source();
        ExternalReadings r = s.read(List.of(m), QUERY);
        assertThat(r.get(GateInput.STABLE, "quality").value()).isEqualTo(0.1);
        assertThat(r.get(GateInput.CANDIDATE, "quality").value()).isEqualTo(0.3);
        assertThat(r.get(GateInput.CANDIDATE, "quality").reason()).isNull();
        assertThat(s.queries()).isEqualTo(2);
        assertThat(s.failures()).isZero();
    }

    @Test
    void aQueryTheArmsShare_andARepeatedQuery_areSentOncePerRead() {
        String delta = "test_quality{version=\"{{candidate}}\"} - ignoring(version)"
                + " test_quality{version=\"{{stable}}\"}";
        ExternalMetric a = metric("delta", Map.of("query", delta));
        ExternalMetric b = metric("delta_again", Map.of("query", delta));
        PrometheusMetricSource s = source();
        ExternalReadings r = s.read(List.of(a, b), QUERY);
        assertThat(r.get(GateInput.CANDIDATE, "delta").value()).isCloseTo(0.2,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(r.get(GateInput.STABLE, "delta_again").value()).isCloseTo(0.2,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.queries()).isEqualTo(1);
        s.read(List.of(a, b), QUERY);
        assertThat(s.queries()).as("cached per read only: the next tick asks again")
                .isEqualTo(2);
    }

    @Test
    void rangeQuery_isReducedByMaxMinAvgAndLast() {
        // Three values, each held until Prometheus has scraped it.
        for (double v : new double[] {1, 5, 2}) {
            MOVING.set(v);
            Polling.await(() -> prometheus.query("test_moving").contains("\"" + (int) v + "\""),
                    Duration.ofSeconds(20));
        }
        PrometheusMetricSource s = source();
        Map<String, Double> expected = Map.of("max", 5.0, "min", 1.0, "last", 2.0);
        expected.forEach((reduce, value) -> assertThat(read(s, metric("moving", Map.of(
                "query", "test_moving", "range", "2m", "step", "1s", "reduce", reduce)),
                GateInput.CANDIDATE).value()).as(reduce).isEqualTo(value));
        double avg = read(s, metric("moving", Map.of("query", "test_moving", "range", "2m",
                "step", "1s", "reduce", "avg")), GateInput.CANDIDATE).value();
        assertThat(avg).isBetween(1.0, 5.0);
    }

    @Test
    void samplesQuery_givesTheReadingsSamples() {
        ExternalMetric m = metric("quality", Map.of(
                "query", "test_quality{version=\"{{version}}\"}",
                "samples", "test_quality{version=\"{{version}}\"} * 1000"));
        ExternalReadings.Reading r = read(source(), m, GateInput.CANDIDATE);
        assertThat(r.value()).isEqualTo(0.3);
        assertThat(r.samples()).isEqualTo(300);
    }

    @Test
    void badPromQl_isUnavailable_withPrometheussError() {
        PrometheusMetricSource s = source();
        ExternalReadings.Reading r = read(s, metric("bad", Map.of("query", "sum(rate(")),
                GateInput.CANDIDATE);
        assertThat(r.value()).isNaN();
        assertThat(r.reason()).contains("prometheus query of candidate (bad)")
                .contains("HTTP 400 bad_data: ");
        assertThat(s.failures()).isEqualTo(2);
        assertThat(s.lastFailure()).isPresent();
    }

    @Test
    void emptyResult_isUnavailable() {
        assertThat(read(source(), metric("none", Map.of("query", "no_such_series")),
                GateInput.STABLE).reason()).contains("empty result: no series matched");
    }

    @Test
    void severalSeries_areUnavailable_askingForAnAggregation() {
        assertThat(read(source(), metric("many", Map.of("query", "test_quality")),
                GateInput.STABLE).reason()).contains("2 series").contains("sum(...)");
    }

    @Test
    void nan_isUnavailable() {
        assertThat(read(source(), metric("nan", Map.of("query", "0/0")),
                GateInput.STABLE).reason()).contains("NaN");
    }

    @Test
    void infinity_isAValue() {
        assertThat(read(source(), metric("inf", Map.of("query", "1/0")),
                GateInput.STABLE).value()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void emptyRange_isUnavailable() {
        assertThat(read(source(), metric("none", Map.of("query", "no_such_series",
                "range", "1m", "reduce", "max")), GateInput.STABLE).reason())
                .contains("empty result");
    }

    @Test
    void connectionRefused_isUnavailable() {
        PrometheusMetricSource s = PrometheusMetricSource.builder(
                URI.create("http://127.0.0.1:" + PrometheusServer.freePort())).build();
        assertThat(read(s, metric("q", Map.of("query", "up")), GateInput.STABLE).reason())
                .contains("cannot connect to http://127.0.0.1:");
    }

    @Test
    void notAPrometheus_isUnavailable() {
        PrometheusMetricSource s = PrometheusMetricSource.builder(
                URI.create("http://" + app.target())).build();
        assertThat(read(s, metric("q", Map.of("query", "up")), GateInput.STABLE).reason())
                .contains("HTTP 404, not a Prometheus API answer");
    }

    @Test
    void aServerThatNeverAnswers_timesOut_withinTheTimeout() throws IOException {
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            PrometheusMetricSource s = PrometheusMetricSource.builder(URI.create(
                    "http://127.0.0.1:" + blackHole.getLocalPort()))
                    .timeout(Duration.ofMillis(300)).build();
            long start = System.nanoTime();
            ExternalReadings.Reading r = read(s, metric("q", Map.of("query", "up")),
                    GateInput.STABLE);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(r.reason()).contains("timed out after PT0.3S");
        }
    }

    @Test
    void policyOnPrometheus_proceedsOrHolds_onWhatPrometheusSays() {
        Policy p = Policy.parse(("{\"metrics\": {\"quality\": {\"source\": \"prometheus\","
                + " \"query\": \"test_quality{version=\\\"{{version}}\\\"}\"},"
                + " \"missing\": {\"source\": \"prometheus\", \"query\": \"no_such_series\"}},"
                + " \"criteria\": [{\"name\": \"q\", \"expr\": \"candidate.quality <= 0.5\","
                + " \"severity\": \"CRITICAL\"}]}").getBytes(StandardCharsets.UTF_8), "p.json");
        GateInput local = new GateInput() {
            @Override
            public double value(String arm, String metric) {
                return Double.NaN;
            }

            @Override
            public long samples(String arm) {
                return 1000;
            }

            @Override
            public Duration window() {
                return Duration.ofMinutes(10);
            }
        };
        PrometheusMetricSource s = source();
        GateVerdict v = PolicyEvaluator.evaluate(p,
                ExternalMetrics.overlay(p, local, List.of(s), QUERY));
        assertThat(v.decision()).isEqualTo(GateDecision.PROCEED);
        assertThat(v.criteria().get(0).value()).isEqualTo(0.3);
    }

    @Test
    void badDefinitions_failValidation_namingTheField() {
        PrometheusMetricSource s = source();
        Map<Map<String, String>, String> cases = Map.of(
                Map.of(), "/metrics/m/query",
                Map.of("query", "up", "qurey", "x"), "/metrics/m/qurey",
                Map.of("query", "up{v=\"{{versoin}}\"}"), "/metrics/m/query",
                Map.of("query", "up{v=\"{{version\"}"), "/metrics/m/query",
                Map.of("query", "up", "range", "5m"), "/metrics/m/reduce",
                Map.of("query", "up", "range", "5m", "reduce", "median"), "/metrics/m/reduce",
                Map.of("query", "up", "step", "5s"), "/metrics/m/step",
                Map.of("query", "up", "range", "1d", "step", "1s", "reduce", "max"),
                "/metrics/m/step",
                Map.of("query", "up", "timeout", "soon"), "/metrics/m/timeout");
        cases.forEach((fields, pointer) -> assertThatThrownBy(() -> s.validate(metric("m",
                fields))).as(fields.toString())
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.pointer()).isEqualTo(pointer);
                    assertThat(e.source()).isEqualTo("test.yaml");
                }));
    }

    @Test
    void builder_refusesANonHttpUri_andABadTimeout() {
        assertThatThrownBy(() -> PrometheusMetricSource.builder(URI.create("prometheus:9090")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http");
        assertThatThrownBy(() -> PrometheusMetricSource.builder(prometheus.uri())
                .timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}

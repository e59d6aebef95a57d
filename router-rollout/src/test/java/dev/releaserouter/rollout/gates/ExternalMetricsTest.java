package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.config.ConfigException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A policy's {@code metrics} section: metrics read from an external source (e.g. PromQL),
 * judged with the same thresholds, severities, streaks and NOT_ENOUGH_DATA rules as the
 * router's own measurements, and mixed with them in one policy.
 */
class ExternalMetricsTest {

    private static final String MIXED = "{\"name\": \"mixed\", \"min_samples\": 10,"
            + " \"metrics\": {\"fleet_error_rate\": {\"source\": \"fake\","
            + "   \"query\": \"rate(x{version=\\\"{{version}}\\\"}[5m])\", \"step\": 30}},"
            + " \"criteria\": ["
            + "  {\"name\": \"fleet_errors\", \"fail_when\": \"candidate.fleet_error_rate > 0.01\","
            + "   \"severity\": \"CRITICAL\", \"consecutive_windows\": 2},"
            + "  {\"name\": \"local_p95\", \"expr\": \"candidate.p95_ms <= 120\","
            + "   \"severity\": \"ALERT\"}]}";

    private static final ExternalQuery QUERY = new ExternalQuery("churn", "v1", "v2",
            Duration.ofMinutes(10), Instant.parse("2026-01-01T00:00:00Z"));

    private static final MetricCatalog LOCAL = MetricCatalog.builder()
            .values("p95_ms", "error_rate").build();

    /** A source answering from a function of (arm, metric), recording its calls. */
    private static class FakeSource extends TestSources.Answering {
        FakeSource(BiFunction<String, String, ExternalReadings.Reading> answer) {
            super("fake", answer);
        }
    }

    private static FakeSource fleetErrorRate(double candidate) {
        return new FakeSource((arm, m) -> ExternalReadings.Reading.of(
                arm.equals(GateInput.CANDIDATE) ? candidate : 0.001, -1));
    }

    private static MapInput local(double p95) {
        return MapInput.of().set("candidate.p95_ms", p95);
    }

    private static GateVerdict evaluate(Policy p, GateInput local, ExternalMetricSource s,
            GateHistory h) {
        return PolicyEvaluator.evaluate(p, ExternalMetrics.overlay(p, local, List.of(s), QUERY), h);
    }

    @Test
    void overlay_keepsTheStageEvidenceAndSplit_externalMetricsComparedAsMeasured() {
        Policy p = Policies.json("{\"name\": \"both\","
                + " \"metrics\": {\"fleet_error_rate\": {\"source\": \"fake\"}},"
                + " \"criteria\": ["
                + "  {\"name\": \"fleet\", \"fail_when\": \"candidate.fleet_error_rate > 0.01\","
                + "   \"severity\": \"CRITICAL\"},"
                + "  {\"name\": \"local\", \"fail_when\": \"candidate.error_rate > 0.01\","
                + "   \"severity\": \"CRITICAL\"},"
                + "  {\"name\": \"split\", \"type\": \"sample_ratio\"}]}");
        // The window alone (2 of 60) straddles 1%; the stage (30 of 1,000) shows it.
        MapInput stage = MapInput.of().errors("candidate", 1_000, 30)
                .assigned("stable", 9_500).assigned("candidate", 500);
        MapInput window = MapInput.of().errors("candidate", 60, 2).cumulative(stage)
                .candidateShare(0.05).assigned("stable", 5).assigned("candidate", 0);

        GateVerdict v = evaluate(p, window, fleetErrorRate(0.012), GateHistory.empty());

        assertThat(v.criterion("fleet").status()).isEqualTo(CriterionStatus.CRITICAL);
        assertThat(v.criterion("fleet").estimates()).isEmpty();
        assertThat(v.criterion("local").status()).isEqualTo(CriterionStatus.CRITICAL);
        assertThat(v.criterion("local").estimates().get("candidate.error_rate").units())
                .isEqualTo(1_000);
        assertThat(v.criterion("split").status()).isEqualTo(CriterionStatus.OK);
        assertThat(v.criterion("split").samples()).containsEntry("stable", 9_500L);
    }

    @Test
    void metricsSection_isParsed_withItsFieldsAsText_andItsPointer() {
        Policy p = Policies.json(MIXED);
        ExternalMetric m = p.externalMetrics().get("fleet_error_rate");
        assertThat(m.source()).isEqualTo("fake");
        assertThat(m.field("query")).isEqualTo("rate(x{version=\"{{version}}\"}[5m])");
        assertThat(m.field("step")).isEqualTo("30");
        assertThat(m.pointer()).isEqualTo("/metrics/fleet_error_rate");
        assertThat(m.policySource()).isEqualTo("test.json");
        assertThat(Policies.criteria("{\"name\": \"a\", \"expr\": \"v2.p95_ms <= 1\","
                + " \"severity\": \"ALERT\"}").externalMetrics()).isEmpty();
    }

    @Test
    void mixedPolicy_bothGood_proceeds() {
        Policy p = Policies.json(MIXED).requireMetrics(LOCAL);
        GateVerdict v = evaluate(p, local(80), fleetErrorRate(0.002), GateHistory.empty());
        assertThat(v.decision()).isEqualTo(GateDecision.PROCEED);
        assertThat(v.criteria().get(0).value()).isEqualTo(0.002);
        assertThat(v.criteria().get(0).observed())
                .containsEntry("candidate.fleet_error_rate", 0.002);
    }

    @Test
    void externalBreach_followsTheStreak_alertThenCritical() {
        Policy p = Policies.json(MIXED);
        FakeSource bad = fleetErrorRate(0.05);
        GateVerdict first = evaluate(p, local(80), bad, GateHistory.empty());
        assertThat(first.criteria().get(0).status()).isEqualTo(CriterionStatus.ALERT);
        assertThat(first.decision()).isEqualTo(GateDecision.HOLD);
        GateVerdict second = evaluate(p, local(80), bad, GateHistory.empty().append(first));
        assertThat(second.criteria().get(0).status()).isEqualTo(CriterionStatus.CRITICAL);
        assertThat(second.decision()).isEqualTo(GateDecision.ROLLBACK);
    }

    @Test
    void localBreach_inAMixedPolicy_stillHolds() {
        Policy p = Policies.json(MIXED);
        GateVerdict v = evaluate(p, local(300), fleetErrorRate(0.002), GateHistory.empty());
        assertThat(v.decision()).isEqualTo(GateDecision.HOLD);
        assertThat(v.criteria().get(1).status()).isEqualTo(CriterionStatus.ALERT);
    }

    @Test
    void unavailableReading_isNotEnoughData_withTheSourcesReason_neverAPass() {
        Policy p = Policies.json(MIXED);
        FakeSource down = new FakeSource((arm, m) ->
                ExternalReadings.Reading.unavailable("HTTP 503 from prometheus"));
        GateVerdict v = evaluate(p, local(80), down, GateHistory.empty());
        CriterionResult r = v.criteria().get(0);
        assertThat(r.status()).isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(r.detail()).contains("candidate.fleet_error_rate: HTTP 503 from prometheus");
        assertThat(v.decision()).isEqualTo(GateDecision.HOLD);
    }

    @Test
    void throwingSource_isContained_asNotEnoughDataWithTheError() {
        Policy p = Policies.json(MIXED);
        ExternalMetricSource broken = TestSources.failing("fake",
                new StackOverflowError("deep"));
        GateVerdict v = evaluate(p, local(80), broken, GateHistory.empty());
        assertThat(v.criteria().get(0).status()).isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(v.criteria().get(0).detail())
                .contains("source 'fake' failed: java.lang.StackOverflowError: deep");
        assertThat(v.decision()).isEqualTo(GateDecision.HOLD);
    }

    @Test
    void missingReading_isNotEnoughData_notAPass() {
        Policy p = Policies.json(MIXED);
        ExternalMetricSource silent = new FakeSource((arm, metric) -> null);
        GateVerdict v = evaluate(p, local(80), silent, GateHistory.empty());
        assertThat(v.criteria().get(0).status()).isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(v.criteria().get(0).detail())
                .contains("gave no reading of candidate.fleet_error_rate");
    }

    @Test
    void sourceIsAskedOnce_forEveryMetricAndArm_withTheQuery() {
        Policy p = Policies.json(MIXED);
        FakeSource s = fleetErrorRate(0.002);
        evaluate(p, local(80), s, GateHistory.empty());
        assertThat(s.calls).containsExactly(QUERY);
    }

    @Test
    void minSamplesPerMetric_usesTheSamplesTheSourceRead() {
        Policy p = Policies.json("{\"metrics\": {\"fleet_p95\": {\"source\": \"fake\"}},"
                + " \"criteria\": [{\"name\": \"p\", \"expr\": \"candidate.fleet_p95 <= 100\","
                + " \"severity\": \"CRITICAL\", \"min_samples\": 500,"
                + " \"min_samples_per\": \"metric\"}]}");
        FakeSource few = new FakeSource((arm, m) -> ExternalReadings.Reading.of(80, 499));
        assertThat(evaluate(p, local(80), few, GateHistory.empty()).criteria().get(0).status())
                .isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        FakeSource enough = new FakeSource((arm, m) -> ExternalReadings.Reading.of(80, 500));
        assertThat(evaluate(p, local(80), enough, GateHistory.empty()).decision())
                .isEqualTo(GateDecision.PROCEED);
    }

    @Test
    void withoutMetrics_overlayIsTheBaseInput() {
        Policy p = Policies.criteria("{\"name\": \"a\", \"expr\": \"v2.p95_ms <= 1\","
                + " \"severity\": \"ALERT\"}");
        MapInput base = local(1);
        assertThat(ExternalMetrics.overlay(p, base, List.of(), QUERY)).isSameAs(base);
    }

    @Test
    void requireMetrics_acceptsExternalMetricsAsValues() {
        assertThat(Policies.json(MIXED).requireMetrics(LOCAL)).isNotNull();
    }

    @Test
    void requireMetrics_refusesAnExternalMetricNamedLikeAMeasurement() {
        Policy p = Policies.json("{\"metrics\": {\"p95_ms\": {\"source\": \"fake\"}},"
                + " \"criteria\": [{\"name\": \"p\", \"expr\": \"candidate.p95_ms <= 100\","
                + " \"severity\": \"ALERT\"}]}");
        assertThatThrownBy(() -> p.requireMetrics(LOCAL))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.pointer()).isEqualTo("/metrics/p95_ms");
                    assertThat(e.problem()).contains("rename it");
                });
    }

    @Test
    void requireMetrics_refusesAnExternalMetricReadAsAHistogram() {
        Policy p = Policies.json("{\"metrics\": {\"fleet_score\": {\"source\": \"fake\"}},"
                + " \"criteria\": [{\"name\": \"p\", \"type\": \"psi\","
                + " \"metric\": \"fleet_score\", \"max\": 0.2, \"severity\": \"ALERT\"}]}");
        assertThatThrownBy(() -> p.requireMetrics(LOCAL))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.pointer()).isEqualTo("/criteria/0/metric"));
    }

    @Test
    void validate_refusesAMetricWhoseSourceIsNotRegistered_namingThePointer() {
        Policy p = Policies.json(MIXED);
        assertThatThrownBy(() -> ExternalMetrics.validate(p, List.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isEqualTo("test.json");
                    assertThat(e.pointer()).isEqualTo("/metrics/fleet_error_rate/source");
                    assertThat(e.problem()).contains("no metric source named 'fake'");
                });
    }

    @Test
    void validate_letsTheSourceCheckItsFields() {
        Policy p = Policies.json(MIXED);
        ExternalMetricSource strict = new FakeSource((a, m) -> null) {
            @Override
            public void validate(ExternalMetric metric) {
                throw new ConfigException(metric.policySource(), metric.pointer() + "/step",
                        metric.field("step"), "step must be a duration", null);
            }
        };
        assertThatThrownBy(() -> ExternalMetrics.validate(p, List.of(strict)))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.pointer()).isEqualTo("/metrics/fleet_error_rate/step"));
    }

    @Test
    void badMetricsSections_failWithThePointer() {
        Map<String, String> cases = Map.of(
                "[1]", "/metrics",
                "{\"a\": 1}", "/metrics/a",
                "{\"a\": {}}", "/metrics/a/source",
                "{\"a\": {\"source\": \" \"}}", "/metrics/a/source",
                "{\"a-b\": {\"source\": \"x\"}}", "/metrics/a-b",
                "{\"a\": {\"source\": \"x\", \"q\": {\"n\": 1}}}", "/metrics/a/q");
        cases.forEach((metrics, pointer) -> assertThatThrownBy(() -> Policies.json(
                "{\"metrics\": " + metrics + ", \"criteria\": [{\"name\": \"n\","
                        + " \"expr\": \"candidate.p95_ms <= 1\", \"severity\": \"ALERT\"}]}"))
                .as(metrics)
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.pointer()).isEqualTo(pointer)));
    }

    @Test
    void query_versionOfEachArm() {
        assertThat(QUERY.version(GateInput.STABLE)).isEqualTo("v1");
        assertThat(QUERY.version(GateInput.CANDIDATE)).isEqualTo("v2");
        assertThatThrownBy(() -> QUERY.version("v3")).isInstanceOf(IllegalArgumentException.class);
    }
}

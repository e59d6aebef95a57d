package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.config.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * Threshold comparisons account for sampling error: a metric compared with a threshold is
 * judged on its confidence bounds, a breach only when the data show it, and not enough data
 * while the bounds straddle the threshold. Bounds: Wilson's, checked against SciPy in
 * {@link EstimateTest}.
 */
class SamplingErrorTest {

    static final Policy KILL = Policies.json("""
            {"aliases": {"v1": "stable", "v2": "candidate"},
             "params": {"slo": {"error_rate": 0.01}},
             "criteria": [{"name": "errors", "fail_when": "v2.error_rate > slo.error_rate",
               "severity": "CRITICAL", "confidence": 0.99}]}
            """);

    private static CriterionResult errors(Policy p, GateInput in) {
        return PolicyEvaluator.evaluate(p, in).criterion("errors");
    }

    @Test
    void candidateAtHalfTheSlo_withOneUnluckyWindow_isNotRolledBack() {
        // 2 errors in 60 requests: 3.3% measured, but the 99% bounds [0.7%, 14%] straddle 1%.
        GateVerdict v = PolicyEvaluator.evaluate(KILL, MapInput.of().errors("candidate", 60, 2));

        assertThat(v.decision()).isEqualTo(GateDecision.HOLD);
        assertThat(v.criterion("errors").status()).isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(v.criterion("errors").detail()).startsWith(
                "the 99% confidence bounds do not decide: candidate.error_rate 0.03333, 99%"
                        + " bounds [");
    }

    @Test
    void breachShownByTheLowerBound_rollsBack() {
        // 12 errors in 600: the 99% lower bound is 1.04% (SciPy: 0.010376...) > 1%.
        GateVerdict v = PolicyEvaluator.evaluate(KILL, MapInput.of().errors("candidate", 600,
                12));

        assertThat(v.decision()).isEqualTo(GateDecision.ROLLBACK);
        CriterionResult r = v.criterion("errors");
        assertThat(r.value()).isEqualTo(0.02);
        assertThat(r.estimates()).containsKey("candidate.error_rate");
        assertThat(r.confidence()).isEqualTo(0.99);
    }

    @Test
    void withinTheSloShownByTheUpperBound_passes() {
        // 0 errors: the 99% upper bound z^2 / (n + z^2) is 0.89% at n = 600, 1.77% at 300.
        assertThat(errors(KILL, MapInput.of().errors("candidate", 600, 0)).status())
                .isEqualTo(CriterionStatus.OK);
        assertThat(errors(KILL, MapInput.of().errors("candidate", 300, 0)).status())
                .isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
    }

    @Test
    void thresholdOnTheLeft_isMirrored() {
        Policy p = Policies.criteria("{\"name\": \"errors\", \"fail_when\":"
                + " \"0.01 < v2.error_rate\", \"severity\": \"CRITICAL\"}");

        // At the default 95%: 1 of 60 straddles ([0.37%, 7.1%], SciPy), 2 of 60 shows a breach.
        assertThat(errors(p, MapInput.of().errors("candidate", 60, 1)).status())
                .isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(errors(p, MapInput.of().errors("candidate", 60, 2)).status())
                .isEqualTo(CriterionStatus.CRITICAL);
        assertThat(errors(p, MapInput.of().errors("candidate", 5000, 5)).status())
                .isEqualTo(CriterionStatus.OK);
    }

    @Test
    void promotionRule_passesOnlyOnceTheUpperBoundIsWithin() {
        Policy p = Policies.criteria("{\"name\": \"errors\", \"expr\":"
                + " \"v2.error_rate <= 0.01\", \"severity\": \"ALERT\"}");

        assertThat(errors(p, MapInput.of().errors("candidate", 200, 1)).status())
                .isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(errors(p, MapInput.of().errors("candidate", 2000, 10)).status())
                .isEqualTo(CriterionStatus.OK);
        assertThat(errors(p, MapInput.of().errors("candidate", 2000, 60)).status())
                .isEqualTo(CriterionStatus.ALERT);
    }

    @Test
    void confidenceOneHalf_comparesAsMeasured_asBefore() {
        Policy p = Policies.criteria("{\"name\": \"errors\", \"fail_when\":"
                + " \"v2.error_rate > 0.01\", \"severity\": \"CRITICAL\", \"confidence\": 0.5}");

        CriterionResult r = errors(p, MapInput.of().errors("candidate", 60, 1));

        assertThat(r.status()).isEqualTo(CriterionStatus.CRITICAL);
        assertThat(r.detail()).isEqualTo("fail_when is true");
        assertThat(r.estimates()).isEmpty();
    }

    @Test
    void noData_isNotEnoughData_neverAPass() {
        CriterionResult r = errors(KILL, MapInput.of().errors("candidate", 0, 0));

        assertThat(r.status()).isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(r.detail()).isEqualTo("an operand is unknown: candidate.error_rate has no"
                + " estimate (0 units)");
    }

    @Test
    void estimateComesFromTheCumulativeEvidence_valueAsMeasuredStaysInObserved() {
        // The last window alone (2 of 60) straddles; the stage so far (30 of 1,000) shows it.
        MapInput stage = MapInput.of().errors("candidate", 1000, 30);
        MapInput window = MapInput.of().errors("candidate", 60, 2).cumulative(stage);

        CriterionResult r = errors(KILL, window);

        assertThat(r.status()).isEqualTo(CriterionStatus.CRITICAL);
        assertThat(r.value()).isEqualTo(0.03);
        assertThat(r.observed()).containsEntry("candidate.error_rate", 2 / 60.0);
        assertThat(r.estimates().get("candidate.error_rate").units()).isEqualTo(1000);
    }

    @Test
    void metricsWithoutAnEstimate_andEquality_areComparedAsMeasured() {
        Policy p = Policies.criteria("{\"name\": \"p95\", \"fail_when\": \"v2.p95_ms > 120\","
                + " \"severity\": \"CRITICAL\"}, {\"name\": \"errors\", \"fail_when\":"
                + " \"v2.error_rate == 0.02\", \"severity\": \"ALERT\"}");
        MapInput in = MapInput.of().set("candidate.p95_ms", 121).errors("candidate", 100, 2);

        GateVerdict v = PolicyEvaluator.evaluate(p, in);

        assertThat(v.criterion("p95").status()).isEqualTo(CriterionStatus.CRITICAL);
        assertThat(v.criterion("errors").status()).isEqualTo(CriterionStatus.ALERT);
        assertThat(v.criterion("errors").estimates()).isEmpty();
    }

    @Test
    void metricAgainstAnotherMetric_isComparedAsMeasured() {
        Policy p = Policies.criteria("{\"name\": \"errors\", \"fail_when\":"
                + " \"v2.error_rate > v1.error_rate * 2\", \"severity\": \"CRITICAL\"}");
        MapInput in = MapInput.of().errors("candidate", 100, 3).errors("stable", 100, 1);

        assertThat(errors(p, in).status()).isEqualTo(CriterionStatus.CRITICAL);
    }

    @Test
    void meansAreBoundedByTheirVariance_byDefault() {
        // mean 0.52, variance 0.25 over 400: se 0.025; 95% bounds 0.52 +- 1.645 * 0.025.
        Policy p = Policies.criteria("{\"name\": \"score\", \"expr\":"
                + " \"v2.avg_score >= 0.5\", \"severity\": \"ALERT\"}");
        MapInput straddles = MapInput.of().moments("candidate", "avg_score", 400, 0.52, 0.25);
        MapInput shown = MapInput.of().moments("candidate", "avg_score", 40_000, 0.52, 0.25);

        assertThat(PolicyEvaluator.evaluate(p, straddles).criterion("score").status())
                .isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(PolicyEvaluator.evaluate(p, shown).criterion("score").status())
                .isEqualTo(CriterionStatus.OK);
    }

    @Test
    void everyCriterionExplainsTheUplift_aProceedToo() {
        Policy p = Policies.criteria("{\"name\": \"errors\", \"fail_when\":"
                + " \"v2.error_rate > 0.05\", \"severity\": \"CRITICAL\"}");
        MapInput in = MapInput.of().errors("stable", 20_000, 40).errors("candidate", 5_000, 5);

        GateVerdict v = PolicyEvaluator.evaluate(p, in);

        assertThat(v.decision()).isEqualTo(GateDecision.PROCEED);
        assertThat(v.explanation()).singleElement().asString()
                .contains("uplift vs stable: error_rate -0.001 (95% CI [")
                .contains("), -50% (95% CI [");
        assertThat(v.criterion("errors").uplifts().get("error_rate").confidenceLevel())
                .isEqualTo(0.95);
    }

    @Test
    void confidenceOutOfRange_isAConfigError_namingPointerAndValue() {
        for (String bad : new String[] {"1", "0.3", "\"nope\"", "true"}) {
            assertThatThrownBy(() -> Policies.criteria("{\"name\": \"e\", \"fail_when\":"
                    + " \"v2.error_rate > 0.01\", \"severity\": \"CRITICAL\", \"confidence\": "
                    + bad + "}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("at /criteria/0/confidence")
                    .hasMessageContaining("but was " + bad);
        }
    }

    @Test
    void confidenceMayNameAParam() {
        Policy p = Policies.json("{\"params\": {\"level\": 0.999}, \"criteria\": [{\"name\":"
                + " \"errors\", \"fail_when\": \"candidate.error_rate > 0.01\", \"severity\":"
                + " \"CRITICAL\", \"confidence\": \"level\"}]}");

        assertThat(errors(p, MapInput.of().errors("candidate", 600, 12)).confidence())
                .isEqualTo(0.999);
    }
}

package dev.releaserouter.replay.eval;

import static dev.releaserouter.replay.eval.ShadowVerdicts.FAIL;
import static dev.releaserouter.replay.eval.ShadowVerdicts.NOT_ENOUGH_DATA;
import static dev.releaserouter.replay.eval.ShadowVerdicts.PASS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.rollout.gates.CriterionResult;
import dev.releaserouter.replay.eval.ShadowEvaluation.NotChecked;
import dev.releaserouter.rollout.gates.CriterionStatus;
import org.junit.jupiter.api.Test;

class ShadowEvaluationTest {

    private static final ShadowCriteria DEFAULTS = ShadowCriteria.defaults();

    @Test
    void healthyCandidate_passesEveryCriterion() {
        ShadowEvaluation e = ShadowEvaluation.evaluate(Healthy.measurements().build(), DEFAULTS);

        assertThat(ShadowVerdicts.verdict(e)).isEqualTo(PASS);
        assertThat(e.criteria()).extracting(CriterionResult::name).containsExactly(
                "match_rate", "failure_rate", "p95_latency_increase_pct", "psi",
                "served_from_shadow");
        assertThat(e.criteria()).extracting(CriterionResult::status).containsOnly(PASS);
        // abs_mean_delta is not in the default policy: not configured means not a criterion
        assertThat(e.notChecked()).isEmpty();
    }

    @Test
    void matchRate_passesAtTheThreshold_andFailsJustBelow() {
        assertThat(status(Healthy.measurements().matches(9_500), "match_rate")).isEqualTo(PASS);
        assertThat(status(Healthy.measurements().matches(9_499), "match_rate")).isEqualTo(FAIL);
    }

    @Test
    void matchRate_reportsMeasuredThresholdComparisonAndSample() {
        CriterionResult r = evaluate(Healthy.measurements().matches(9_500))
                .criterion("match_rate").orElseThrow();

        assertThat(r.value()).isEqualTo(0.95);
        assertThat(r.threshold()).isEqualTo(0.95);
        assertThat(r.expression()).contains(" >= ");
        assertThat(ShadowEvaluation.sampleSize(r)).isEqualTo(Healthy.N);
    }

    @Test
    void failureRate_countsErrorsTimeoutsInvalidOutputsAndFallbacks() {
        ShadowMeasurements m = Healthy.measurements().successes(9_750).errors(100).timeouts(100)
                .invalidOutputs(50).fallbacks(50).comparisons(9_750).matches(9_750).build();

        CriterionResult r = ShadowEvaluation.evaluate(m, DEFAULTS).criterion("failure_rate")
                .orElseThrow();

        assertThat(r.value()).isEqualTo(0.03);
        assertThat(ShadowEvaluation.sampleSize(r)).isEqualTo(Healthy.N);
        assertThat(r.status()).isEqualTo(PASS);
        assertThat(r.expression()).contains(" <= ");
    }

    @Test
    void failureRate_passesAtTheThreshold_andFailsJustAbove() {
        assertThat(status(Healthy.measurements().successes(9_700).timeouts(300),
                "failure_rate")).isEqualTo(PASS);
        assertThat(status(Healthy.measurements().successes(9_699).timeouts(301),
                "failure_rate")).isEqualTo(FAIL);
    }

    @Test
    void p95Increase_passesAtFifteenPercent_andFailsJustAbove() {
        ShadowMeasurements.Builder at = Healthy.measurements()
                .candidateLatency(new LatencySummary(Healthy.N, 40, 115, 200));
        ShadowMeasurements.Builder past = Healthy.measurements()
                .candidateLatency(new LatencySummary(Healthy.N, 40, 115.01, 200));

        CriterionResult r = evaluate(at).criterion("p95_latency_increase_pct").orElseThrow();
        assertThat(r.value()).isEqualTo(15.0);
        assertThat(r.status()).isEqualTo(PASS);
        assertThat(status(past, "p95_latency_increase_pct")).isEqualTo(FAIL);
    }

    @Test
    void p95Increase_sampleIsTheSmallerLatencySample() {
        CriterionResult r = evaluate(Healthy.measurements()
                .candidateLatency(new LatencySummary(99, 1, 2, 3)))
                .criterion("p95_latency_increase_pct").orElseThrow();

        assertThat(ShadowEvaluation.sampleSize(r)).isEqualTo(99);
        assertThat(r.status()).isEqualTo(NOT_ENOUGH_DATA);
    }

    @Test
    void p95Increase_overAStableP95OfZero_isInfinite_andFails() {
        CriterionResult r = evaluate(Healthy.measurements()
                .stableLatency(new LatencySummary(Healthy.N, 0, 0, 0)))
                .criterion("p95_latency_increase_pct").orElseThrow();

        assertThat(r.value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(r.status()).isEqualTo(FAIL);
    }

    @Test
    void psi_passesAtTheThreshold_andFailsJustAbove() {
        assertThat(status(Healthy.measurements().psi(0.2, Healthy.N), "psi")).isEqualTo(PASS);
        assertThat(status(Healthy.measurements().psi(Math.nextUp(0.2), Healthy.N), "psi"))
                .isEqualTo(FAIL);
    }

    @Test
    void psi_isNotChecked_whenOutputsAreNotScores() {
        ShadowEvaluation e = evaluate(Healthy.measurements().psi(Double.NaN, 0));

        assertThat(e.criterion("psi")).isEmpty();
        assertThat(e.notChecked()).contains(new NotChecked("psi",
                "outputs are not numeric scores"));
        assertThat(ShadowVerdicts.verdict(e)).isEqualTo(PASS);
    }

    @Test
    void psi_isNotChecked_whenItsThresholdIsNaN() {
        ShadowEvaluation e = ShadowEvaluation.evaluate(Healthy.measurements().psi(5, Healthy.N)
                .build(), ShadowCriteria.builder().maxPsi(Double.NaN).build());

        assertThat(e.criterion("psi")).isEmpty();
        assertThat(e.policy().criterionNames()).doesNotContain("psi");
        assertThat(ShadowVerdicts.verdict(e)).isEqualTo(PASS);
    }

    @Test
    void absMeanDelta_whenConfigured_passesAtTheThresholdOnEitherSide_andFailsJustAbove() {
        ShadowCriteria c = ShadowCriteria.builder().maxAbsMeanDelta(0.05).build();

        assertThat(status(delta(0.05), c)).isEqualTo(PASS);
        assertThat(status(delta(-0.05), c)).isEqualTo(PASS);
        assertThat(status(delta(Math.nextUp(0.05)), c)).isEqualTo(FAIL);
        assertThat(status(delta(-0.0501), c)).isEqualTo(FAIL);
    }

    @Test
    void absMeanDelta_whenConfiguredWithoutDeltas_lacksData() {
        ShadowCriteria c = ShadowCriteria.builder().maxAbsMeanDelta(0.05).build();

        CriterionResult r = ShadowEvaluation.evaluate(
                Healthy.measurements().scoreDelta(DeltaSummary.EMPTY).build(), c)
                .criterion("abs_mean_delta").orElseThrow();

        assertThat(r.status()).isEqualTo(NOT_ENOUGH_DATA);
        assertThat(r.value()).isNaN();
    }

    @Test
    void servedFromShadow_passesAtZero_andFailsAtOne() {
        assertThat(status(Healthy.measurements().servedFromShadow(0), "served_from_shadow"))
                .isEqualTo(PASS);
        assertThat(status(Healthy.measurements().servedFromShadow(1), "served_from_shadow"))
                .isEqualTo(FAIL);
    }

    @Test
    void servedFromShadow_failsEvenOnTooFewCalls() {
        ShadowMeasurements m = ShadowMeasurements.builder().successes(3).servedFromShadow(1)
                .build();

        ShadowEvaluation e = ShadowEvaluation.evaluate(m, DEFAULTS);

        assertThat(e.criterion("served_from_shadow").orElseThrow().status()).isEqualTo(FAIL);
        assertThat(ShadowVerdicts.verdict(e)).isEqualTo(FAIL);
    }

    @Test
    void belowMinSamples_everyCriterionLacksData_evenWhenPerfect() {
        ShadowMeasurements m = ShadowMeasurements.builder().successes(99).comparisons(99)
                .matches(99).stableLatency(new LatencySummary(99, 1, 1, 1))
                .candidateLatency(new LatencySummary(99, 1, 1, 1)).psi(0, 99).build();
        ShadowCriteria c = ShadowCriteria.builder().maxAbsMeanDelta(1).build();

        ShadowEvaluation e = ShadowEvaluation.evaluate(m, c);

        assertThat(e.criteria()).hasSize(6);
        // zero impact is judged on any number of calls ("min_samples": 0): none served passes
        assertThat(e.criteria()).filteredOn(r -> !r.name().equals("served_from_shadow"))
                .extracting(CriterionResult::status).containsOnly(NOT_ENOUGH_DATA);
        assertThat(e.criterion("served_from_shadow").orElseThrow().status()).isEqualTo(PASS);
        assertThat(ShadowVerdicts.verdict(e)).isEqualTo(NOT_ENOUGH_DATA);
    }

    @Test
    void atMinSamples_criteriaAreJudged() {
        ShadowMeasurements m = ShadowMeasurements.builder().successes(100).comparisons(100)
                .matches(100).stableLatency(new LatencySummary(100, 1, 1, 1))
                .candidateLatency(new LatencySummary(100, 1, 1, 1)).psi(0, 100).build();

        assertThat(ShadowVerdicts.verdict(ShadowEvaluation.evaluate(m, DEFAULTS))).isEqualTo(PASS);
    }

    @Test
    void noData_lacksData() {
        ShadowEvaluation e = ShadowEvaluation.evaluate(ShadowMeasurements.builder().build(),
                DEFAULTS);

        assertThat(ShadowVerdicts.verdict(e)).isEqualTo(NOT_ENOUGH_DATA);
        assertThat(e.criterion("match_rate").orElseThrow().value()).isNaN();
    }

    @Test
    void aFailure_outranksMissingData() {
        ShadowEvaluation e = evaluate(Healthy.measurements().matches(10)
                .candidateLatency(LatencySummary.EMPTY));

        assertThat(e.criterion("p95_latency_increase_pct").orElseThrow().status())
                .isEqualTo(NOT_ENOUGH_DATA);
        assertThat(ShadowVerdicts.verdict(e)).isEqualTo(FAIL);
    }

    private static ShadowMeasurements.Builder delta(double mean) {
        return Healthy.measurements().scoreDelta(new DeltaSummary(Healthy.N, mean, -1, 1, -0.5,
                0, 0.5));
    }

    private static ShadowEvaluation evaluate(ShadowMeasurements.Builder m) {
        return ShadowEvaluation.evaluate(m.build(), DEFAULTS);
    }

    private static CriterionStatus status(ShadowMeasurements.Builder m, String criterion) {
        return evaluate(m).criterion(criterion).orElseThrow().status();
    }

    private static CriterionStatus status(ShadowMeasurements.Builder m, ShadowCriteria c) {
        return ShadowEvaluation.evaluate(m.build(), c).criterion("abs_mean_delta").orElseThrow()
                .status();
    }
}

package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.releaserouter.stats.ArmSummary;
import dev.releaserouter.stats.MetricKind;
import dev.releaserouter.stats.PopulationStability;
import dev.releaserouter.stats.SequentialTest;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatisticalCriteriaTest {

    private static final Policy NI = Policies.criteria("{\"name\": \"ni\","
            + " \"type\": \"non_inferiority\", \"metric\": \"conversion\", \"margin\": 0.01,"
            + " \"severity\": \"ALERT\"}");

    private static MapInput conversions(long nc, long xc, long nt, long xt) {
        return MapInput.of().conversions(GateInput.STABLE, "conversion", nc, xc)
                .conversions(GateInput.CANDIDATE, "conversion", nt, xt);
    }

    @Test
    void nonInferiority_equalRates_isOk() {
        // d = 0, se = sqrt(2 * 0.09 / 10000) = 0.004243; 90% interval +- 0.006979 > -0.01
        CriterionResult r = PolicyEvaluator.evaluate(NI, conversions(10_000, 1_000, 10_000,
                1_000)).criterion("ni");
        assertThat(r.status()).isEqualTo(CriterionStatus.OK);
        assertThat(r.value()).isEqualTo(0);
        assertThat(r.threshold()).isEqualTo(-0.01);
        assertThat(r.pValue()).isEqualTo(1.0);
        assertThat(r.samples()).containsEntry("stable", 10_000L);
        assertThat(r.detail()).contains("two-proportion z-test", "90%", "non-inferior");
    }

    @Test
    void nonInferiority_clearlyWorse_isBreached() {
        // d = -0.02, se = 0.004045, upper = -0.02 + 1.645 * 0.004045 = -0.01335 < -0.01
        CriterionResult r = PolicyEvaluator.evaluate(NI, conversions(10_000, 1_000, 10_000,
                800)).criterion("ni");
        assertThat(r.status()).isEqualTo(CriterionStatus.ALERT);
        assertThat(r.value()).isCloseTo(-0.02, within(1e-12));
        assertThat(r.statistic()).isLessThan(-4);
        assertThat(r.detail()).contains("inferior");
    }

    @Test
    void nonInferiority_smallSample_isInconclusive_soNotEnoughData() {
        // d = -0.005, se = 0.00975: interval [-0.021, 0.011] straddles -0.01
        GateVerdict v = PolicyEvaluator.evaluate(NI, conversions(10_000, 1_000, 1_000, 95));
        assertThat(v.criterion("ni").status()).isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(v.decision()).isEqualTo(GateDecision.HOLD);
    }

    @Test
    void nonInferiority_noConversionsInEitherArm_isUndefined_notAPass() {
        // 0/500 vs 0/500: the difference has no standard error (R's prop.test says NaN);
        // "p = 1, interval [0, 0]" would read as proof of equality.
        GateVerdict v = PolicyEvaluator.evaluate(NI, conversions(500, 0, 500, 0));

        assertThat(v.criterion("ni").status()).isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(v.criterion("ni").detail()).contains("standard error is 0 or undefined");
        assertThat(v.decision()).isEqualTo(GateDecision.HOLD);
    }

    @Test
    void nonInferiority_unknownCounts_isNotEnoughData() {
        assertThat(PolicyEvaluator.evaluate(NI, MapInput.of()).criterion("ni").status())
                .isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
    }

    @Test
    void nonInferiority_continuousLowerIsBetter_usesWelch() {
        Policy p = Policies.criteria("{\"name\": \"lat\", \"type\": \"non_inferiority\","
                + " \"metric\": \"latency_ms\", \"margin\": 5, \"kind\": \"continuous\","
                + " \"direction\": \"lower_is_better\", \"severity\": \"CRITICAL\"}");
        // d = 1 ms, se = sqrt(2 * 100 / 5000) = 0.2: upper 1.33 < 5 -> non-inferior
        MapInput ok = MapInput.of().moments(GateInput.STABLE, "latency_ms", 5000, 100, 100)
                .moments(GateInput.CANDIDATE, "latency_ms", 5000, 101, 100);
        assertThat(PolicyEvaluator.evaluate(p, ok).decision()).isEqualTo(GateDecision.PROCEED);
        // d = 10 ms: lower 9.67 > 5 -> inferior
        MapInput bad = MapInput.of().moments(GateInput.STABLE, "latency_ms", 5000, 100, 100)
                .moments(GateInput.CANDIDATE, "latency_ms", 5000, 110, 100);
        CriterionResult r = PolicyEvaluator.evaluate(p, bad).criterion("lat");
        assertThat(r.status()).isEqualTo(CriterionStatus.CRITICAL);
        assertThat(r.threshold()).isEqualTo(5);
        assertThat(r.detail()).contains("Welch");
    }

    private static Policy sequential(String require) {
        return Policies.criteria("{\"name\": \"seq\", \"type\": \"sequential\","
                + " \"metric\": \"conversion\", \"direction\": \"higher_is_better\","
                + " \"alpha\": 0.05, \"mixing_sd\": 0.01, \"require\": \"" + require + "\","
                + " \"severity\": \"CRITICAL\"}");
    }

    @Test
    void sequential_matchesRouterStats_andRollsBackOnSignificantHarm() {
        CriterionResult r = PolicyEvaluator.evaluate(sequential("no_harm"),
                conversions(10_000, 1_000, 10_000, 800)).criterion("seq");
        SequentialTest expected = SequentialTest.start(MetricKind.CONVERSION, 0.01, 0.05)
                .observe(ArmSummary.ofConversions(10_000, 1_000),
                        ArmSummary.ofConversions(10_000, 800));
        assertThat(r.pValue()).isEqualTo(expected.pValue()).isLessThan(1e-3);
        assertThat(r.value()).isCloseTo(-0.02, within(1e-12));
        assertThat(r.status()).isEqualTo(CriterionStatus.CRITICAL);
        assertThat(r.detail()).contains("significantly worse");
    }

    @Test
    void sequential_noDifference_passesForNoHarm_butHoldsWhenImprovementIsRequired() {
        MapInput same = conversions(10_000, 1_000, 10_000, 1_000);
        assertThat(PolicyEvaluator.evaluate(sequential("no_harm"), same).decision())
                .isEqualTo(GateDecision.PROCEED);
        assertThat(PolicyEvaluator.evaluate(sequential("improvement"), same).decision())
                .isEqualTo(GateDecision.HOLD);
        MapInput better = conversions(10_000, 1_000, 10_000, 1_200);
        assertThat(PolicyEvaluator.evaluate(sequential("improvement"), better).decision())
                .isEqualTo(GateDecision.PROCEED);
    }

    @Test
    void sequential_carriesItsAlwaysValidPValueAcrossWindows() {
        // A harmful first look, then cumulative data that looks neutral: the running minimum
        // keeps the rejection, as the mSPRT's p-value never increases.
        List<GateVerdict> v = PolicyEvaluator.evaluateWindows(sequential("no_harm"), List.of(
                conversions(10_000, 1_000, 10_000, 800),
                conversions(20_000, 2_000, 20_000, 2_000)));
        SequentialTest expected = SequentialTest.start(MetricKind.CONVERSION, 0.01, 0.05)
                .observe(ArmSummary.ofConversions(10_000, 1_000),
                        ArmSummary.ofConversions(10_000, 800))
                .observe(ArmSummary.ofConversions(20_000, 2_000),
                        ArmSummary.ofConversions(20_000, 2_000));
        CriterionResult second = v.get(1).criterion("seq");
        assertThat(second.pValue()).isEqualTo(expected.pValue());
        assertThat(second.pValue()).isEqualTo(v.get(0).criterion("seq").pValue());
        assertThat(second.detail()).contains("look 2");
    }

    @Test
    void sequential_readsTheCumulativeEvidence_andStartsAfreshWithoutItsState() {
        Policy p = sequential("no_harm");
        // The window alone looks neutral; the cumulative evidence shows harm.
        MapInput window = conversions(1_000, 100, 1_000, 100)
                .cumulative(conversions(10_000, 1_000, 10_000, 800));
        GateVerdict first = PolicyEvaluator.evaluate(p, window);
        GateHistory history = GateHistory.empty().append(first);

        GateVerdict kept = PolicyEvaluator.evaluate(p, conversions(20_000, 2_000, 20_000,
                2_000), history);
        GateVerdict fresh = PolicyEvaluator.evaluate(p, conversions(20_000, 2_000, 20_000,
                2_000), history.withoutSequentialTests());

        assertThat(first.criterion("seq").status()).isEqualTo(CriterionStatus.CRITICAL);
        assertThat(first.criterion("seq").samples()).containsEntry("stable", 10_000L);
        assertThat(kept.criterion("seq").detail()).contains("look 2");
        assertThat(kept.criterion("seq").pValue()).isEqualTo(first.criterion("seq").pValue())
                .isLessThan(0.05);
        assertThat(fresh.criterion("seq").detail()).contains("look 1");
        assertThat(fresh.criterion("seq").pValue()).isGreaterThan(0.05);
        assertThat(history.withoutSequentialTests().windows()).isEqualTo(1);
    }

    private static final Policy PSI = Policies.criteria("{\"name\": \"drift\", \"type\": \"psi\","
            + " \"metric\": \"score\", \"max\": 0.2, \"severity\": \"ALERT\"}");

    @Test
    void psi_identicalHistograms_isZero_andOk() {
        CriterionResult r = PolicyEvaluator.evaluate(PSI, MapInput.of()
                .histogram(GateInput.STABLE, "score", 10, 20, 30, 40)
                .histogram(GateInput.CANDIDATE, "score", 20, 40, 60, 80)).criterion("drift");
        assertThat(r.value()).isCloseTo(0, within(1e-12));
        assertThat(r.status()).isEqualTo(CriterionStatus.OK);
        assertThat(r.samples()).containsEntry("stable", 100L).containsEntry("candidate", 200L);
    }

    @Test
    void psi_shiftedHistogram_matchesTheTextbookValue_andIsBreached() {
        // (0.9 - 0.5) ln(0.9 / 0.5) + (0.1 - 0.5) ln(0.1 / 0.5) = 0.87889
        CriterionResult r = PolicyEvaluator.evaluate(PSI, MapInput.of()
                .histogram(GateInput.STABLE, "score", 50, 50)
                .histogram(GateInput.CANDIDATE, "score", 90, 10)).criterion("drift");
        assertThat(r.value()).isCloseTo(0.4 * Math.log(1.8) + 0.4 * Math.log(5), within(1e-9))
                .isEqualTo(PopulationStability.index(new long[] {50, 50}, new long[] {90, 10})
                        .value());
        assertThat(r.status()).isEqualTo(CriterionStatus.ALERT);
        assertThat(r.threshold()).isEqualTo(0.2);
    }

    @Test
    void psi_missingOrMismatchedHistograms_isNotEnoughData() {
        assertThat(PolicyEvaluator.evaluate(PSI, MapInput.of()).criterion("drift").status())
                .isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(PolicyEvaluator.evaluate(PSI, MapInput.of()
                .histogram(GateInput.STABLE, "score", 1, 2, 3)
                .histogram(GateInput.CANDIDATE, "score", 1, 2)).criterion("drift").status())
                .isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
    }

    private static final Policy MAE = Policies.criteria("{\"name\": \"mae\","
            + " \"type\": \"relative_increase\", \"metric\": \"mae\", \"max_pct\": 20,"
            + " \"severity\": \"CRITICAL\"}");

    @Test
    void relativeIncrease_againstTheStableArm() {
        CriterionResult bad = PolicyEvaluator.evaluate(MAE, MapInput.of().set("stable.mae", 10)
                .set("candidate.mae", 12.5)).criterion("mae");
        assertThat(bad.value()).isCloseTo(25, within(1e-9));
        assertThat(bad.status()).isEqualTo(CriterionStatus.CRITICAL);
        CriterionResult ok = PolicyEvaluator.evaluate(MAE, MapInput.of().set("stable.mae", 10)
                .set("candidate.mae", 11.9)).criterion("mae");
        assertThat(ok.value()).isCloseTo(19, within(1e-9));
        assertThat(ok.status()).isEqualTo(CriterionStatus.OK);
        assertThat(ok.observed()).containsEntry("stable.mae", 10.0)
                .containsEntry("candidate.mae", 11.9);
    }

    @Test
    void relativeIncrease_againstAFixedBaselineParam() {
        Policy p = Policies.json("{\"params\": {\"baseline\": {\"mae_pct\": 10.0}},"
                + " \"criteria\": [{\"name\": \"mae\", \"type\": \"relative_increase\","
                + " \"metric\": \"mae_pct\", \"max_pct\": 20, \"baseline\": \"baseline.mae_pct\","
                + " \"severity\": \"CRITICAL\"}]}");
        // Seed 003's sequence: baseline 10.0, checkpoint 10.5 -> +5%
        CriterionResult r = PolicyEvaluator.evaluate(p, MapInput.of().set("candidate.mae_pct",
                10.5)).criterion("mae");
        assertThat(r.value()).isCloseTo(5, within(1e-9));
        assertThat(r.status()).isEqualTo(CriterionStatus.OK);
        assertThat(r.samples()).containsOnlyKeys("candidate");
        assertThat(PolicyEvaluator.evaluate(p, MapInput.of()).decision())
                .isEqualTo(GateDecision.HOLD);
    }
}

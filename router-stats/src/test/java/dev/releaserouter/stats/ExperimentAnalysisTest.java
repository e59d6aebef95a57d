package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

class ExperimentAnalysisTest {

    private static final AnalysisConfig CONVERSION = AnalysisConfig.builder(MetricKind.CONVERSION)
            .build();

    @Test
    void significantIncrease_inConversion_isBetter() {
        // prop.test(c(130, 100), c(1000, 1000), correct = FALSE)$p.value  # 0.035488450466474711
        ExperimentAnalysis a = ExperimentAnalysis.of(CONVERSION,
                ArmSummary.ofConversions(1000, 100), ArmSummary.ofConversions(1000, 130));
        assertThat(a.verdict()).isEqualTo(Verdict.BETTER);
        assertThat(a.pValue()).isCloseTo(0.035488450466474711, withinPercentage(1e-7));
        assertThat(a.significant()).isTrue();
        assertThat(a.uplift().relative()).isCloseTo(0.3, withinPercentage(1e-9));
        assertThat(a.minimumSampleReached()).isTrue();
        assertThat(a.requiredSample()).isEmpty();
        assertThat(a.srmOk()).isTrue();
        assertThat(a.actionable()).isTrue();
        assertThat(a.summary()).startsWith("BETTER: treatment 0.130000 vs control 0.100000")
                .contains("n 1000/1000").contains("SRM p=1.000 ok");
    }

    @Test
    void readmeExample_v2IsBetterAndHasEnoughData() {
        // The example of README.md and docs/stats.md, checked against R 4.2.2:
        // r <- prop.test(c(6480, 6100), c(60800, 61000), correct = FALSE)
        //   r$p.value 0.00016175449195404628, r$conf.int 0.0031607756822943120
        //   0.0099971190545477782
        // mc <- 6100/61000; mt <- 6480/60800; vc <- mc*(1-mc)/61000; vt <- mt*(1-mt)/60800
        // (mt-mc)/mc + c(-1,1)*qnorm(.975)*sqrt(vt/mc^2 + mt^2*vc/mc^4)
        //   # 0.030498989872078872 0.101079957496342035
        // chisq.test(c(61000, 60800))$p.value  # 0.56659848028324966
        // power.prop.test(p1 = .10, p2 = .105, power = .8)$n  # 57762.65 -> 57763 per arm
        AnalysisConfig config = AnalysisConfig.builder(MetricKind.CONVERSION)
                .minimumDetectableEffect(Effect.relative(0.05))
                .baseline(0.10)
                .build();
        ExperimentAnalysis v2 = ExperimentAnalysis.of(config,
                ArmSummary.ofConversions(61_000, 6_100), ArmSummary.ofConversions(60_800, 6_480));
        assertThat(v2.verdict()).isEqualTo(Verdict.BETTER);
        assertThat(v2.minimumSampleReached()).isTrue();
        assertThat(v2.requiredSample()).map(SampleRequirement::control).contains(57_763L);
        assertThat(v2.pValue()).isCloseTo(0.00016175449195404628, withinPercentage(1e-7));
        assertThat(v2.uplift().absoluteInterval().lower())
                .isCloseTo(0.0031607756822943120, withinPercentage(1e-7));
        assertThat(v2.uplift().relativeInterval().lower())
                .isCloseTo(0.030498989872078872, withinPercentage(1e-7));
        assertThat(v2.uplift().relativeInterval().upper())
                .isCloseTo(0.101079957496342035, withinPercentage(1e-7));
        assertThat(v2.srm().pValue()).isCloseTo(0.56659848028324966, withinPercentage(1e-7));
        assertThat(v2.srmOk()).isTrue();
        assertThat(v2.actionable()).isTrue();
        assertThat(v2.summary()).isEqualTo("BETTER: treatment 0.106579 vs control 0.100000"
                + " (n 60800/61000); uplift +0.00657895 [0.00316078, 0.00999712], relative"
                + " +6.579% [3.050%, 10.11%]; p=0.0001618 (log p -8.729) vs alpha 0.05000,"
                + " significant; minimum sample reached (required 57763/57763); SRM p=0.5666 ok");
    }

    @Test
    void significantIncrease_inLowerIsBetterMetric_isWorse() {
        AnalysisConfig mae = AnalysisConfig.builder(MetricKind.CONTINUOUS)
                .direction(Direction.LOWER_IS_BETTER).build();
        ExperimentAnalysis a = ExperimentAnalysis.of(mae, ArmSummary.ofMoments(500, 10, 4),
                ArmSummary.ofMoments(500, 12, 4));
        assertThat(a.verdict()).isEqualTo(Verdict.WORSE);
        assertThat(a.test().method()).isEqualTo(Means.WELCH);
        assertThat(a.actionable()).isTrue();
    }

    @Test
    void significantDecrease_inLowerIsBetterMetric_isBetter() {
        AnalysisConfig latency = AnalysisConfig.builder(MetricKind.CONTINUOUS)
                .direction(Direction.LOWER_IS_BETTER).build();
        ExperimentAnalysis a = ExperimentAnalysis.of(latency, ArmSummary.ofMoments(500, -3, 1),
                ArmSummary.ofMoments(500, -4, 1));
        assertThat(a.verdict()).isEqualTo(Verdict.BETTER);
        assertThat(a.uplift().relative()).isCloseTo(-1.0 / 3, withinPercentage(1e-9));
    }

    @Test
    void significantButBelowRequiredSample_isNotEnoughData() {
        // power.prop.test(p1 = .10, p2 = .105, power = .8)$n  # 57762.65 per arm
        AnalysisConfig config = CONVERSION.toBuilder()
                .minimumDetectableEffect(Effect.relative(0.05)).baseline(0.10).build();
        ExperimentAnalysis a = ExperimentAnalysis.of(config,
                ArmSummary.ofConversions(1000, 100), ArmSummary.ofConversions(1000, 130));
        assertThat(a.significant()).isTrue();
        assertThat(a.minimumSampleReached()).isFalse();
        assertThat(a.requiredSample()).get().extracting(SampleRequirement::control)
                .isEqualTo(57763L);
        assertThat(a.verdict()).isEqualTo(Verdict.NOT_ENOUGH_DATA);
        assertThat(a.actionable()).isFalse();
        assertThat(a.summary()).contains("minimum sample not reached (required 57763/57763)");
    }

    @Test
    void requiredSampleReached_allowsTheVerdict() {
        AnalysisConfig config = CONVERSION.toBuilder()
                .minimumDetectableEffect(Effect.relative(0.05)).baseline(0.10).build();
        ExperimentAnalysis a = ExperimentAnalysis.of(config,
                ArmSummary.ofConversions(60_000, 6000), ArmSummary.ofConversions(60_000, 6400));
        assertThat(a.minimumSampleReached()).isTrue();
        assertThat(a.verdict()).isEqualTo(Verdict.BETTER);
    }

    @Test
    void observedBaselineOfZero_leavesTheMinimumUnknown() {
        AnalysisConfig config = CONVERSION.toBuilder()
                .minimumDetectableEffect(Effect.relative(0.1)).build();
        ExperimentAnalysis a = ExperimentAnalysis.of(config, ArmSummary.ofConversions(500, 0),
                ArmSummary.ofConversions(500, 40));
        assertThat(a.requiredSample()).isEmpty();
        assertThat(a.minimumSampleReached()).isFalse();
        assertThat(a.verdict()).isEqualTo(Verdict.NOT_ENOUGH_DATA);
    }

    @Test
    void belowTheFloorOfTenUnits_isNotEnoughData() {
        ExperimentAnalysis a = ExperimentAnalysis.of(CONVERSION, ArmSummary.ofConversions(9, 0),
                ArmSummary.ofConversions(9, 9));
        assertThat(a.verdict()).isEqualTo(Verdict.NOT_ENOUGH_DATA);
        assertThat(a.minimumSampleReached()).isFalse();
    }

    @Test
    void start_hasNoDataAndNoVerdict() {
        ExperimentAnalysis a = ExperimentAnalysis.start(CONVERSION);
        assertThat(a.control().n()).isZero();
        assertThat(a.verdict()).isEqualTo(Verdict.NOT_ENOUGH_DATA);
        assertThat(a.test().defined()).isFalse();
        assertThat(a.pValue()).isNaN();
        assertThat(a.srmOk()).isTrue();
    }

    @Test
    void zeroConversionsInBothArms_isNotEnoughDataNotNoDifference() {
        ExperimentAnalysis a = ExperimentAnalysis.of(CONVERSION, ArmSummary.ofConversions(500, 0),
                ArmSummary.ofConversions(500, 0));
        assertThat(a.test().defined()).isFalse();
        assertThat(a.pValue()).isNaN();
        assertThat(a.significant()).isFalse();
        assertThat(a.verdict()).isEqualTo(Verdict.NOT_ENOUGH_DATA);
        assertThat(a.actionable()).isFalse();
    }

    @Test
    void identicalArms_detectNoDifference() {
        ArmSummary arm = ArmSummary.ofConversions(100_000_000L, 10_000_000L);
        ExperimentAnalysis a = ExperimentAnalysis.of(CONVERSION, arm, arm);
        assertThat(a.verdict()).isEqualTo(Verdict.NO_DIFFERENCE_DETECTED);
        assertThat(a.pValue()).isEqualTo(1.0);
        assertThat(a.actionable()).isFalse();
    }

    @Test
    void zeroVarianceEqualContinuousArms_isNotEnoughData() {
        // t = 0/0: undefined, not evidence of equality.
        AnalysisConfig config = AnalysisConfig.builder(MetricKind.CONTINUOUS).build();
        ExperimentAnalysis a = ExperimentAnalysis.of(config, ArmSummary.ofMoments(50, 2, 0),
                ArmSummary.ofMoments(50, 2, 0));
        assertThat(a.verdict()).isEqualTo(Verdict.NOT_ENOUGH_DATA);
    }

    @Test
    void unevenSplit_failsTheSrmCheckAndIsNotActionable() {
        // chisq.test(c(10000, 10600))$p.value  # 2.9e-05 < 0.001
        ExperimentAnalysis a = ExperimentAnalysis.of(CONVERSION,
                ArmSummary.ofConversions(10_000, 1000), ArmSummary.ofConversions(10_600, 1300));
        assertThat(a.verdict()).isEqualTo(Verdict.BETTER);
        assertThat(a.srmOk()).isFalse();
        assertThat(a.actionable()).isFalse();
        assertThat(a.summary()).endsWith("MISMATCH");
    }

    @Test
    void canaryWeights_setSrmExpectationAndAllocationRatio() {
        AnalysisConfig config = CONVERSION.toBuilder().weights(95, 5)
                .minimumDetectableEffect(Effect.absolute(0.02)).baseline(0.1).build();
        ExperimentAnalysis a = ExperimentAnalysis.of(config,
                ArmSummary.ofConversions(19_000, 1900), ArmSummary.ofConversions(1000, 100));
        assertThat(a.srmOk()).isTrue();
        SampleRequirement required = a.requiredSample().orElseThrow();
        assertThat(required).isEqualTo(SampleSize.forProportions(0.1, Effect.absolute(0.02),
                new TestDesign(0.05, 0.8, 5.0 / 95), ProportionMethod.POOLED_NORMAL));
        assertThat(required.treatment()).isLessThan(required.control());
    }

    @Test
    void sequentialMode_carriesTheAlwaysValidPValueAcrossLooks() {
        AnalysisConfig config = CONVERSION.toBuilder()
                .minimumDetectableEffect(Effect.absolute(0.02)).sequential().build();
        assertThat(config.mixingStandardDeviation()).isEqualTo(0.02);
        ExperimentAnalysis a = ExperimentAnalysis.start(config)
                .update(ArmSummary.ofConversions(2000, 200), ArmSummary.ofConversions(2000, 250))
                .update(ArmSummary.ofConversions(4000, 400), ArmSummary.ofConversions(4000, 520));
        SequentialTest expected = SequentialTest.start(MetricKind.CONVERSION, 0.02, 0.05)
                .observe(ArmSummary.ofConversions(2000, 200), ArmSummary.ofConversions(2000, 250))
                .observe(ArmSummary.ofConversions(4000, 400), ArmSummary.ofConversions(4000, 520));
        assertThat(a.sequential()).get().extracting(SequentialTest::looks).isEqualTo(2);
        assertThat(a.pValue()).isEqualTo(expected.pValue());
        assertThat(a.pValue()).isGreaterThan(a.test().pValue());
    }

    @Test
    void sequentialMode_canStopBeforeTheRequiredSample() {
        AnalysisConfig config = CONVERSION.toBuilder()
                .minimumDetectableEffect(Effect.absolute(0.005)).baseline(0.1).sequential()
                .build();
        ExperimentAnalysis a = ExperimentAnalysis.of(config,
                ArmSummary.ofConversions(20_000, 2000), ArmSummary.ofConversions(20_000, 2600));
        assertThat(a.minimumSampleReached()).isFalse();
        assertThat(a.significant()).isTrue();
        assertThat(a.verdict()).isEqualTo(Verdict.BETTER);
    }

    @Test
    void sequentialWithoutAnEffectScale_isRejected() {
        assertThatThrownBy(() -> CONVERSION.toBuilder()
                .minimumDetectableEffect(Effect.relative(0.05)).sequential().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("sequential() needs an absolute minimumDetectableEffect");
    }

    @Test
    void invalidConfig_isRejectedNamingTheArgument() {
        assertThatThrownBy(() -> AnalysisConfig.builder(MetricKind.CONVERSION).alpha(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("alpha must be in (0, 1), but was 1.5");
        assertThatThrownBy(() -> AnalysisConfig.builder(MetricKind.CONVERSION).weights(0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("controlWeight must be a finite number > 0, but was 0.0");
        assertThatThrownBy(() -> AnalysisConfig.builder(MetricKind.CONVERSION)
                .minimumSamplePerArm(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minimumSamplePerArm must be >= 0, but was -1");
    }
}

package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Reference values from R 4.2.2; each call is written next to its numbers. */
class ProportionsTest {

    private static final ArmSummary CONTROL = ArmSummary.ofConversions(1000, 100);
    private static final ArmSummary TREATMENT = ArmSummary.ofConversions(1000, 130);

    @Test
    void zTest_matchesRPropTestWithoutCorrection() {
        // r <- prop.test(c(130, 100), c(1000, 1000), correct = FALSE)
        // sqrt(r$statistic) 2.1027406056221145, r$p.value 0.035488450466474711,
        // r$conf.int 0.0020679344393763725 0.057932065560623622
        TestResult r = Proportions.zTest(CONTROL, TREATMENT);
        assertThat(r.estimate()).isCloseTo(0.03, Offset.offset(1e-15));
        assertThat(r.statistic()).isCloseTo(2.1027406056221145, withinPercentage(1e-7));
        assertThat(r.pValue()).isCloseTo(0.035488450466474711, withinPercentage(1e-7));
        assertThat(r.confidenceInterval().lower())
                .isCloseTo(0.0020679344393763725, withinPercentage(1e-7));
        assertThat(r.confidenceInterval().upper())
                .isCloseTo(0.057932065560623622, withinPercentage(1e-7));
        assertThat(r.significantAt(0.05)).isTrue();
        assertThat(r.significantAt(0.01)).isFalse();
    }

    @Test
    void zTest_oneSided_matchesRPropTestAlternatives() {
        // prop.test(c(130, 100), c(1000, 1000), correct = FALSE,
        //     alternative = "greater")$p.value  # 0.017744225233237335
        // prop.test(c(130, 100), c(1000, 1000), correct = TRUE,
        //     alternative = "less")$p.value  # 0.97895601411641209
        assertThat(Proportions.zTest(CONTROL, TREATMENT).pValue(Alternative.GREATER))
                .isCloseTo(0.017744225233237335, withinPercentage(1e-7));
        assertThat(Proportions.zTest(CONTROL, TREATMENT, ContinuityCorrection.YATES, 0.95)
                .pValue(Alternative.LESS)).isCloseTo(0.97895601411641209, withinPercentage(1e-7));
        assertThat(Proportions.zTest(CONTROL, TREATMENT).pValue(Alternative.TWO_SIDED))
                .isEqualTo(Proportions.zTest(CONTROL, TREATMENT).pValue());
    }

    @Test
    void zTest_yates_matchesRPropTestWithCorrection() {
        // r <- prop.test(c(130, 100), c(1000, 1000), correct = TRUE)
        // sqrt(r$statistic) 2.0326492521013773, r$p.value 0.042087971767175832,
        // r$conf.int 0.0010679344393763716 0.058932065560623623
        TestResult r = Proportions.zTest(CONTROL, TREATMENT, ContinuityCorrection.YATES, 0.95);
        assertThat(r.statistic()).isCloseTo(2.0326492521013773, withinPercentage(1e-7));
        assertThat(r.pValue()).isCloseTo(0.042087971767175832, withinPercentage(1e-7));
        assertThat(r.confidenceInterval().lower())
                .isCloseTo(0.0010679344393763716, withinPercentage(1e-7));
        assertThat(r.confidenceInterval().upper())
                .isCloseTo(0.058932065560623623, withinPercentage(1e-7));
    }

    @Test
    void zTest_yatesSmallSample_matchesR() {
        // r <- prop.test(c(7, 2), c(40, 35), correct = TRUE)
        // sqrt(r$statistic) 1.2108311248836534, r$p.value 0.22596013373583992,
        // r$conf.int -0.049565153104052045 0.28527943881833773
        TestResult r = Proportions.zTest(ArmSummary.ofConversions(35, 2),
                ArmSummary.ofConversions(40, 7), ContinuityCorrection.YATES, 0.95);
        assertThat(r.statistic()).isCloseTo(1.2108311248836534, withinPercentage(1e-7));
        assertThat(r.pValue()).isCloseTo(0.22596013373583992, withinPercentage(1e-7));
        assertThat(r.confidenceInterval().lower())
                .isCloseTo(-0.049565153104052045, withinPercentage(1e-7));
        assertThat(r.confidenceInterval().upper())
                .isCloseTo(0.28527943881833773, withinPercentage(1e-7));
    }

    @Test
    void zTest_tinyPValue_isNotRoundedToZero() {
        // r <- prop.test(c(2000, 1000), c(10000, 10000), correct = FALSE)
        // sqrt(r$statistic) 19.802950859533485, r$p.value 2.8075591073243413e-87
        TestResult r = Proportions.zTest(ArmSummary.ofConversions(10000, 1000),
                ArmSummary.ofConversions(10000, 2000));
        assertThat(r.statistic()).isCloseTo(19.802950859533485, withinPercentage(1e-7));
        assertThat(r.pValue()).isCloseTo(2.8075591073243413e-87, withinPercentage(1e-6));
    }

    @Test
    void zTest_underflowingPValue_reportsLogPValue() {
        // z <- (0.2 - 0.1) / sqrt(0.15 * 0.85 * 2e-7)  # 626.22429108514950
        // log(2) + pnorm(z, lower.tail = FALSE, log.p = TRUE)  # -196085.09687505104
        TestResult r = Proportions.zTest(ArmSummary.ofConversions(10_000_000L, 1_000_000L),
                ArmSummary.ofConversions(10_000_000L, 2_000_000L));
        assertThat(r.statistic()).isCloseTo(626.2242910851495, withinPercentage(1e-7));
        assertThat(r.pValue()).isZero();
        assertThat(r.logPValue()).isCloseTo(-196085.09687505104, withinPercentage(1e-7));
    }

    @Test
    void zTest_hundredMillionPerArm_matchesR() {
        // r <- prop.test(c(10012345, 10000000), c(1e8, 1e8), correct = FALSE)
        // sqrt(r$statistic) 2.9089465545651274, r$p.value 0.003626488502305074,
        // r$conf.int 4.0272965209460423e-05 2.0662703479053392e-04
        TestResult r = Proportions.zTest(ArmSummary.ofConversions(100_000_000L, 10_000_000L),
                ArmSummary.ofConversions(100_000_000L, 10_012_345L));
        assertThat(r.statistic()).isCloseTo(2.9089465545651274, withinPercentage(1e-6));
        assertThat(r.pValue()).isCloseTo(0.003626488502305074, withinPercentage(1e-5));
        assertThat(r.confidenceInterval().lower())
                .isCloseTo(4.0272965209460423e-05, withinPercentage(1e-5));
    }

    @Test
    void zTest_identicalArms_givesPValueOne() {
        TestResult r = Proportions.zTest(CONTROL, CONTROL);
        assertThat(r.statistic()).isZero();
        assertThat(r.pValue()).isEqualTo(1.0);
        assertThat(r.logPValue()).isZero();
        assertThat(r.confidenceInterval().contains(0)).isTrue();
    }

    @Test
    void zTest_zeroConversionsInBothArms_isUndefinedNotPValueOne() {
        // r <- prop.test(c(0, 0), c(800, 500), correct = FALSE)
        // r$statistic NaN, r$p.value NaN (R 4.2.2); its Wald interval [0, 0] is no statement
        TestResult r = Proportions.zTest(ArmSummary.ofConversions(500, 0),
                ArmSummary.ofConversions(800, 0));
        assertThat(r.defined()).isFalse();
        assertThat(r.estimate()).isZero();
        assertThat(r.statistic()).isNaN();
        assertThat(r.pValue()).isNaN();
        assertThat(r.logPValue()).isNaN();
        assertThat(r.confidenceInterval()).isEqualTo(Interval.unbounded());
        assertThat(r.significantAt(0.05)).isFalse();
        TestResult all = Proportions.zTest(ArmSummary.ofConversions(500, 500),
                ArmSummary.ofConversions(800, 800), ContinuityCorrection.YATES, 0.9);
        assertThat(all.defined()).isFalse();
        assertThat(all.pValue()).isNaN();
    }

    @Test
    void zTest_zeroConversionsInOneArm_isStillATest() {
        // prop.test(c(10, 0), c(200, 200), correct = FALSE)$p.value  # 0.0013621046715842067
        TestResult r = Proportions.zTest(ArmSummary.ofConversions(200, 0),
                ArmSummary.ofConversions(200, 10));
        assertThat(r.statistic()).isPositive();
        assertThat(r.pValue()).isCloseTo(0.0013621046715842067, withinPercentage(1e-7));
    }

    @Test
    void zTest_oneUnitPerArm_matchesR() {
        // r <- prop.test(c(1, 0), c(1, 1), correct = FALSE)
        // sqrt(r$statistic) 1.41421356237309515, r$p.value 0.15729920705028447, r$conf.int 1 1
        TestResult r = Proportions.zTest(ArmSummary.ofConversions(1, 0),
                ArmSummary.ofConversions(1, 1));
        assertThat(r.statistic()).isCloseTo(1.41421356237309515, withinPercentage(1e-7));
        assertThat(r.pValue()).isCloseTo(0.15729920705028447, withinPercentage(1e-7));
        assertThat(r.confidenceInterval()).isEqualTo(new Interval(1, 1));
    }

    @Test
    void zTest_emptyArm_isUndefinedWithUnboundedInterval() {
        TestResult r = Proportions.zTest(ArmSummary.empty(), TREATMENT);
        assertThat(r.defined()).isFalse();
        assertThat(r.pValue()).isNaN();
        assertThat(r.statistic()).isNaN();
        assertThat(r.estimate()).isNaN();
        assertThat(r.confidenceInterval()).isEqualTo(Interval.unbounded());
    }

    @Test
    void zTest_confidenceLevelOutsideUnitInterval_isRejected() {
        assertThatThrownBy(() -> Proportions.zTest(CONTROL, TREATMENT,
                ContinuityCorrection.NONE, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("confidenceLevel must be in (0, 1), but was 1.0");
    }

    @Test
    void significantAt_alphaOutsideUnitInterval_isRejected() {
        TestResult r = Proportions.zTest(CONTROL, TREATMENT);
        assertThatThrownBy(() -> r.significantAt(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("alpha must be in (0, 1), but was 1.5");
    }
}

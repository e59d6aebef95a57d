package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

/** Reference values from R 4.2.2; each call is written next to its numbers. */
class MeansTest {

    private static final double[] X = {12.1, 14.3, 9.8, 11.0, 13.5, 12.7, 10.9, 15.2};
    private static final double[] Y =
        {10.2, 9.9, 11.4, 8.7, 10.0, 9.1, 12.3, 10.8, 9.5, 10.1, 11.0};

    @Test
    void welchTest_matchesRTTest() {
        // r <- t.test(x, y, var.equal = FALSE)  # x = treatment X, y = control Y
        // t 2.9907956582706441, df 10.24943632975163, p 0.013208890178080166,
        // conf.int 0.5573242107192502 3.772221243826203
        TestResult r = Means.welchTest(ArmSummary.ofValues(Y), ArmSummary.ofValues(X));
        assertThat(r.statistic()).isCloseTo(2.9907956582706441, withinPercentage(1e-7));
        assertThat(r.degreesOfFreedom()).isCloseTo(10.24943632975163, withinPercentage(1e-7));
        assertThat(r.pValue()).isCloseTo(0.013208890178080166, withinPercentage(1e-7));
        assertThat(r.confidenceInterval().lower())
                .isCloseTo(0.5573242107192502, withinPercentage(1e-7));
        assertThat(r.confidenceInterval().upper())
                .isCloseTo(3.772221243826203, withinPercentage(1e-7));
    }

    @Test
    void welchTest_99PercentInterval_matchesR() {
        // t.test(x, y, var.equal = FALSE, conf.level = 0.99)$conf.int
        // -0.11673262797247232 4.44627808251792533
        TestResult r = Means.welchTest(ArmSummary.ofValues(Y), ArmSummary.ofValues(X), 0.99);
        assertThat(r.confidenceInterval().lower())
                .isCloseTo(-0.11673262797247232, withinPercentage(1e-6));
        assertThat(r.confidenceInterval().upper())
                .isCloseTo(4.44627808251792533, withinPercentage(1e-7));
    }

    @Test
    void welchTest_swappedArms_flipsSigns() {
        TestResult forward = Means.welchTest(ArmSummary.ofValues(Y), ArmSummary.ofValues(X));
        TestResult backward = Means.welchTest(ArmSummary.ofValues(X), ArmSummary.ofValues(Y));
        assertThat(backward.statistic()).isEqualTo(-forward.statistic());
        assertThat(backward.pValue()).isEqualTo(forward.pValue());
    }

    @Test
    void welchTest_fromUnequalSummaries_matchesR() {
        // se <- sqrt(2^2/5000 + 3^2/300); t <- 0.01/se
        // df <- se^4/((2^2/5000)^2/4999 + (3^2/300)^2/299)
        // t 0.056980288229817766, df 315.1458848044017, 2*pt(-abs(t), df) 0.95459700692167271,
        // 0.01 + c(-1, 1) * qt(0.975, df) * se: -0.33529836197257262 0.3552983619725722
        TestResult r = Means.welchTest(ArmSummary.ofMoments(300, 10, 9),
                ArmSummary.ofMoments(5000, 10.01, 4));
        assertThat(r.statistic()).isCloseTo(0.056980288229817766, withinPercentage(1e-6));
        assertThat(r.degreesOfFreedom()).isCloseTo(315.1458848044017, withinPercentage(1e-7));
        assertThat(r.pValue()).isCloseTo(0.95459700692167271, withinPercentage(1e-7));
        assertThat(r.confidenceInterval().lower())
                .isCloseTo(-0.33529836197257262, withinPercentage(1e-6));
        assertThat(r.confidenceInterval().upper())
                .isCloseTo(0.3552983619725722, withinPercentage(1e-6));
    }

    @Test
    void welchTest_hugeT_reportsLogPValue() {
        // se <- sqrt(4/1e6 + 4/1e6); t <- 0.5/se  # 176.77669529663689, df 1999998
        // log(2) + pt(-t, 1999998, log.p = TRUE)  # -15509.579375095662
        TestResult r = Means.welchTest(ArmSummary.ofMoments(1_000_000, 10, 4),
                ArmSummary.ofMoments(1_000_000, 10.5, 4));
        assertThat(r.statistic()).isCloseTo(176.77669529663689, withinPercentage(1e-7));
        assertThat(r.degreesOfFreedom()).isCloseTo(1999998, withinPercentage(1e-7));
        assertThat(r.pValue()).isZero();
        assertThat(r.logPValue()).isCloseTo(-15509.579375095662, withinPercentage(1e-6));
    }

    @Test
    void welchTest_hundredMillionPerArm_matchesR() {
        // se <- sqrt(4/1e8 + 4.2/1e8); t <- 0.001/se
        // df <- se^4/((4/1e8)^2/(1e8-1) + (4.2/1e8)^2/(1e8-1))
        // t 3.4921514788478913, df 1.9988109193697974e+08, 2*pt(-abs(t), df)
        // 4.7914653797712081e-04, 0.001 + c(-1, 1)*qt(.975, df)*se
        // 4.3875172417919136e-04 1.5612482758208088e-03
        // (10.001 - 10 is 0.001 - 5.5e-16 in doubles: about 6e-13 relative on t and d.)
        TestResult r = Means.welchTest(ArmSummary.ofMoments(100_000_000L, 10, 4),
                ArmSummary.ofMoments(100_000_000L, 10.001, 4.2));
        assertThat(r.statistic()).isCloseTo(3.4921514788478913, withinPercentage(1e-7));
        assertThat(r.degreesOfFreedom()).isCloseTo(1.9988109193697974e+08,
                withinPercentage(1e-7));
        assertThat(r.pValue()).isCloseTo(4.7914653797712081e-04, withinPercentage(1e-6));
        assertThat(r.confidenceInterval().lower())
                .isCloseTo(4.3875172417919136e-04, withinPercentage(1e-6));
        assertThat(r.confidenceInterval().upper())
                .isCloseTo(1.5612482758208088e-03, withinPercentage(1e-6));
    }

    @Test
    void welchTest_identicalArms_givesPValueOne() {
        ArmSummary arm = ArmSummary.ofValues(X);
        TestResult r = Means.welchTest(arm, arm);
        assertThat(r.statistic()).isZero();
        assertThat(r.pValue()).isEqualTo(1.0);
        assertThat(r.confidenceInterval().contains(0)).isTrue();
    }

    @Test
    void welchTest_oneSided_matchesRTTestAlternatives() {
        // x <- c(10.2, 9.9, 11.4, 8.7, 10.0, 9.1); y <- c(12.1, 14.3, 9.8, 11.0)
        // t.test(y, x, alternative = "less")$p.value  # 0.93160257021825998
        // t.test(y, x, alternative = "greater")$p.value  # 0.068397429781739946
        TestResult r = Means.welchTest(ArmSummary.ofValues(10.2, 9.9, 11.4, 8.7, 10.0, 9.1),
                ArmSummary.ofValues(12.1, 14.3, 9.8, 11.0));
        assertThat(r.pValue(Alternative.LESS)).isCloseTo(0.93160257021825998,
                withinPercentage(1e-7));
        assertThat(r.pValue(Alternative.GREATER)).isCloseTo(0.068397429781739946,
                withinPercentage(1e-7));
        // Infinite t (no variance, different means): certain in its direction.
        TestResult certain = Means.welchTest(ArmSummary.ofValues(1, 1), ArmSummary.ofValues(2, 2));
        assertThat(certain.pValue(Alternative.GREATER)).isZero();
        assertThat(certain.pValue(Alternative.LESS)).isEqualTo(1.0);
    }

    @Test
    void welchTest_singleObservation_isUndefinedNotPValueOne() {
        // t.test(X, 3): "not enough 'x' observations" (R 4.2.2)
        TestResult r = Means.welchTest(ArmSummary.ofValues(3), ArmSummary.ofValues(X));
        assertThat(r.defined()).isFalse();
        assertThat(r.pValue()).isNaN();
        assertThat(r.statistic()).isNaN();
        assertThat(r.significantAt(0.05)).isFalse();
        assertThat(r.confidenceInterval()).isEqualTo(Interval.unbounded());
        assertThat(r.estimate()).isCloseTo(ArmSummary.ofValues(X).mean() - 3,
                withinPercentage(1e-12));
    }

    @Test
    void welchTest_emptyArm_givesNaNEstimateAndIsUndefined() {
        TestResult r = Means.welchTest(ArmSummary.empty(), ArmSummary.ofValues(X));
        assertThat(r.defined()).isFalse();
        assertThat(r.pValue()).isNaN();
        assertThat(r.estimate()).isNaN();
    }

    @Test
    void welchTest_zeroVarianceEqualMeans_isUndefined() {
        // t.test(c(5, 5), c(5, 5, 5)): "data are essentially constant" (R 4.2.2); t = 0/0
        TestResult r = Means.welchTest(ArmSummary.ofValues(5, 5, 5), ArmSummary.ofValues(5, 5));
        assertThat(r.defined()).isFalse();
        assertThat(r.pValue()).isNaN();
        assertThat(r.estimate()).isZero();
        assertThat(r.confidenceInterval()).isEqualTo(Interval.unbounded());
    }

    @Test
    void welchTest_zeroVarianceDifferentMeans_givesPValueZero() {
        TestResult r = Means.welchTest(ArmSummary.ofValues(5, 5, 5), ArmSummary.ofValues(6, 6));
        assertThat(r.pValue()).isZero();
        assertThat(r.logPValue()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(r.statistic()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(r.confidenceInterval()).isEqualTo(new Interval(1, 1));
    }

    @Test
    void welchTest_negativeMeans_workLikeShiftedPositiveOnes() {
        ArmSummary c = ArmSummary.ofMoments(50, -2, 1);
        ArmSummary t = ArmSummary.ofMoments(60, -1.5, 1.44);
        ArmSummary cShifted = ArmSummary.ofMoments(50, 98, 1);
        ArmSummary tShifted = ArmSummary.ofMoments(60, 98.5, 1.44);
        assertThat(Means.welchTest(c, t).pValue())
                .isCloseTo(Means.welchTest(cShifted, tShifted).pValue(), withinPercentage(1e-9));
    }
}

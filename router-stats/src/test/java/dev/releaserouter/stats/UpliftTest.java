package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

/**
 * Reference values computed in R 4.2.2 from the documented delta-method formula
 * {@code Var(r) = V_t / m_c^2 + m_t^2 V_c / m_c^4}; the R expressions are next to the numbers.
 */
class UpliftTest {

    @Test
    void conversions_absoluteIntervalIsWaldAndRelativeUsesDeltaMethod() {
        // mc <- 0.1; mt <- 0.13; vc <- mc*(1-mc)/1000; vt <- mt*(1-mt)/1000
        // r <- (mt-mc)/abs(mc); se <- sqrt(vt/mc^2 + mt^2*vc/mc^4)
        // r + c(-1, 1) * qnorm(0.975) * se  # -0.01917939771358701 0.61917939771358699
        Uplift u = Uplift.of(MetricKind.CONVERSION, ArmSummary.ofConversions(1000, 100),
                ArmSummary.ofConversions(1000, 130));
        assertThat(u.absolute()).isCloseTo(0.03, withinPercentage(1e-9));
        // prop.test(c(130, 100), c(1000, 1000), correct = FALSE)$conf.int
        assertThat(u.absoluteInterval().lower())
                .isCloseTo(0.0020679344393763725, withinPercentage(1e-7));
        assertThat(u.relative()).isCloseTo(0.3, withinPercentage(1e-9));
        assertThat(u.relativeInterval().lower())
                .isCloseTo(-0.01917939771358701, withinPercentage(1e-7));
        assertThat(u.relativeInterval().upper())
                .isCloseTo(0.61917939771358699, withinPercentage(1e-7));
    }

    @Test
    void continuous_negativeControlMean_dividesByItsAbsoluteValue() {
        // mc <- -2; sc <- 1; nc <- 50; mt <- -1.5; st <- 1.2; nt <- 60
        // vc <- sc^2/nc; vt <- st^2/nt; df <- (vc+vt)^2/(vc^2/(nc-1) + vt^2/(nt-1))
        // q <- qt(0.975, df); r <- (mt-mc)/abs(mc); se <- sqrt(vt/mc^2 + mt^2*vc/mc^4)
        // r + c(-1,1)*q*se  # 0.063923623189580475 0.43607637681041955
        // (mt-mc) + c(-1,1)*q*sqrt(vc+vt)  # 0.084215768954388648 0.91578423104561135
        Uplift u = Uplift.of(MetricKind.CONTINUOUS, ArmSummary.ofMoments(50, -2, 1),
                ArmSummary.ofMoments(60, -1.5, 1.44));
        assertThat(u.relative()).isCloseTo(0.25, withinPercentage(1e-9));
        assertThat(u.relativeInterval().lower())
                .isCloseTo(0.063923623189580475, withinPercentage(1e-6));
        assertThat(u.relativeInterval().upper())
                .isCloseTo(0.43607637681041955, withinPercentage(1e-6));
        assertThat(u.absoluteInterval().lower())
                .isCloseTo(0.084215768954388648, withinPercentage(1e-6));
        assertThat(u.absoluteInterval().upper())
                .isCloseTo(0.91578423104561135, withinPercentage(1e-6));
    }

    @Test
    void conversions_relativeUpliftStandardErrorAndZTest_matchTheDeltaMethodInR() {
        // mc <- 0.1; mt <- 0.13; vc <- mc*(1-mc)/1000; vt <- mt*(1-mt)/1000
        // r <- (mt-mc)/abs(mc); se <- sqrt(vt/mc^2 + mt^2*vc/mc^4); z <- r/se
        // se 0.162849623886578254, z 1.842190315459030003, 2*pnorm(-abs(z))
        // 0.065447316541092662, pnorm(z, lower.tail=FALSE) 0.032723658270546331,
        // pnorm((r-0.2)/se, lower.tail=FALSE) 0.269586703626693347
        Uplift u = Uplift.of(MetricKind.CONVERSION, ArmSummary.ofConversions(1000, 100),
                ArmSummary.ofConversions(1000, 130));
        assertThat(u.relativeStandardError())
                .isCloseTo(0.162849623886578254, withinPercentage(1e-9));
        assertThat(u.degreesOfFreedom()).isInfinite();
        TestResult t = u.relativeTest();
        assertThat(t.method()).isEqualTo("delta-method z-test of the relative uplift");
        assertThat(t.statistic()).isCloseTo(1.842190315459030003, withinPercentage(1e-9));
        assertThat(t.pValue()).isCloseTo(0.065447316541092662, withinPercentage(1e-7));
        assertThat(t.pValue(Alternative.GREATER))
                .isCloseTo(0.032723658270546331, withinPercentage(1e-7));
        assertThat(t.pValue(Alternative.LESS))
                .isCloseTo(0.967276341729453648, withinPercentage(1e-7));
        // "Is the uplift above +20%?", one-sided, without the 1 - p trick.
        assertThat(u.relativeTest(0.20).pValue(Alternative.GREATER))
                .isCloseTo(0.269586703626693347, withinPercentage(1e-7));
        // Consistent with the interval: p > 0.05 exactly when it contains 0.
        assertThat(u.relativeInterval().contains(0)).isTrue();
        assertThat(t.confidenceInterval()).isEqualTo(u.relativeInterval());
        assertThat(u.absoluteStandardError())
                .isCloseTo(Math.sqrt(0.09 / 1000 + 0.13 * 0.87 / 1000), withinPercentage(1e-12));
    }

    @Test
    void continuous_relativeUpliftWelchTest_matchesTheDeltaMethodInR() {
        // mc <- -2; sc <- 1; nc <- 50; mt <- -1.5; st <- 1.2; nt <- 60; vc <- sc^2/nc
        // vt <- st^2/nt; df <- (vc+vt)^2/(vc^2/(nc-1) + vt^2/(nt-1)); r <- (mt-mc)/abs(mc)
        // se <- sqrt(vt/mc^2 + mt^2*vc/mc^4); t <- r/se
        // se 9.3874916777592937e-02, t 2.6631182064565371, df 107.99969126273541,
        // 2*pt(-abs(t), df) 8.9264187946477228e-03, pt(t, df) 9.9553679060267619e-01
        Uplift u = Uplift.of(MetricKind.CONTINUOUS, ArmSummary.ofMoments(50, -2, 1),
                ArmSummary.ofMoments(60, -1.5, 1.44));
        TestResult t = u.relativeTest();
        assertThat(t.method()).isEqualTo("delta-method Welch t-test of the relative uplift");
        assertThat(u.relativeStandardError())
                .isCloseTo(9.3874916777592937e-02, withinPercentage(1e-9));
        assertThat(t.degreesOfFreedom()).isCloseTo(107.99969126273541, withinPercentage(1e-9));
        assertThat(t.pValue()).isCloseTo(8.9264187946477228e-03, withinPercentage(1e-7));
        assertThat(t.pValue(Alternative.LESS))
                .isCloseTo(9.9553679060267619e-01, withinPercentage(1e-9));
        assertThat(t.significantAt(0.05)).isEqualTo(!u.relativeInterval().contains(0));
    }

    @Test
    void relativeTest_withoutControlMean_isUndefined() {
        Uplift u = Uplift.of(MetricKind.CONVERSION, ArmSummary.ofConversions(100, 0),
                ArmSummary.ofConversions(100, 3));
        assertThat(u.relativeTest().defined()).isFalse();
        assertThat(u.relativeTest().pValue(Alternative.GREATER)).isNaN();
        Uplift legacy = new Uplift(0.1, new Interval(0, 0.2), 0.5, new Interval(0, 1), 0.95);
        assertThat(legacy.relativeStandardError()).isNaN();
        assertThat(legacy.relativeTest().defined()).isFalse();
    }

    @Test
    void continuous_absoluteIntervalEqualsWelchInterval() {
        ArmSummary c = ArmSummary.ofValues(10.2, 9.9, 11.4, 8.7, 10.0, 9.1);
        ArmSummary t = ArmSummary.ofValues(12.1, 14.3, 9.8, 11.0);
        assertThat(Uplift.of(MetricKind.CONTINUOUS, c, t).absoluteInterval())
                .isEqualTo(Means.welchTest(c, t).confidenceInterval());
    }

    @Test
    void zeroControlMean_givesNaNRelativeAndUnboundedInterval() {
        Uplift u = Uplift.of(MetricKind.CONVERSION, ArmSummary.ofConversions(100, 0),
                ArmSummary.ofConversions(100, 3));
        assertThat(u.absolute()).isCloseTo(0.03, withinPercentage(1e-9));
        assertThat(u.relative()).isNaN();
        assertThat(u.relativeInterval()).isEqualTo(Interval.unbounded());
    }

    @Test
    void subnormalControlMean_givesUnboundedRelativeIntervalInsteadOfFailing() {
        Uplift u = Uplift.of(MetricKind.CONTINUOUS, ArmSummary.ofMoments(10, 1e-320, 1),
                ArmSummary.ofMoments(10, 5, 1));
        assertThat(u.relative()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(u.relativeInterval()).isEqualTo(Interval.unbounded());
    }

    @Test
    void emptyArm_givesNaNAndUnboundedIntervals() {
        Uplift u = Uplift.of(MetricKind.CONTINUOUS, ArmSummary.empty(), ArmSummary.ofValues(1, 2));
        assertThat(u.absolute()).isNaN();
        assertThat(u.absoluteInterval()).isEqualTo(Interval.unbounded());
        assertThat(u.relativeInterval()).isEqualTo(Interval.unbounded());
    }
}

package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

/**
 * Reference values from the delta-method formula of Deng, Knoblich and Lu (KDD 2018) written out
 * in R 4.2.2:
 * <pre>{@code
 * xc <- c(0, 1, 0, 3, 0, 0, 2, 1); yc <- c(4, 10, 1, 25, 3, 7, 12, 9)
 * xt <- c(1, 0, 5, 0, 2, 0, 0, 4, 1, 0); yt <- c(6, 2, 30, 5, 11, 1, 8, 20, 3, 14)
 * dm <- function(x, y) { n <- length(x); R <- sum(x)/sum(y)
 *   c(R, sum((x - R*y)^2) / ((n-1) * n * mean(y)^2)) }
 * a <- dm(xc, yc); b <- dm(xt, yt); d <- b[1] - a[1]; v <- a[2] + b[2]
 * df <- v^2 / (a[2]^2/(length(xc)-1) + b[2]^2/(length(xt)-1)); t <- d / sqrt(v)
 * 2 * pt(-abs(t), df); d + c(-1, 1) * qt(0.975, df) * sqrt(v); pt(t, df, lower.tail = FALSE)
 * r <- d / abs(a[1]); sr <- sqrt(b[2]/a[1]^2 + b[1]^2*a[2]/a[1]^4)
 * 2 * pt(-abs(r/sr), df); r + c(-1, 1) * qt(0.975, df) * sr
 * }</pre>
 */
class RatiosTest {

    private static final RatioSummary CONTROL = RatioSummary.ofUnits(
            new double[] {0, 1, 0, 3, 0, 0, 2, 1}, new double[] {4, 10, 1, 25, 3, 7, 12, 9});
    private static final RatioSummary TREATMENT = RatioSummary.ofUnits(
            new double[] {1, 0, 5, 0, 2, 0, 0, 4, 1, 0},
            new double[] {6, 2, 30, 5, 11, 1, 8, 20, 3, 14});

    @Test
    void ratioAndDeltaMethodVariance_matchTheFormulaInR() {
        // Rc 9.8591549295774641e-02, Vc 3.8443512875605739e-04
        assertThat(CONTROL.ratio()).isCloseTo(9.8591549295774641e-02, withinPercentage(1e-10));
        assertThat(CONTROL.varianceOfRatio())
                .isCloseTo(3.8443512875605739e-04, withinPercentage(1e-10));
        // Rt 0.13, Vt 9.7959999999999996e-04
        assertThat(TREATMENT.ratio()).isCloseTo(0.13, withinPercentage(1e-10));
        assertThat(TREATMENT.varianceOfRatio())
                .isCloseTo(9.7959999999999996e-04, withinPercentage(1e-10));
        assertThat(CONTROL.units()).isEqualTo(8);
        assertThat(CONTROL.sumX()).isCloseTo(7, within(1e-12));
        assertThat(CONTROL.sumY()).isCloseTo(71, within(1e-12));
    }

    @Test
    void test_matchesTheFormulaInR() {
        // t 8.5042053164330200e-01, df 1.4565810126714252e+01, p 4.0885366894247588e-01,
        // interval -0.047516920147439773 0.110333821555890499, greater 0.20442683447123794
        TestResult r = Ratios.test(CONTROL, TREATMENT);
        assertThat(r.defined()).isTrue();
        assertThat(r.estimate()).isCloseTo(3.1408450704225363e-02, withinPercentage(1e-10));
        assertThat(r.statistic()).isCloseTo(8.5042053164330200e-01, withinPercentage(1e-9));
        assertThat(r.degreesOfFreedom()).isCloseTo(1.4565810126714252e+01, withinPercentage(1e-9));
        assertThat(r.pValue()).isCloseTo(4.0885366894247588e-01, withinPercentage(1e-7));
        assertThat(r.confidenceInterval().lower())
                .isCloseTo(-0.047516920147439773, withinPercentage(1e-7));
        assertThat(r.confidenceInterval().upper())
                .isCloseTo(0.110333821555890499, withinPercentage(1e-7));
        assertThat(r.pValue(Alternative.GREATER))
                .isCloseTo(0.20442683447123794, withinPercentage(1e-7));
        assertThat(r.pValue(Alternative.LESS))
                .isCloseTo(1 - 0.20442683447123794, withinPercentage(1e-7));
    }

    @Test
    void uplift_relativeWithDeltaMethod_matchesTheFormulaInR() {
        // r 0.31857142857142873, sr 0.41175386531281966, p 0.45148700801117558,
        // interval -0.56134522717688329 1.19848808431974074
        Uplift u = Ratios.uplift(CONTROL, TREATMENT, 0.95);
        assertThat(u.relative()).isCloseTo(0.31857142857142873, withinPercentage(1e-10));
        assertThat(u.relativeStandardError())
                .isCloseTo(0.41175386531281966, withinPercentage(1e-9));
        assertThat(u.relativeInterval().lower())
                .isCloseTo(-0.56134522717688329, withinPercentage(1e-7));
        assertThat(u.relativeInterval().upper())
                .isCloseTo(1.19848808431974074, withinPercentage(1e-7));
        assertThat(u.relativeTest().pValue()).isCloseTo(0.45148700801117558,
                withinPercentage(1e-7));
        assertThat(u.absoluteInterval()).isEqualTo(Ratios.test(CONTROL, TREATMENT)
                .confidenceInterval());
    }

    @Test
    void oneRequestPerEntity_isWelchsTestOnTheZeroOneValues() {
        // With y = 1 for every unit the delta variance is the sample variance over n.
        double[] c = {0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1};
        double[] t = {1, 1, 0, 1, 0, 1, 1, 0, 0, 1};
        TestResult ratio = Ratios.test(RatioSummary.ofUnits(c, ones(c.length)),
                RatioSummary.ofUnits(t, ones(t.length)));
        TestResult welch = Means.welchTest(ArmSummary.ofValues(c), ArmSummary.ofValues(t));
        assertThat(ratio.statistic()).isCloseTo(welch.statistic(), within(1e-12));
        assertThat(ratio.degreesOfFreedom()).isCloseTo(welch.degreesOfFreedom(), within(1e-9));
        assertThat(ratio.pValue()).isCloseTo(welch.pValue(), within(1e-12));
    }

    @Test
    void fewerThanTwoUnitsOrNoVariance_isUndefined() {
        RatioSummary one = RatioSummary.ofUnits(new double[] {1}, new double[] {10});
        assertThat(Ratios.test(one, TREATMENT).defined()).isFalse();
        assertThat(Ratios.test(RatioSummary.empty(), TREATMENT).pValue()).isNaN();
        // 0 errors in every entity of both arms: 0/0, not "p = 1".
        RatioSummary none = RatioSummary.ofUnits(new double[] {0, 0, 0}, new double[] {3, 9, 1});
        TestResult r = Ratios.test(none, none);
        assertThat(r.defined()).isFalse();
        assertThat(r.estimate()).isZero();
        assertThat(r.confidenceInterval()).isEqualTo(Interval.unbounded());
        // No variance and different ratios: certain.
        RatioSummary all = RatioSummary.ofUnits(new double[] {3, 9}, new double[] {3, 9});
        assertThat(Ratios.test(none, all).pValue()).isZero();
    }

    @Test
    void ofSums_equalsTheAccumulatedSummary() {
        double[] x = {0, 1, 0, 3, 0, 0, 2, 1};
        double[] y = {4, 10, 1, 25, 3, 7, 12, 9};
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        for (int i = 0; i < x.length; i++) {
            sx += x[i];
            sy += y[i];
            sxx += x[i] * x[i];
            syy += y[i] * y[i];
            sxy += x[i] * y[i];
        }
        RatioSummary s = RatioSummary.ofSums(x.length, sx, sy, sxx, syy, sxy);
        assertThat(s.varianceOfRatio()).isCloseTo(CONTROL.varianceOfRatio(), within(1e-15));
        assertThat(s.covariance()).isCloseTo(CONTROL.covariance(), within(1e-12));
        assertThat(RatioSummary.ofSums(0, 0, 0, 0, 0, 0)).isEqualTo(RatioSummary.empty());
    }

    @Test
    void invalidInputs_areRejectedNamingThem() {
        assertThatThrownBy(() -> new RatioAccumulator().add(Double.NaN, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("numerator must be finite, but was NaN");
        assertThatThrownBy(() -> RatioSummary.ofUnits(new double[1], new double[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("numerators and denominators must have the same length, but had 1"
                        + " and 2");
        assertThatThrownBy(() -> RatioSummary.ofSums(-1, 0, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("units must be >= 0, but was -1");
    }

    private static double[] ones(int n) {
        double[] y = new double[n];
        java.util.Arrays.fill(y, 1);
        return y;
    }
}

package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

/** Reference values from R 4.2.2; the calls are next to them. */
class MannWhitneyTest {

    // x and y from R's ?wilcox.test example ("A within-subject ... Hollander & Wolfe").
    private static final double[] X = {0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
    private static final double[] Y = {1.15, 0.88, 0.90, 0.74, 1.21};

    @Test
    void test_matchesRWilcoxTestWithContinuityCorrection() {
        // r <- wilcox.test(x, y, exact = FALSE, correct = TRUE)
        // r$statistic W 35, r$p.value 0.24462360512698336
        // median(outer(x, y, "-"))  # 0.30500000000000005
        RankTestResult r = MannWhitney.test(Y, X);
        assertThat(r.u()).isEqualTo(35.0);
        assertThat(r.pValue()).isCloseTo(0.24462360512698336, withinPercentage(1e-7));
        assertThat(r.hodgesLehmannShift()).isCloseTo(0.305, withinPercentage(1e-9));
    }

    @Test
    void test_withTies_matchesRTieCorrection() {
        // x <- c(1,2,2,3,3,3,4,5,5,9); y <- c(2,3,3,4,6,6,7,8,8,10,11)
        // r <- wilcox.test(y, x, exact = FALSE, correct = TRUE)
        // W 82.5, p 0.055008833629265737; median(outer(y, x, "-"))  # 3
        double[] x = {1, 2, 2, 3, 3, 3, 4, 5, 5, 9};
        double[] y = {2, 3, 3, 4, 6, 6, 7, 8, 8, 10, 11};
        RankTestResult r = MannWhitney.test(x, y);
        assertThat(r.u()).isEqualTo(82.5);
        assertThat(r.pValue()).isCloseTo(0.055008833629265737, withinPercentage(1e-7));
        assertThat(r.hodgesLehmannShift()).isEqualTo(3.0);
        // wilcox.test(x, y, ...) gives W 27.5, the same p-value and shift -3.
        RankTestResult swapped = MannWhitney.test(y, x);
        // R's exact = FALSE estimate is not this median on small samples (the javadoc's case):
        // wilcox.test(c(2.5, .4, 2.7, 2.9), c(1.4, 2.9, .6), exact = FALSE,
        //     conf.int = TRUE)$estimate  # 0.02506991639458, vs median of differences 0.55
        assertThat(MannWhitney.test(new double[] {1.4, 2.9, 0.6},
                new double[] {2.5, 0.4, 2.7, 2.9}).hodgesLehmannShift())
                .isCloseTo(0.55, within(1e-12));
        assertThat(swapped.u()).isEqualTo(27.5);
        assertThat(swapped.pValue()).isCloseTo(r.pValue(), withinPercentage(1e-12));
        assertThat(swapped.hodgesLehmannShift()).isEqualTo(-3.0);
    }

    @Test
    void test_completeSeparation_reportsLogPValueBeyondUnderflow() {
        // wilcox.test((1:2000) + 5000, 1:2000, exact = FALSE)  # W 4e+06, p-value 0 (underflow)
        // z <- (2000*2000/2 - 0.5)/sqrt(2000*2000/12*4001)  # 54.765396810652533
        // log(2) + pnorm(z, lower.tail = FALSE, log.p = TRUE)  # -1503.85352695558
        double[] c = new double[2000];
        double[] t = new double[2000];
        for (int i = 0; i < 2000; i++) {
            c[i] = i + 1;
            t[i] = i + 5001;
        }
        RankTestResult r = MannWhitney.test(c, t);
        assertThat(r.u()).isEqualTo(4e6);
        assertThat(r.z()).isCloseTo(54.765396810652533, withinPercentage(1e-8));
        assertThat(r.pValue()).isZero();
        assertThat(r.logPValue()).isCloseTo(-1503.85352695558, withinPercentage(1e-8));
        assertThat(r.hodgesLehmannShift()).isEqualTo(5000.0);
    }

    @Test
    void hodgesLehmann_largeArms_isExactWithoutMaterializingTenBillionDifferences() {
        double[] c = new double[100_000];
        double[] t = new double[100_000];
        for (int i = 0; i < c.length; i++) {
            c[i] = i;
            t[i] = i + 2.5;
        }
        // 1e10 differences t_j - c_i = j - i + 2.5, symmetric around 2.5.
        assertThat(MannWhitney.test(c, t).hodgesLehmannShift()).isEqualTo(2.5);
    }

    @Test
    void test_allValuesTied_isUndefined() {
        // wilcox.test(c(2, 2), c(2, 2, 2), exact = FALSE, correct = TRUE)  # W 3, p-value NaN
        RankTestResult r = MannWhitney.test(new double[] {2, 2, 2}, new double[] {2, 2});
        assertThat(r.defined()).isFalse();
        assertThat(r.u()).isEqualTo(3.0);
        assertThat(r.z()).isNaN();
        assertThat(r.pValue()).isNaN();
        assertThat(r.hodgesLehmannShift()).isZero();
    }

    @Test
    void test_oneValuePerArm_matchesR() {
        // wilcox.test(2, 1, exact = FALSE, correct = TRUE)  # W 1, p-value 1
        RankTestResult r = MannWhitney.test(new double[] {1}, new double[] {2});
        assertThat(r.u()).isEqualTo(1.0);
        assertThat(r.pValue()).isEqualTo(1.0);
        assertThat(r.hodgesLehmannShift()).isEqualTo(1.0);
    }

    @Test
    void test_emptyArm_isUndefined() {
        RankTestResult r = MannWhitney.test(new double[0], new double[] {1, 2});
        assertThat(r.defined()).isFalse();
        assertThat(r.pValue()).isNaN();
        assertThat(r.hodgesLehmannShift()).isNaN();
    }
}

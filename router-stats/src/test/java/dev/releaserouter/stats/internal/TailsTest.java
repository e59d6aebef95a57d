package dev.releaserouter.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

/** Reference values from R 4.2.2; the calls are next to them. */
class TailsTest {

    @Test
    void normalSf_matchesRPnormUpperTail() {
        // pnorm(5, lower.tail = FALSE)  # 2.8665157187919391e-07
        assertThat(Tails.normalSf(5)).isCloseTo(2.8665157187919391e-07, withinPercentage(1e-10));
        // pnorm(-3, lower.tail = FALSE)  # 0.9986501019683699
        assertThat(Tails.normalSf(-3)).isCloseTo(0.9986501019683699, withinPercentage(1e-12));
    }

    @Test
    void logNormalSf_staysFiniteFarBeyondUnderflow() {
        // pnorm(40, lower.tail = FALSE, log.p = TRUE)  # -804.6084420137538
        assertThat(Tails.normalSf(40)).isZero();
        assertThat(Tails.logNormalSf(40)).isCloseTo(-804.6084420137538, withinPercentage(1e-11));
    }

    @Test
    void twoSidedT_matchesRPt() {
        // 2 * pt(-50, 3)  # 1.7617152041271951e-05
        assertThat(Math.exp(Tails.logTwoSidedT(50, 3)))
                .isCloseTo(1.7617152041271951e-05, withinPercentage(1e-9));
        // 2 * pt(-0.3, 7.5)  # 0.77232265856877813
        assertThat(Math.exp(Tails.logTwoSidedT(-0.3, 7.5)))
                .isCloseTo(0.77232265856877813, withinPercentage(1e-10));
        // log(2) + pt(-1e6, 2.5, log.p = TRUE)  # -34.175050758908
        assertThat(Tails.logTwoSidedT(1e6, 2.5))
                .isCloseTo(-34.175050758908, withinPercentage(1e-9));
    }

    @Test
    void chiSquareSf_matchesRPchisq() {
        // pchisq(3000, 10, lower.tail = FALSE, log.p = TRUE)  # -1473.9225038383356
        assertThat(Tails.logChiSquareSf(3000, 10))
                .isCloseTo(-1473.9225038383356, withinPercentage(1e-11));
        // pchisq(2, 10, lower.tail = FALSE)  # 0.99634015317265634
        assertThat(Math.exp(Tails.logChiSquareSf(2, 10)))
                .isCloseTo(0.99634015317265634, withinPercentage(1e-11));
        assertThat(Tails.logChiSquareSf(0, 3)).isZero();
    }

    @Test
    void tQuantile_matchesRQt() {
        // qt(0.975, 3.3)  # 3.0248744618408065
        assertThat(Tails.tQuantile(0.975, 3.3)).isCloseTo(3.0248744618408065,
                withinPercentage(1e-9));
    }

    @Test
    void noncentralTCdf_matchesRPtWithNcp() {
        // pt(2.5, 10, ncp = 1.5)  # 0.79393910903600939
        assertThat(NoncentralT.cdf(2.5, 10, 1.5)).isCloseTo(0.79393910903600939,
                withinPercentage(1e-9));
        // pt(-1, 5, ncp = 0.5)  # 0.082444091056970814
        assertThat(NoncentralT.cdf(-1, 5, 0.5)).isCloseTo(0.082444091056970814,
                withinPercentage(1e-9));
        // pt(0.5, 4, ncp = -1)  # 0.92638882795390454
        assertThat(NoncentralT.cdf(0.5, 4, -1)).isCloseTo(0.92638882795390454,
                withinPercentage(1e-9));
        // pt(40, 10, ncp = 38.5)  # 0.52215206434178218 (R's precision-warning case)
        assertThat(NoncentralT.cdf(40, 10, 38.5)).isCloseTo(0.52215206434178218,
                withinPercentage(1e-6));
        // pt(3, 1e6, ncp = 2)  # 0.8413440201575263 (normal approximation branch)
        assertThat(NoncentralT.cdf(3, 1e6, 2)).isCloseTo(0.8413440201575263,
                withinPercentage(1e-7));
    }
}

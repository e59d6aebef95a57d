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
    void twoSidedT_hugeDegreesOfFreedom_keepsItsDigits() {
        // df <- 1.9988109193697974e+08  # Welch's df with 1e8 per arm
        // 2 * pt(-1.959963984540054, df)  # 0.050000001387300444
        // (= pbeta(t^2/(df+t^2), .5, df/2, lower.tail = FALSE) to all digits.) The continued
        // fraction at x = df/(df+t^2) ~ 1 - 2e-8 amplifies x's rounding by ~df/2: 5.6e-9
        // relative here, about 3e-17 * df in general; the issue asks for 1e-6.
        double df = 1.9988109193697974e+08;
        assertThat(Math.exp(Tails.logTwoSidedT(1.959963984540054, df)))
                .isCloseTo(0.050000001387300444, withinPercentage(1e-6));
        // log(2) + pt(-40, 1e7, log.p = TRUE)  # -803.85122169031615
        assertThat(Tails.logTwoSidedT(40, 1e7))
                .isCloseTo(-803.85122169031615, withinPercentage(1e-10));
        // log(2) + pt(-3, 1e9, log.p = TRUE)  # -5.9145790163271634
        assertThat(Tails.logTwoSidedT(3, 1e9))
                .isCloseTo(-5.9145790163271634, withinPercentage(1e-6));
    }

    @Test
    void tQuantile_hugeDegreesOfFreedom_matchesRQt() {
        // qt(.975, 1.9988109193697974e+08)  # 1.959963996408466080
        assertThat(Tails.tQuantile(0.975, 1.9988109193697974e+08))
                .isCloseTo(1.959963996408466080, withinPercentage(1e-12));
        // qt(.975, 1e5)  # 1.959987707534608825
        assertThat(Tails.tQuantile(0.975, 1e5))
                .isCloseTo(1.959987707534608825, withinPercentage(1e-11));
        // qt(.995, 123456.7)  # 2.575869128193176483
        assertThat(Tails.tQuantile(0.995, 123456.7))
                .isCloseTo(2.575869128193176483, withinPercentage(1e-11));
        // qt(1 - 1e-10, 2e5)  # 6.361670633772475547
        assertThat(Tails.tQuantile(1 - 1e-10, 2e5))
                .isCloseTo(6.361670633772475547, withinPercentage(1e-9));
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

package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

/** Reference values from R 4.2.2's chisq.test; the calls are next to them. */
class SampleRatioMismatchTest {

    @Test
    void evenSplit_matchesRChisqTest() {
        // chisq.test(c(5050, 4950), p = c(.5, .5))  # X-squared 1, p 0.31731050786291415
        SrmResult r = SampleRatioMismatch.test(new long[] {5050, 4950}, 50, 50);
        assertThat(r.chiSquare()).isCloseTo(1.0, withinPercentage(1e-10));
        assertThat(r.degreesOfFreedom()).isEqualTo(1);
        assertThat(r.pValue()).isCloseTo(0.31731050786291415, withinPercentage(1e-7));
        assertThat(r.mismatchAt(0.001)).isFalse();
        assertThat(r.expected()).containsExactly(5000.0, 5000.0);
    }

    @Test
    void threeArms_matchesRChisqTest() {
        // chisq.test(c(821, 1000, 1179), p = c(1, 1, 1)/3)
        // X-squared 64.081999999999994, p 1.215543500050199e-14
        SrmResult r = SampleRatioMismatch.test(new long[] {821, 1000, 1179}, 1, 1, 1);
        assertThat(r.chiSquare()).isCloseTo(64.082, withinPercentage(1e-10));
        assertThat(r.degreesOfFreedom()).isEqualTo(2);
        assertThat(r.pValue()).isCloseTo(1.215543500050199e-14, withinPercentage(1e-7));
        assertThat(r.mismatchAt(0.001)).isTrue();
    }

    @Test
    void canaryWeightsInPercent_areRescaled() {
        // chisq.test(c(9500, 480), p = c(95, 5), rescale.p = TRUE)
        // X-squared 0.76152304609218435, p 0.38285230918469493
        SrmResult r = SampleRatioMismatch.test(new long[] {9500, 480}, 95, 5);
        assertThat(r.chiSquare()).isCloseTo(0.76152304609218435, withinPercentage(1e-10));
        assertThat(r.pValue()).isCloseTo(0.38285230918469493, withinPercentage(1e-7));
    }

    @Test
    void grossMismatch_reportsLogPValueBeyondUnderflow() {
        // chisq.test(c(600000, 400000), p = c(.5, .5))  # X-squared 40000, p 0 (underflow)
        // pchisq(40000, 1, lower.tail = FALSE, log.p = TRUE)  # -20005.52413371763
        SrmResult r = SampleRatioMismatch.test(new long[] {600_000, 400_000}, 0.5, 0.5);
        assertThat(r.pValue()).isZero();
        assertThat(r.logPValue()).isCloseTo(-20005.52413371763, withinPercentage(1e-8));
    }

    @Test
    void noTraffic_isUndefinedAndNoMismatch() {
        // chisq.test(c(0, 0), p = c(.5, .5)): "at least one entry of 'x' must be positive"
        SrmResult r = SampleRatioMismatch.test(new long[] {0, 0}, 1, 1);
        assertThat(r.defined()).isFalse();
        assertThat(r.chiSquare()).isNaN();
        assertThat(r.pValue()).isNaN();
        assertThat(r.mismatchAt(0.001)).isFalse();
    }

    @Test
    void invalidInputs_areRejectedNamingThem() {
        assertThatThrownBy(() -> SampleRatioMismatch.test(new long[] {10, -1}, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("observed[1] must be >= 0, but was -1");
        assertThatThrownBy(() -> SampleRatioMismatch.test(new long[] {10, 1}, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weights[1] must be a finite number > 0, but was 0.0");
        assertThatThrownBy(() -> SampleRatioMismatch.test(new long[] {10, 1}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("observed and weights must have the same length >= 2,"
                        + " but had 2 and 1");
    }
}

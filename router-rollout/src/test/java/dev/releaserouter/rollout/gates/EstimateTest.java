package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.releaserouter.stats.Interval;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The bounds the gates compare with thresholds. Wilson's values are SciPy 1.17's:
 * {@code scipy.stats.binomtest(k, n).proportion_ci(confidence_level=2 * c - 1,
 * method='wilson')}, whose two-sided {@code 2c - 1} interval has one-sided bounds at {@code c}.
 */
class EstimateTest {

    @Test
    void proportionBounds_areWilsonsScoreInterval_asSciPyComputesIt() {
        assertBounds(Estimate.ofProportion(3, 100).bounds(0.95),
                0.01205181424927991, 0.07271034328690394);
        assertBounds(Estimate.ofProportion(0, 510).bounds(0.995), 0.0, 0.01284252504945501);
        assertBounds(Estimate.ofProportion(12, 600).bounds(0.99),
                0.010376098584540947, 0.03820552774557047);
        assertBounds(Estimate.ofProportion(1, 60).bounds(0.95),
                0.003727028168775917, 0.07131487713805203);
    }

    @Test
    void proportionWithALargerStandardError_usesTheEffectiveSampleSize() {
        // 2% with the binomial standard error of 4 events in 200 units, but over 1,000 requests
        // (clustered by entity): the interval is binomtest(4, 200)'s, not binomtest(20, 1000)'s.
        Estimate e = Estimate.of(Estimate.Kind.PROPORTION, 0.02, 0.009899494936611665, 1000,
                "delta method");

        assertThat(e.effectiveUnits()).isCloseTo(200, within(1e-9));
        assertBounds(e.bounds(0.95), 0.009009817061540422, 0.043803457167044174);
    }

    @Test
    void meanBounds_areNormal() {
        // scipy.stats.norm.ppf(0.975) = 1.959963984540054; se = sqrt(4 / 100) = 0.2
        Interval b = Estimate.ofMean(10, 4, 100).bounds(0.975);

        assertBounds(b, 10 - 1.959963984540054 * 0.2, 10 + 1.959963984540054 * 0.2);
    }

    @Test
    void atConfidenceOneHalf_bothBoundsAreTheEstimate() {
        assertBounds(Estimate.ofProportion(3, 100).bounds(0.5), 0.03, 0.03);
        assertBounds(Estimate.ofMean(10, 4, 100).bounds(0.5), 10, 10);
    }

    @Test
    void noUnitsOrNoVariance_isUndefined_andHasNoBounds() {
        assertThat(Estimate.ofProportion(0, 0).isDefined()).isFalse();
        assertThat(Estimate.ofMean(1, Double.NaN, 10).isDefined()).isFalse();
        assertThat(Estimate.ofMean(1, 0.5, 1).isDefined()).isFalse();
        assertThatThrownBy(() -> Estimate.ofProportion(0, 0).bounds(0.95))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badArguments_areRefused_namingTheValue() {
        assertThatThrownBy(() -> Estimate.ofProportion(5, 4))
                .hasMessageContaining("but was 5");
        assertThatThrownBy(() -> Estimate.ofProportion(1, 4).bounds(1.0))
                .hasMessageContaining("confidence must be in [0.5, 1), but was 1.0");
        assertThatThrownBy(() -> Estimate.of(Estimate.Kind.PROPORTION, 1.5, 0.1, 10, "x"))
                .hasMessageContaining("but was 1.5");
    }

    @Property
    void boundsContainTheEstimate_andWidenWithConfidence(
            @ForAll @LongRange(min = 1, max = 100_000) long n,
            @ForAll @DoubleRange(min = 0, max = 1) double share,
            @ForAll @DoubleRange(min = 0.5, max = 0.99) double confidence) {
        long events = Math.round(share * n);
        Estimate e = Estimate.ofProportion(events, n);
        Interval b = e.bounds(confidence);
        Interval wider = e.bounds(confidence + 0.009);

        assertThat(b.lower()).isBetween(0.0, e.value() + 1e-12);
        assertThat(b.upper()).isBetween(e.value() - 1e-12, 1.0);
        assertThat(wider.lower()).isLessThanOrEqualTo(b.lower() + 1e-12);
        assertThat(wider.upper()).isGreaterThanOrEqualTo(b.upper() - 1e-12);
    }

    private static void assertBounds(Interval b, double lower, double upper) {
        assertThat(b.lower()).isCloseTo(lower, within(1e-12));
        assertThat(b.upper()).isCloseTo(upper, within(1e-12));
    }
}

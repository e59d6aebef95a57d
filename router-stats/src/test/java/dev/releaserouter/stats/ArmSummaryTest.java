package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ArmSummaryTest {

    @Test
    void ofValues_matchesTextbookMeanAndSampleVariance() {
        ArmSummary s = ArmSummary.ofValues(2, 4, 4, 4, 5, 5, 7, 9);
        assertThat(s.n()).isEqualTo(8);
        assertThat(s.mean()).isEqualTo(5.0);
        assertThat(s.sum()).isEqualTo(40.0);
        // sum of squared deviations is 32; sample variance 32 / 7.
        assertThat(s.variance()).isCloseTo(32.0 / 7, within(1e-15));
        assertThat(s.conversions()).isZero();
    }

    @Test
    void ofValues_largeOffset_keepsVariancePrecision() {
        // A naive sum-of-squares formula loses every digit here; Welford does not.
        ArmSummary s = ArmSummary.ofValues(1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16);
        assertThat(s.variance()).isCloseTo(30.0, within(1e-6));
    }

    @Test
    void ofConversions_meanIsRateAndVarianceIsBernoulli() {
        ArmSummary s = ArmSummary.ofConversions(10, 3);
        assertThat(s.conversionRate()).isEqualTo(0.3);
        assertThat(s.mean()).isEqualTo(0.3);
        // Sample variance of three ones and seven zeros: 10 * 0.3 * 0.7 / 9.
        assertThat(s.variance()).isCloseTo(10 * 0.21 / 9, within(1e-15));
    }

    @Test
    void ofConversions_equalsAccumulatedConversions() {
        ArmAccumulator acc = new ArmAccumulator();
        for (int i = 0; i < 10; i++) {
            acc.addConversion(i < 3);
        }
        ArmSummary s = acc.toSummary();
        ArmSummary expected = ArmSummary.ofConversions(10, 3);
        assertThat(s.n()).isEqualTo(expected.n());
        assertThat(s.conversions()).isEqualTo(3);
        assertThat(s.mean()).isCloseTo(expected.mean(), within(1e-15));
        assertThat(s.variance()).isCloseTo(expected.variance(), within(1e-15));
    }

    @Test
    void empty_hasNaNMomentsAndZeroSum() {
        ArmSummary s = ArmSummary.empty();
        assertThat(s.n()).isZero();
        assertThat(s.mean()).isNaN();
        assertThat(s.conversionRate()).isNaN();
        assertThat(s.variance()).isNaN();
        assertThat(s.sum()).isZero();
    }

    @Test
    void singleValue_hasMeanButNoVariance() {
        ArmSummary s = ArmSummary.ofValues(3.5);
        assertThat(s.mean()).isEqualTo(3.5);
        assertThat(s.variance()).isNaN();
    }

    @Test
    void ofMoments_roundTripsMeanAndVariance() {
        ArmSummary s = ArmSummary.ofMoments(100_000_000L, -2.5, 4.0);
        assertThat(s.n()).isEqualTo(100_000_000L);
        assertThat(s.mean()).isEqualTo(-2.5);
        assertThat(s.variance()).isCloseTo(4.0, within(1e-12));
    }

    @Test
    void merge_withEmpty_isIdentity() {
        ArmSummary s = ArmSummary.ofValues(1, 2, 3);
        assertThat(s.merge(ArmSummary.empty())).isEqualTo(s);
        assertThat(ArmSummary.empty().merge(s)).isEqualTo(s);
    }

    @Test
    void merge_twoHalves_equalsWhole() {
        ArmSummary left = ArmSummary.ofValues(1, 2, 3);
        ArmSummary right = ArmSummary.ofValues(10, 20);
        ArmSummary whole = ArmSummary.ofValues(1, 2, 3, 10, 20);
        ArmSummary merged = left.merge(right);
        assertThat(merged.n()).isEqualTo(5);
        assertThat(merged.mean()).isCloseTo(whole.mean(), within(1e-12));
        assertThat(merged.variance()).isCloseTo(whole.variance(), within(1e-12));
    }

    @Test
    void accumulatorAddAll_foldsInASummary() {
        ArmAccumulator acc = new ArmAccumulator().add(1).add(2, true);
        acc.addAll(ArmSummary.ofValues(3, 4));
        ArmSummary s = acc.toSummary();
        assertThat(s.n()).isEqualTo(4);
        assertThat(s.mean()).isCloseTo(2.5, within(1e-15));
        assertThat(s.conversions()).isEqualTo(1);
    }

    @Test
    void ofConversions_conversionsAboveN_isRejectedNamingBoth() {
        assertThatThrownBy(() -> ArmSummary.ofConversions(100, 120))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("conversions must be <= n (100), but was 120");
    }

    @Test
    void ofConversions_negativeCount_isRejectedNamingIt() {
        assertThatThrownBy(() -> ArmSummary.ofConversions(-1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n must be >= 0, but was -1");
        assertThatThrownBy(() -> ArmSummary.ofConversions(5, -2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("conversions must be >= 0, but was -2");
    }

    @Test
    void add_nonFiniteValue_isRejected() {
        assertThatThrownBy(() -> new ArmAccumulator().add(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value must be finite, but was NaN");
    }

    @Test
    void ofMoments_oneValueWithNaNVariance_isAccepted() {
        // The sample variance of one value is NaN (R: var(3)); the javadoc says it is ignored.
        ArmSummary s = ArmSummary.ofMoments(1, 3.5, Double.NaN);
        assertThat(s.n()).isEqualTo(1);
        assertThat(s.mean()).isEqualTo(3.5);
        assertThat(s.variance()).isNaN();
        assertThat(ArmSummary.ofMoments(1, 3.5, -1)).isEqualTo(s);
        assertThatThrownBy(() -> ArmSummary.ofMoments(2, 3.5, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("variance must be a finite number >= 0, but was NaN");
    }

    @Test
    void ofMoments_negativeVariance_isRejected() {
        assertThatThrownBy(() -> ArmSummary.ofMoments(10, 1, -0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("variance").hasMessageContaining("-0.5");
    }
}

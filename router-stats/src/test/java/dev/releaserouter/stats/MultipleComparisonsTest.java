package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MultipleComparisonsTest {

    private static final double[] P = {0.01, 0.04, 0.03, 0.005, 0.2, 0.04};

    @Test
    void holm_matchesRPAdjust() {
        // p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, 0.04), "holm")
        // 0.05 0.12 0.12 0.03 0.20 0.12
        assertThat(MultipleComparisons.holm(P))
                .containsExactly(new double[] {0.05, 0.12, 0.12, 0.03, 0.2, 0.12}, within(1e-15));
    }

    @Test
    void benjaminiHochberg_matchesRPAdjust() {
        // p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, 0.04), "BH")
        // 0.030 0.048 0.048 0.030 0.200 0.048
        assertThat(MultipleComparisons.benjaminiHochberg(P)).containsExactly(
                new double[] {0.03, 0.048, 0.048, 0.03, 0.2, 0.048}, within(1e-15));
    }

    @Test
    void emptyAndSingleInputs_areUnchanged() {
        assertThat(MultipleComparisons.holm()).isEmpty();
        assertThat(MultipleComparisons.benjaminiHochberg(0.3)).containsExactly(0.3);
    }

    @Test
    void pValueOutsideUnitInterval_isRejected() {
        assertThatThrownBy(() -> MultipleComparisons.holm(0.1, 1.2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pValues[1] must be in [0, 1], but was 1.2");
    }
}

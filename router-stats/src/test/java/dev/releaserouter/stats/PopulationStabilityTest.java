package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Reference values from NumPy 2 with the documented formula:
 * {@code pe = e/e.sum(); pa = a/a.sum(); pe[e == 0] = eps; pa[a == 0] = eps;
 * ((pa - pe) * np.log(pa / pe)).sum()}.
 */
class PopulationStabilityTest {

    @Test
    void index_smallShift_isStable() {
        // e = [100, 200, 300, 400], a = [150, 150, 300, 400]  -> 0.03465735902799727
        PsiResult r = PopulationStability.index(new long[] {100, 200, 300, 400},
                new long[] {150, 150, 300, 400});
        assertThat(r.value()).isCloseTo(0.03465735902799727, within(1e-15));
        assertThat(r.contributions()).containsExactly(0.020273255405408207,
                0.014384103622589059, 0.0, 0.0);
        assertThat(r.level()).isEqualTo(PsiResult.Level.STABLE);
    }

    @Test
    void index_emptyBaselineBin_usesEpsilon() {
        // e = [100, 0, 900], a = [100, 50, 850], eps = 1e-4  -> 0.31296686480326474
        PsiResult r = PopulationStability.index(new long[] {100, 0, 900},
                new long[] {100, 50, 850});
        assertThat(r.value()).isCloseTo(0.31296686480326474, within(1e-14));
        assertThat(r.contributions().get(1)).isCloseTo(0.3101089441112673, within(1e-14));
        assertThat(r.level()).isEqualTo(PsiResult.Level.SIGNIFICANT_SHIFT);
        assertThat(r.epsilon()).isEqualTo(PopulationStability.DEFAULT_EPSILON);
    }

    @Test
    void index_reversedDistribution_isSymmetric() {
        // e = [10, 20, 30, 40], a = [40, 30, 20, 10]  -> 0.9128696382935673
        long[] e = {10, 20, 30, 40};
        long[] a = {40, 30, 20, 10};
        assertThat(PopulationStability.index(e, a).value())
                .isCloseTo(0.9128696382935673, within(1e-14));
        assertThat(PopulationStability.index(a, e).value())
                .isCloseTo(0.9128696382935673, within(1e-14));
    }

    @Test
    void index_identicalDistributions_isZero() {
        long[] counts = {5, 10, 0, 20};
        assertThat(PopulationStability.index(counts, new long[] {50, 100, 0, 200}).value())
                .isZero();
    }

    @Test
    void index_emptySide_isUndefined() {
        PsiResult r = PopulationStability.index(new long[] {0, 0}, new long[] {1, 2});
        assertThat(r.value()).isNaN();
        assertThat(r.level()).isEqualTo(PsiResult.Level.UNDEFINED);
    }

    @Test
    void moderateValue_readsAsModerateShift() {
        assertThat(new PsiResult(0.1, java.util.List.of(), 1e-4).level())
                .isEqualTo(PsiResult.Level.MODERATE_SHIFT);
        assertThat(new PsiResult(0.0999, java.util.List.of(), 1e-4).level())
                .isEqualTo(PsiResult.Level.STABLE);
    }

    @Test
    void quantileEdgesAndHistogram_splitBaselineEvenly() {
        double[] baseline = new double[100];
        for (int i = 0; i < 100; i++) {
            baseline[i] = i + 1;
        }
        // quantile(1:100, c(.25, .5, .75))  # 25.75 50.5 75.25 (type 7)
        double[] edges = PopulationStability.quantileEdges(baseline, 4);
        assertThat(edges).containsExactly(new double[] {25.75, 50.5, 75.25}, within(1e-12));
        assertThat(PopulationStability.histogram(baseline, edges))
                .containsExactly(25, 25, 25, 25);
        assertThat(PopulationStability.histogram(new double[] {25.75, 25.76, -1e9, 1e9}, edges))
                .containsExactly(2, 1, 0, 1);
    }

    @Test
    void invalidInputs_areRejectedNamingThem() {
        assertThatThrownBy(() -> PopulationStability.index(new long[] {1}, new long[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected and actual must have the same number of bins >= 1,"
                        + " but had 1 and 2");
        assertThatThrownBy(() -> PopulationStability.index(new long[] {1, -3},
                new long[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected[1] must be >= 0, but was -3");
        assertThatThrownBy(() -> PopulationStability.histogram(new double[] {1},
                new double[] {Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("edges[0] must be finite, but was NaN");
        assertThatThrownBy(() -> PopulationStability.quantileEdges(new double[] {1}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bins must be >= 2, but was 1");
    }
}

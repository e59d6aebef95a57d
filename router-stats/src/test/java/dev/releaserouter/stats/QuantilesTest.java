package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class QuantilesTest {

    /**
     * R 4.x: {@code quantile(c(2, 7.5, 1, 4, 10, 3.25), c(0, .05, .1, .25, .5, .75, .95, .99, 1),
     * type = 7)}; the same numbers as NumPy's {@code percentile(x, q)} (method "linear").
     */
    @Test
    void type7_matchesRsQuantileType7() {
        double[] x = {2, 7.5, 1, 4, 10, 3.25};

        double[] q = Quantiles.type7(x, 0, 0.05, 0.10, 0.25, 0.50, 0.75, 0.95, 0.99, 1);

        assertThat(q).containsExactly(
                new double[] {1, 1.25, 1.5, 2.3125, 3.625, 6.625, 9.375, 9.875, 10},
                within(1e-12));
        assertThat(x).containsExactly(2, 7.5, 1, 4, 10, 3.25); // not modified
    }

    @Test
    void type7_ofOneValue_isThatValue_andOfTwo_interpolates() {
        assertThat(Quantiles.type7(new double[] {5}, 0, 0.5, 1)).containsExactly(5, 5, 5);
        // R: quantile(c(1, 2), c(.5, .95)) = 1.5, 1.95
        assertThat(Quantiles.type7(new double[] {2, 1}, 0.5, 0.95))
                .containsExactly(new double[] {1.5, 1.95}, within(1e-12));
    }

    @Test
    void type7_refusesEmptyValues_nonFiniteValues_andProbabilitiesOutsideTheUnitInterval() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Quantiles.type7(new double[0], 0.5))
                .withMessage("values must not be empty, but had 0 values");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Quantiles.type7(new double[] {1, Double.NaN}, 0.5))
                .withMessageContaining("values[1]");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Quantiles.type7Sorted(new double[] {1}, 1.5))
                .withMessage("p must be between 0 and 1, but was 1.5");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Quantiles.type7Sorted(new double[] {1}, Double.NaN));
    }

    @Property
    void type7_liesBetweenTheOrderStatisticsAround_h(
            @ForAll @Size(min = 1, max = 50) double[] values,
            @ForAll @DoubleRange(min = 0, max = 1) double p) {
        double[] sorted = Arrays.stream(values).map(v -> Double.isFinite(v) ? v % 1e6 : 0)
                .sorted().toArray();
        double h = (sorted.length - 1) * p;

        double q = Quantiles.type7Sorted(sorted, p);

        assertThat(q).isBetween(sorted[(int) Math.floor(h)] - 1e-6,
                sorted[(int) Math.ceil(h)] + 1e-6);
    }
}

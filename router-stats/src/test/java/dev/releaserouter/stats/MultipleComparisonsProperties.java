package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

class MultipleComparisonsProperties {

    @Property(tries = 300)
    void adjusted_areAtLeastRawAndAtMostOne(
            @ForAll @Size(max = 30) List<@DoubleRange(min = 0, max = 1) Double> raw) {
        double[] p = raw.stream().mapToDouble(Double::doubleValue).toArray();
        for (double[] adjusted : List.of(MultipleComparisons.holm(p),
                MultipleComparisons.benjaminiHochberg(p))) {
            for (int i = 0; i < p.length; i++) {
                assertThat(adjusted[i]).isBetween(p[i], 1.0);
            }
        }
    }

    @Property(tries = 300)
    void adjusted_keepTheOrderOfRaw(
            @ForAll @Size(max = 30) List<@DoubleRange(min = 0, max = 1) Double> raw) {
        double[] p = raw.stream().mapToDouble(Double::doubleValue).toArray();
        for (double[] adjusted : List.of(MultipleComparisons.holm(p),
                MultipleComparisons.benjaminiHochberg(p))) {
            for (int i = 0; i < p.length; i++) {
                for (int j = 0; j < p.length; j++) {
                    if (p[i] <= p[j]) {
                        assertThat(adjusted[i]).isLessThanOrEqualTo(adjusted[j]);
                    }
                }
            }
        }
    }

    @Property(tries = 200)
    void holm_isNeverBelowBenjaminiHochberg(
            @ForAll @Size(max = 30) List<@DoubleRange(min = 0, max = 1) Double> raw) {
        double[] p = raw.stream().mapToDouble(Double::doubleValue).toArray();
        double[] holm = MultipleComparisons.holm(p);
        double[] bh = MultipleComparisons.benjaminiHochberg(p);
        for (int i = 0; i < p.length; i++) {
            assertThat(holm[i]).isGreaterThanOrEqualTo(bh[i]);
        }
        assertThat(Arrays.stream(holm).allMatch(x -> x >= 0)).isTrue();
    }
}

package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class MannWhitneyProperties {

    @Property(tries = 300)
    void hodgesLehmann_equalsMedianOfAllPairwiseDifferences(
            @ForAll @Size(min = 1, max = 25) List<@IntRange(min = -50, max = 50) Integer> c,
            @ForAll @Size(min = 1, max = 25) List<@IntRange(min = -50, max = 50) Integer> t,
            @ForAll @IntRange(min = 1, max = 1000) int scaleDivisor) {
        double[] cv = c.stream().mapToDouble(v -> (double) v / scaleDivisor).toArray();
        double[] tv = t.stream().mapToDouble(v -> (double) v / scaleDivisor).toArray();
        double[] diffs = new double[cv.length * tv.length];
        int k = 0;
        for (double tj : tv) {
            for (double ci : cv) {
                diffs[k++] = tj - ci;
            }
        }
        Arrays.sort(diffs);
        int n = diffs.length;
        double median = n % 2 == 1 ? diffs[n / 2] : (diffs[n / 2 - 1] + diffs[n / 2]) / 2;
        assertThat(MannWhitney.test(cv, tv).hodgesLehmannShift()).isCloseTo(median, within(1e-12));
    }

    @Property(tries = 300)
    void swappingArms_flipsUAndShiftButKeepsPValue(
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 20) Integer> c,
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 20) Integer> t) {
        double[] cv = c.stream().mapToDouble(Integer::doubleValue).toArray();
        double[] tv = t.stream().mapToDouble(Integer::doubleValue).toArray();
        RankTestResult forward = MannWhitney.test(cv, tv);
        RankTestResult backward = MannWhitney.test(tv, cv);
        assertThat(forward.u() + backward.u()).isEqualTo((double) cv.length * tv.length);
        assertThat(backward.defined()).isEqualTo(forward.defined());
        if (!forward.defined()) {
            // Undefined only when every value is tied.
            assertThat(c.stream().distinct().count() == 1 && c.get(0).equals(t.get(0))
                    && t.stream().distinct().count() == 1).isTrue();
            return;
        }
        assertThat(backward.z()).isCloseTo(-forward.z(), within(1e-12));
        assertThat(backward.pValue()).isCloseTo(forward.pValue(), within(1e-12));
        assertThat(backward.hodgesLehmannShift())
                .isCloseTo(-forward.hodgesLehmannShift(), within(1e-12));
        assertThat(forward.pValue()).isBetween(0.0, 1.0);
    }
}

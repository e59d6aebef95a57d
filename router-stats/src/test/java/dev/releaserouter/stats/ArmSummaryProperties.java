package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

class ArmSummaryProperties {

    @Property(tries = 300)
    void merge_equalsSummaryOfConcatenation(
            @ForAll @Size(max = 40) List<@DoubleRange(min = -1e6, max = 1e6) Double> a,
            @ForAll @Size(max = 40) List<@DoubleRange(min = -1e6, max = 1e6) Double> b) {
        ArmSummary merged = summarize(a).merge(summarize(b));
        double[] all = new double[a.size() + b.size()];
        for (int i = 0; i < a.size(); i++) {
            all[i] = a.get(i);
        }
        for (int i = 0; i < b.size(); i++) {
            all[a.size() + i] = b.get(i);
        }
        ArmSummary whole = ArmSummary.ofValues(all);
        assertClose(merged, whole);
        assertThat(merged.conversions()).isEqualTo(whole.conversions());
        // Cross-check the moments against the two-pass textbook formulas.
        if (all.length > 1) {
            double mean = Arrays.stream(all).average().orElseThrow();
            double ss = Arrays.stream(all).map(x -> (x - mean) * (x - mean)).sum();
            assertThat(merged.variance()).isCloseTo(ss / (all.length - 1),
                    within(1e-6 * (1 + ss / all.length)));
        }
    }

    @Property(tries = 200)
    void merge_isCommutativeAndAssociative(
            @ForAll @Size(max = 20) List<@DoubleRange(min = -1e3, max = 1e3) Double> a,
            @ForAll @Size(max = 20) List<@DoubleRange(min = -1e3, max = 1e3) Double> b,
            @ForAll @Size(max = 20) List<@DoubleRange(min = -1e3, max = 1e3) Double> c) {
        ArmSummary x = summarize(a);
        ArmSummary y = summarize(b);
        ArmSummary z = summarize(c);
        assertClose(x.merge(y), y.merge(x));
        assertClose(x.merge(y).merge(z), x.merge(y.merge(z)));
    }

    @Property(tries = 200)
    void mergeOfConversionCounts_addsCounts(@ForAll @DoubleRange(min = 0, max = 1) double r1,
            @ForAll @DoubleRange(min = 0, max = 1) double r2) {
        long n1 = 1000;
        long n2 = 50_000_000L;
        ArmSummary a = ArmSummary.ofConversions(n1, Math.round(r1 * n1));
        ArmSummary b = ArmSummary.ofConversions(n2, Math.round(r2 * n2));
        ArmSummary merged = a.merge(b);
        ArmSummary whole = ArmSummary.ofConversions(n1 + n2, a.conversions() + b.conversions());
        assertClose(merged, whole);
        assertThat(merged.conversions()).isEqualTo(whole.conversions());
    }

    private static ArmSummary summarize(List<Double> values) {
        ArmAccumulator acc = new ArmAccumulator();
        values.forEach(acc::add);
        return acc.toSummary();
    }

    private static void assertClose(ArmSummary actual, ArmSummary expected) {
        assertThat(actual.n()).isEqualTo(expected.n());
        if (expected.n() == 0) {
            return;
        }
        double scale = 1 + Math.abs(expected.mean());
        assertThat(actual.mean()).isCloseTo(expected.mean(),
                within(1e-9 * scale));
        double m2 = expected.sumOfSquaredDeviations();
        assertThat(actual.sumOfSquaredDeviations()).isCloseTo(m2,
                within(1e-9 * (1 + m2) + 1e-9 * scale * scale));
    }
}

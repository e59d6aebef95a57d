package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class RatioSummaryProperties {

    /** Units as (errors, requests) pairs, errors <= requests. */
    private static RatioSummary summarize(List<List<Integer>> units) {
        RatioAccumulator acc = new RatioAccumulator();
        for (List<Integer> u : units) {
            acc.add(Math.min(u.get(0), u.get(1)), u.get(1));
        }
        return acc.toSummary();
    }

    /** The delta-method variance by the two-pass textbook formula over the units. */
    private static double twoPass(List<List<Integer>> units) {
        double sx = 0;
        double sy = 0;
        for (List<Integer> u : units) {
            sx += Math.min(u.get(0), u.get(1));
            sy += u.get(1);
        }
        int n = units.size();
        double r = sx / sy;
        double residual = 0;
        for (List<Integer> u : units) {
            double e = Math.min(u.get(0), u.get(1)) - r * u.get(1);
            residual += e * e;
        }
        double ybar = sy / n;
        return residual / ((double) (n - 1) * n * ybar * ybar);
    }

    @Property(tries = 300)
    void merge_equalsSummaryOfAllUnits_andTheTwoPassFormula(
            @ForAll @Size(max = 30) List<@Size(2) List<@IntRange(min = 1, max = 60) Integer>> a,
            @ForAll @Size(max = 30) List<@Size(2) List<@IntRange(min = 1, max = 60) Integer>> b) {
        RatioSummary merged = summarize(a).merge(summarize(b));
        List<List<Integer>> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        RatioSummary whole = summarize(all);
        assertThat(merged.units()).isEqualTo(whole.units());
        assertThat(merged.sumX()).isCloseTo(whole.sumX(), within(1e-9));
        assertThat(merged.sumY()).isCloseTo(whole.sumY(), within(1e-9));
        if (all.size() >= 2) {
            double v = twoPass(all);
            assertThat(merged.varianceOfRatio()).isCloseTo(v, within(1e-12 + 1e-9 * v));
            assertThat(whole.varianceOfRatio()).isCloseTo(v, within(1e-12 + 1e-9 * v));
        } else {
            assertThat(merged.varianceOfRatio()).isNaN();
        }
    }

    @Property(tries = 200)
    void merge_isCommutativeAndAssociative(
            @ForAll @Size(max = 15) List<@Size(2) List<@IntRange(min = 1, max = 60) Integer>> a,
            @ForAll @Size(max = 15) List<@Size(2) List<@IntRange(min = 1, max = 60) Integer>> b,
            @ForAll @Size(max = 15) List<@Size(2) List<@IntRange(min = 1, max = 60) Integer>> c) {
        RatioSummary x = summarize(a);
        RatioSummary y = summarize(b);
        RatioSummary z = summarize(c);
        assertSame(x.merge(y), y.merge(x));
        assertSame(x.merge(y).merge(z), x.merge(y.merge(z)));
        assertThat(x.merge(RatioSummary.empty())).isEqualTo(x);
    }

    @Property(tries = 200)
    void swappingArms_flipsTheEstimateAndKeepsThePValue(
            @ForAll @Size(min = 2, max = 20) List<@Size(2) List<@IntRange(min = 1, max = 60)
                    Integer>> a,
            @ForAll @Size(min = 2, max = 20) List<@Size(2) List<@IntRange(min = 1, max = 60)
                    Integer>> b) {
        TestResult forward = Ratios.test(summarize(a), summarize(b));
        TestResult backward = Ratios.test(summarize(b), summarize(a));
        assertThat(backward.defined()).isEqualTo(forward.defined());
        assertThat(backward.estimate()).isCloseTo(-forward.estimate(), within(1e-15));
        if (forward.defined()) {
            assertThat(forward.pValue()).isBetween(0.0, 1.0);
            assertThat(backward.pValue()).isCloseTo(forward.pValue(), within(1e-12));
            assertThat(forward.pValue(Alternative.GREATER))
                    .isCloseTo(backward.pValue(Alternative.LESS), within(1e-12));
            assertThat(forward.confidenceInterval().contains(forward.estimate())).isTrue();
        }
    }

    private static void assertSame(RatioSummary p, RatioSummary q) {
        assertThat(p.units()).isEqualTo(q.units());
        assertThat(p.sumX()).isCloseTo(q.sumX(), within(1e-9));
        assertThat(p.sumY()).isCloseTo(q.sumY(), within(1e-9));
        double v = q.varianceOfRatio();
        if (Double.isNaN(v)) {
            assertThat(p.varianceOfRatio()).isNaN();
        } else {
            assertThat(p.varianceOfRatio()).isCloseTo(v, within(1e-12 + 1e-9 * v));
        }
    }
}

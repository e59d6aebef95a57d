package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;

class SampleSizeProperties {

    @Property(tries = 300)
    void proportionSize_shrinksAsEffectGrows(
            @ForAll @Scale(6) @DoubleRange(min = 0.01, max = 0.6) double p,
            @ForAll @Scale(6) @DoubleRange(min = 0.001, max = 0.2) double d,
            @ForAll @Scale(6) @DoubleRange(min = 1.05, max = 3) double factor,
            @ForAll ProportionMethod method) {
        Assume.that(p + d * factor < 0.99);
        double small = SampleSize.forProportions(p, Effect.absolute(d), TestDesign.standard(),
                method).exactControl();
        double large = SampleSize.forProportions(p, Effect.absolute(d * factor),
                TestDesign.standard(), method).exactControl();
        assertThat(large).isLessThan(small);
    }

    @Property(tries = 300)
    void proportionSize_growsWithPowerAndShrinksWithAlpha(
            @ForAll @Scale(6) @DoubleRange(min = 0.01, max = 0.6) double p,
            @ForAll @Scale(6) @DoubleRange(min = 0.001, max = 0.2) double d,
            @ForAll @Scale(6) @DoubleRange(min = 0.5, max = 0.95) double power,
            @ForAll ProportionMethod method) {
        TestDesign low = TestDesign.standard().withPower(power);
        TestDesign high = TestDesign.standard().withPower(power + 0.04);
        Effect effect = Effect.absolute(d);
        double nLow = SampleSize.forProportions(p, effect, low, method).exactControl();
        double nHigh = SampleSize.forProportions(p, effect, high, method).exactControl();
        double nLooseAlpha = SampleSize.forProportions(p, effect, low.withAlpha(0.1), method)
                .exactControl();
        assertThat(nHigh).isGreaterThan(nLow);
        assertThat(nLooseAlpha).isLessThan(nLow);
    }

    @Property(tries = 100)
    void meanSize_shrinksAsEffectGrowsForBothMethods(
            @ForAll @Scale(6) @DoubleRange(min = 0.05, max = 2) double e,
            @ForAll @Scale(6) @DoubleRange(min = 1.05, max = 3) double factor,
            @ForAll MeanMethod method) {
        double small = SampleSize.forMeans(0, 1, Effect.absolute(e), TestDesign.standard(),
                method).exactControl();
        double large = SampleSize.forMeans(0, 1, Effect.absolute(e * factor),
                TestDesign.standard(), method).exactControl();
        assertThat(large).isLessThanOrEqualTo(small);
    }

    @Property(tries = 100)
    void meanSize_growsWithPowerForBothMethods(
            @ForAll @Scale(6) @DoubleRange(min = 0.05, max = 2) double e,
            @ForAll @Scale(6) @DoubleRange(min = 0.5, max = 0.95) double power,
            @ForAll MeanMethod method) {
        TestDesign low = TestDesign.standard().withPower(power);
        TestDesign high = low.withPower(power + 0.04);
        double nLow = SampleSize.forMeans(0, 1, Effect.absolute(e), low, method).exactControl();
        double nHigh = SampleSize.forMeans(0, 1, Effect.absolute(e), high, method)
                .exactControl();
        assertThat(nHigh).isGreaterThanOrEqualTo(nLow);
        if (method == MeanMethod.NORMAL) {
            assertThat(nHigh).isGreaterThan(nLow);
        }
    }

    @Property(tries = 300)
    void powerOfProportions_invertsSampleSizeAndGrowsWithN(
            @ForAll @Scale(6) @DoubleRange(min = 0.01, max = 0.6) double p,
            @ForAll @Scale(6) @DoubleRange(min = 0.001, max = 0.2) double d,
            @ForAll @Scale(6) @DoubleRange(min = 0.55, max = 0.99) double power,
            @ForAll @Scale(3) @DoubleRange(min = 0.1, max = 10) double k,
            @ForAll ProportionMethod method) {
        Assume.that(p + d < 0.99);
        TestDesign design = TestDesign.standard().withPower(power).withAllocationRatio(k);
        Effect effect = Effect.absolute(d);
        double n = SampleSize.forProportions(p, effect, design, method).exactControl();
        double achieved = SampleSize.powerOfProportions(p, effect, n, design, method);
        assertThat(achieved).isCloseTo(power, withinPercentage(1e-6));
        assertThat(SampleSize.powerOfProportions(p, effect, n * 1.1, design, method))
                .isGreaterThan(achieved);
    }

    @Property(tries = 100)
    void detectableEffect_invertsSampleSize(
            @ForAll @Scale(6) @DoubleRange(min = 0.01, max = 0.5) double p,
            @ForAll @IntRange(min = 50, max = 1_000_000) int n,
            @ForAll ProportionMethod method) {
        double d = SampleSize.detectableEffectForProportions(p, n, TestDesign.standard(), method);
        Assume.that(!Double.isNaN(d));
        double back = SampleSize.forProportions(p, Effect.absolute(d), TestDesign.standard(),
                method).exactControl();
        assertThat(back).isCloseTo(n, withinPercentage(1e-6));
    }
}

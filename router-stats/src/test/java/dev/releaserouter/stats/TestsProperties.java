package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;

/** Invariants of the two-arm tests and the uplift over arbitrary arms. */
class TestsProperties {

    @Provide
    Arbitrary<ArmSummary> conversionArms() {
        return Arbitraries.longs().between(0, 100_000_000L).flatMap(n -> Arbitraries.longs()
                .between(0, n).map(c -> ArmSummary.ofConversions(n, c)));
    }

    @Provide
    Arbitrary<ArmSummary> continuousArms() {
        return Combinators.combine(Arbitraries.longs().between(0, 100_000_000L),
                Arbitraries.doubles().between(-1e6, 1e6),
                Arbitraries.doubles().between(0, 1e4)).as(ArmSummary::ofMoments);
    }

    @Property(tries = 500)
    void zTest_pValueInUnitIntervalAndSwapFlipsSigns(
            @ForAll("conversionArms") ArmSummary c, @ForAll("conversionArms") ArmSummary t) {
        for (ContinuityCorrection cc : ContinuityCorrection.values()) {
            TestResult forward = Proportions.zTest(c, t, cc, 0.95);
            TestResult backward = Proportions.zTest(t, c, cc, 0.95);
            assertThat(backward.defined()).isEqualTo(forward.defined());
            if (!forward.defined()) {
                // Undefined only without data or without variance, and never as p = 1.
                assertThat(c.n() == 0 || t.n() == 0 || c.conversions() + t.conversions() == 0
                        || c.conversions() + t.conversions() == c.n() + t.n()).isTrue();
                assertThat(forward.pValue()).isNaN();
                continue;
            }
            assertThat(forward.pValue()).isBetween(0.0, 1.0);
            assertThat(forward.logPValue()).isLessThanOrEqualTo(0.0);
            assertThat(backward.statistic()).isCloseTo(-forward.statistic(), within(1e-9));
            assertThat(backward.pValue()).isCloseTo(forward.pValue(), within(1e-12));
            if (!Double.isNaN(forward.estimate())) {
                assertThat(backward.estimate()).isEqualTo(-forward.estimate());
                assertThat(forward.confidenceInterval().contains(forward.estimate())).isTrue();
            }
        }
    }

    @Property(tries = 500)
    void welchTest_pValueInUnitIntervalAndSwapFlipsSigns(
            @ForAll("continuousArms") ArmSummary c, @ForAll("continuousArms") ArmSummary t) {
        TestResult forward = Means.welchTest(c, t);
        TestResult backward = Means.welchTest(t, c);
        assertThat(backward.defined()).isEqualTo(forward.defined());
        if (!forward.defined()) {
            assertThat(c.n() < 2 || t.n() < 2 || c.variance() + t.variance() == 0).isTrue();
            assertThat(forward.pValue()).isNaN();
            return;
        }
        assertThat(forward.pValue()).isBetween(0.0, 1.0);
        assertThat(backward.pValue()).isCloseTo(forward.pValue(), within(1e-12));
        if (!Double.isNaN(forward.estimate())) {
            assertThat(backward.estimate()).isEqualTo(-forward.estimate());
            assertThat(forward.confidenceInterval().contains(forward.estimate())).isTrue();
        }
    }

    @Property(tries = 500)
    void uplift_intervalsContainTheEstimates(
            @ForAll("continuousArms") ArmSummary c, @ForAll("continuousArms") ArmSummary t,
            @ForAll @DoubleRange(min = 0.5, max = 0.99) double level) {
        Uplift u = Uplift.of(MetricKind.CONTINUOUS, c, t, level);
        if (!Double.isNaN(u.absolute())) {
            assertThat(u.absoluteInterval().contains(u.absolute())).isTrue();
        }
        if (!Double.isNaN(u.relative())) {
            assertThat(u.relativeInterval().contains(u.relative())).isTrue();
            // The relative uplift has the sign of the absolute one, even below zero means.
            assertThat(Math.signum(u.relative())).isEqualTo(Math.signum(u.absolute()));
        }
    }

    @Property(tries = 200)
    void zTest_widerLevel_givesWiderInterval(@ForAll("conversionArms") ArmSummary c,
            @ForAll("conversionArms") ArmSummary t) {
        Interval narrow = Proportions.zTest(c, t, ContinuityCorrection.NONE, 0.9)
                .confidenceInterval();
        Interval wide = Proportions.zTest(c, t, ContinuityCorrection.NONE, 0.99)
                .confidenceInterval();
        assertThat(wide.lower()).isLessThanOrEqualTo(narrow.lower());
        assertThat(wide.upper()).isGreaterThanOrEqualTo(narrow.upper());
    }

    @Property(tries = 200)
    void srm_pValueInUnitInterval(@ForAll @LongRange(min = 0, max = 1_000_000_000L) long a,
            @ForAll @LongRange(min = 0, max = 1_000_000_000L) long b,
            @ForAll @DoubleRange(min = 0.01, max = 100) double w) {
        SrmResult r = SampleRatioMismatch.test(new long[] {a, b}, 1, w);
        assertThat(r.defined()).isEqualTo(a + b > 0);
        if (!r.defined()) {
            return;
        }
        assertThat(r.pValue()).isBetween(0.0, 1.0);
        assertThat(r.logPValue()).isLessThanOrEqualTo(0.0);
    }

    @Property(tries = 200)
    void chanceToBeatControl_isComplementaryUnderSwap(
            @ForAll @LongRange(min = 0, max = 5000) long nc,
            @ForAll @LongRange(min = 0, max = 5000) long nt,
            @ForAll @DoubleRange(min = 0, max = 1) double rc,
            @ForAll @DoubleRange(min = 0, max = 1) double rt) {
        ArmSummary c = ArmSummary.ofConversions(nc, Math.round(rc * nc));
        ArmSummary t = ArmSummary.ofConversions(nt, Math.round(rt * nt));
        double forward = BayesianConversion.chanceToBeatControl(c, t);
        double backward = BayesianConversion.chanceToBeatControl(t, c);
        assertThat(forward).isBetween(0.0, 1.0);
        assertThat(forward + backward).isCloseTo(1.0, within(1e-7));
    }

    @Property(tries = 200)
    void chanceToBeatControl_anyPriorShape_isComplementaryUnderSwapAndHalfForEqualArms(
            @ForAll @LongRange(min = 0, max = 5000) long nc,
            @ForAll @LongRange(min = 0, max = 5000) long nt,
            @ForAll @DoubleRange(min = 0, max = 1) double rc,
            @ForAll @DoubleRange(min = 0, max = 1) double rt,
            @ForAll @DoubleRange(min = 0.001, max = 3) @Scale(4) double a0,
            @ForAll @DoubleRange(min = 0.001, max = 3) @Scale(4) double b0) {
        // Shapes below 1 are singular at 0 or 1; the graded panels keep both identities.
        ArmSummary c = ArmSummary.ofConversions(nc, Math.round(rc * nc));
        ArmSummary t = ArmSummary.ofConversions(nt, Math.round(rt * nt));
        double forward = BayesianConversion.chanceToBeatControl(c, t, a0, b0);
        double backward = BayesianConversion.chanceToBeatControl(t, c, a0, b0);
        assertThat(forward).isBetween(0.0, 1.0);
        assertThat(forward + backward).isCloseTo(1.0, within(1e-7));
        assertThat(BayesianConversion.chanceToBeatControl(c, c, a0, b0))
                .isCloseTo(0.5, within(1e-7));
    }
}

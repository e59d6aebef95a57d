package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

/** Reference values from R 4.2.2 and its pwr 1.3-0 package; the calls are next to them. */
class SampleSizeTest {

    private static final TestDesign POWER_90 = TestDesign.standard().withPower(0.9);

    @Test
    void pooledNormal_matchesRPowerPropTest() {
        // power.prop.test(p1 = .5, p2 = .75, power = .9, tol = 1e-12)$n  # 76.706928451777443
        SampleRequirement r = SampleSize.forProportions(0.5, Effect.absolute(0.25), POWER_90,
                ProportionMethod.POOLED_NORMAL);
        assertThat(r.exactControl()).isCloseTo(76.706928451777443, withinPercentage(1e-7));
        assertThat(r.control()).isEqualTo(77);
        assertThat(r.treatment()).isEqualTo(77);
        assertThat(r.total()).isEqualTo(154);
    }

    @Test
    void pooledNormal_relativeEffect_matchesRPowerPropTest() {
        // power.prop.test(p1 = .10, p2 = .105, power = .8, tol = 1e-12)$n  # 57762.651454129584
        SampleRequirement r = SampleSize.forProportions(0.10, Effect.relative(0.05));
        assertThat(r.exactControl()).isCloseTo(57762.651454129584, withinPercentage(1e-7));
        assertThat(r.control()).isEqualTo(57763);
    }

    @Test
    void pooledNormal_strictAlpha_matchesRPowerPropTest() {
        // power.prop.test(p1 = .02, p2 = .025, power = .9, sig.level = .01, tol = 1e-12)$n
        // 26177.809890771885
        SampleRequirement r = SampleSize.forProportions(0.02, Effect.absolute(0.005),
                new TestDesign(0.01, 0.9, 1), ProportionMethod.POOLED_NORMAL);
        assertThat(r.exactControl()).isCloseTo(26177.809890771885, withinPercentage(1e-7));
    }

    @Test
    void unequalAllocation_followsFleissFormulas() {
        // p1 <- .1; p2 <- .12; k <- .25; za <- qnorm(.975); zb <- qnorm(.8)
        // pb <- (p1 + k*p2)/(1 + k)
        // n <- (za*sqrt(pb*(1-pb)*(1+1/k)) + zb*sqrt(p1*(1-p1) + p2*(1-p2)/k))^2/(p2-p1)^2
        //   # 9411.8041571859303
        // n/4*(1 + sqrt(1 + 2*(k+1)/(k*n*abs(p2-p1))))^2  # 9660.1866936217648
        // (za+zb)^2*(p1*(1-p1) + p2*(1-p2)/k)/(p2-p1)^2  # 10054.414939701188
        TestDesign canary = TestDesign.standard().withAllocationRatio(0.25);
        Effect d = Effect.absolute(0.02);
        SampleRequirement pooled =
                SampleSize.forProportions(0.1, d, canary, ProportionMethod.POOLED_NORMAL);
        assertThat(pooled.exactControl()).isCloseTo(9411.8041571859303, withinPercentage(1e-7));
        assertThat(pooled.treatment()).isEqualTo((long) Math.ceil(0.25 * 9411.8041571859303));
        assertThat(SampleSize.forProportions(0.1, d, canary,
                ProportionMethod.POOLED_NORMAL_CONTINUITY).exactControl())
                .isCloseTo(9660.1866936217648, withinPercentage(1e-7));
        assertThat(SampleSize.forProportions(0.1, d, canary,
                ProportionMethod.UNPOOLED_NORMAL).exactControl())
                .isCloseTo(10054.414939701188, withinPercentage(1e-7));
    }

    @Test
    void arcsine_atMillionsOfUnits_isAboutTenUnitsAbovePwrAndStatsmodels() {
        // The javadoc's measured gap. R 4.2.2, pwr 1.3-0:
        // h <- ES.h(0.1006, 0.1); 2 * ((qnorm(.975) + qnorm(.8)) / h)^2  # 3934892.85974754
        // pwr.2p.test(h = h, power = 0.8)$n  # 3934883.22163257 (adds the opposite tail)
        // statsmodels 0.13.5: NormalIndPower().solve_power(effect_size=proportion_effectsize(
        //     0.1006, 0.1), alpha=0.05, power=0.8, ratio=1)  # 3934883.2216335693
        double n = SampleSize.forProportions(0.1, Effect.absolute(0.0006), TestDesign.standard(),
                ProportionMethod.ARCSINE).exactControl();
        assertThat(n).isCloseTo(3934892.85974754, withinPercentage(1e-7));
        assertThat(n - 3934883.22163257).isCloseTo(9.64, within(
                0.05));
    }

    @Test
    void arcsine_matchesCohensFormulaAsInRPwr() {
        // library(pwr); h <- ES.h(.105, .10); 2*((qnorm(.975) + qnorm(.8))/h)^2
        //   # 57755.780472236896
        // pwr.2p.test(h = h, n = 57755.780472236896)$power  # 0.80000096056222658: pwr adds
        //   the opposite tail (1e-6); its solve, pwr.2p.test(h = h, power = .8)$n, gives
        //   57755.638992551831 only because uniroot stops at tol = eps^0.25.
        // 2*((qnorm(.975) + qnorm(.9))/ES.h(.75, .5))^2  # 76.652966996349249
        assertThat(SampleSize.forProportions(0.10, Effect.absolute(0.005),
                TestDesign.standard(), ProportionMethod.ARCSINE).exactControl())
                .isCloseTo(57755.780472236896, withinPercentage(1e-7));
        assertThat(SampleSize.forProportions(0.5, Effect.absolute(0.25), POWER_90,
                ProportionMethod.ARCSINE).exactControl())
                .isCloseTo(76.652966996349249, withinPercentage(1e-7));
    }

    @Test
    void tDistribution_matchesRPowerTTest() {
        // power.t.test(delta = 1, sd = 2, power = .8, tol = 1e-12)$n  # 63.765763724846821
        // power.t.test(delta = .2, sd = 1, power = .9, sig.level = .01, tol = 1e-12)$n
        //   # 745.62996785522341
        assertThat(SampleSize.forMeans(0, 2, Effect.absolute(1), TestDesign.standard(),
                MeanMethod.T_DISTRIBUTION).exactControl())
                .isCloseTo(63.765763724846821, withinPercentage(1e-6));
        assertThat(SampleSize.forMeans(0, 1, Effect.absolute(0.2), new TestDesign(0.01, 0.9, 1),
                MeanMethod.T_DISTRIBUTION).exactControl())
                .isCloseTo(745.62996785522341, withinPercentage(1e-6));
    }

    @Test
    void normalMeans_isTheClosedForm() {
        // 2 * 2^2 * (qnorm(.975) + qnorm(.8))^2 / 1^2  # 62.79222064
        double expected = 8 * Math.pow(1.959963984540054 + 0.8416212335729143, 2);
        SampleRequirement r = SampleSize.forMeans(0, 2, Effect.absolute(1),
                TestDesign.standard(), MeanMethod.NORMAL);
        assertThat(r.exactControl()).isCloseTo(expected, withinPercentage(1e-9));
        assertThat(r.exactControl()).isLessThan(63.765763724846821);
    }

    @Test
    void relativeMeanEffect_usesAbsoluteBaseline() {
        // A 20% change of a baseline MAE of 10 is an absolute change of 2.
        SampleRequirement relative = SampleSize.forMeans(-10, 4, Effect.relative(0.2),
                TestDesign.standard(), MeanMethod.NORMAL);
        SampleRequirement absolute = SampleSize.forMeans(0, 4, Effect.absolute(2),
                TestDesign.standard(), MeanMethod.NORMAL);
        assertThat(relative).isEqualTo(absolute);
    }

    @Test
    void powerOfTTest_matchesRPowerTTest() {
        // power.t.test(n = 20, delta = 1, sd = 1)$power  # 0.86895280169249778
        assertThat(SampleSize.powerOfTTest(1, 20, TestDesign.standard()))
                .isCloseTo(0.86895280169249778, withinPercentage(1e-7));
    }

    @Test
    void powerOfProportions_matchesRPowerPropTest() {
        // power.prop.test(n = 1000, p1 = .1, p2 = .13)$power  # 0.55682912556324682
        // power.prop.test(n = 50, p1 = .5, p2 = .75, sig.level = .01)$power
        //   # 0.50254355314928845
        assertThat(SampleSize.powerOfProportions(0.1, Effect.absolute(0.03), 1000,
                TestDesign.standard(), ProportionMethod.POOLED_NORMAL))
                .isCloseTo(0.55682912556324682, withinPercentage(1e-7));
        assertThat(SampleSize.powerOfProportions(0.5, Effect.relative(0.5), 50,
                TestDesign.standard().withAlpha(0.01), ProportionMethod.POOLED_NORMAL))
                .isCloseTo(0.50254355314928845, withinPercentage(1e-7));
    }

    @Test
    void powerOfProportions_unequalAllocation_followsFleissFormula() {
        // p1 <- .1; p2 <- .12; k <- .25; n <- 5000; za <- qnorm(.975)
        // pb <- (p1 + k*p2)/(1 + k)
        // pnorm((sqrt(n)*abs(p2-p1) - za*sqrt(pb*(1-pb)*(1+1/k)))
        //       / sqrt(p1*(1-p1) + p2*(1-p2)/k))  # 0.5424846798673475
        assertThat(SampleSize.powerOfProportions(0.1, Effect.absolute(0.02), 5000,
                TestDesign.standard().withAllocationRatio(0.25), ProportionMethod.POOLED_NORMAL))
                .isCloseTo(0.5424846798673475, withinPercentage(1e-7));
    }

    @Test
    void powerOfProportions_invalidArguments_areRejectedNamingThem() {
        assertThatThrownBy(() -> SampleSize.powerOfProportions(0.1, Effect.absolute(0.02), 0,
                TestDesign.standard(), ProportionMethod.POOLED_NORMAL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("controlN must be a finite number > 0, but was 0.0");
        assertThatThrownBy(() -> SampleSize.powerOfProportions(0, Effect.absolute(0.02), 10,
                TestDesign.standard(), ProportionMethod.POOLED_NORMAL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("baselineRate must be in (0, 1), but was 0.0");
    }

    @Test
    void detectableEffectForProportions_matchesRPowerPropTest() {
        // power.prop.test(n = 1000, p1 = .1, power = .8, tol = 1e-14)$p2  # 0.14074515431182297
        double d = SampleSize.detectableEffectForProportions(0.1, 1000, TestDesign.standard(),
                ProportionMethod.POOLED_NORMAL);
        assertThat(0.1 + d).isCloseTo(0.14074515431182297, withinPercentage(1e-7));
    }

    @Test
    void detectableEffectForMeans_matchesRPowerTTest() {
        // power.t.test(n = 20, power = .8, sd = 1, tol = 1e-14)$delta  # 0.9091301276269429
        assertThat(SampleSize.detectableEffectForMeans(1, 20, TestDesign.standard(),
                MeanMethod.T_DISTRIBUTION)).isCloseTo(0.9091301276269429, withinPercentage(1e-6));
    }

    @Test
    void detectableEffect_tooFewUnitsForAnyEffect_isNaN() {
        assertThat(SampleSize.detectableEffectForProportions(0.9, 2, TestDesign.standard(),
                ProportionMethod.POOLED_NORMAL)).isNaN();
    }

    @Test
    void requirement_isMetOnlyWhenBothArmsReachIt() {
        SampleRequirement r = SampleSize.forProportions(0.5, Effect.absolute(0.25), POWER_90,
                ProportionMethod.POOLED_NORMAL);
        assertThat(r.isMetBy(77, 77)).isTrue();
        assertThat(r.isMetBy(76, 1000)).isFalse();
        assertThat(r.isMetBy(1000, 76)).isFalse();
    }

    @Test
    void invalidDesign_isRejectedNamingTheArgument() {
        assertThatThrownBy(() -> new TestDesign(0, 0.8, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("alpha must be in (0, 1), but was 0.0");
        assertThatThrownBy(() -> TestDesign.standard().withPower(1.2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("power must be in (0, 1), but was 1.2");
        assertThatThrownBy(() -> TestDesign.standard().withAllocationRatio(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allocationRatio must be a finite number > 0, but was -1.0");
    }

    @Test
    void effectBeyondRateOne_isRejected() {
        assertThatThrownBy(() -> SampleSize.forProportions(0.9, Effect.absolute(0.2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("baselineRate + effect must be < 1, but was 1.1");
        assertThatThrownBy(() -> SampleSize.forProportions(1.5, Effect.absolute(0.2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("baselineRate must be in (0, 1), but was 1.5");
        assertThatThrownBy(() -> Effect.relative(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("relative effect must be a finite number > 0, but was 0.0");
    }
}

package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import dev.releaserouter.stats.internal.NoncentralT;
import dev.releaserouter.stats.internal.Tails;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.solvers.BrentSolver;

/**
 * Sample size, power and minimum detectable effect for two-arm experiments, two-sided.
 *
 * <p>Formulas are documented on {@link ProportionMethod} and {@link MeanMethod}; the default
 * for proportions, {@link ProportionMethod#POOLED_NORMAL}, is R's {@code power.prop.test}.
 * Sizes are for an increase over the baseline; the proportion formulas are symmetric under
 * {@code p -> 1 - p}, so for a decrease pass {@code 1 - baselineRate}.
 *
 * <p>Stateless and thread-safe.
 */
public final class SampleSize {

    private static final double MAX_N = 1e15;

    private SampleSize() {}

    /**
     * The size per arm for two proportions with the standard design (alpha 0.05, power 0.8,
     * even split) and the {@link ProportionMethod#POOLED_NORMAL} formula.
     *
     * @param baselineRate the control's expected conversion rate in (0, 1)
     * @param minimumDetectableEffect the smallest increase worth detecting
     * @return the requirement
     * @throws IllegalArgumentException if the rate is outside (0, 1) or the rate plus the effect
     *     is not below 1
     */
    public static SampleRequirement forProportions(double baselineRate,
            Effect minimumDetectableEffect) {
        return forProportions(baselineRate, minimumDetectableEffect, TestDesign.standard(),
                ProportionMethod.POOLED_NORMAL);
    }

    /**
     * The size per arm to detect {@code p2 = p1 + d} with the given design and formula.
     *
     * @param baselineRate the control's expected conversion rate {@code p1} in (0, 1)
     * @param minimumDetectableEffect {@code d}, absolute or relative to {@code p1}
     * @param design alpha, power and allocation ratio
     * @param method the formula
     * @return the requirement
     * @throws IllegalArgumentException if the rate is outside (0, 1) or the rate plus the effect
     *     is not below 1
     */
    public static SampleRequirement forProportions(double baselineRate,
            Effect minimumDetectableEffect, TestDesign design, ProportionMethod method) {
        double d = absoluteEffectOnRate(baselineRate, minimumDetectableEffect);
        return SampleRequirement.of(proportionsN1(baselineRate, d, design, method),
                design.allocationRatio());
    }

    /**
     * The power of the two-sided test of two proportions with the given arm sizes: the
     * probability of a significant result at the design's alpha when the treatment's rate is
     * {@code p2 = p1 + d}. It inverts the method's formula ({@link ProportionMethod}): with
     * {@code n1 = (z_a s_0 + z_b s_1)^2 / d^2}, where {@code s_0} and {@code s_1} are the
     * method's standard deviations under the null and the alternative,
     * {@code power = Phi((|d| sqrt(n1) - z_a s_0) / s_1)}, computed as the normal survival
     * function {@code P(Z > -x)}. For {@link ProportionMethod#POOLED_NORMAL} and {@code k = 1}
     * this is R's {@code power.prop.test(n = n1, p1 = p1, p2 = p2, sig.level = alpha)$power}
     * (Fleiss, Levin and Paik 2003, eq. 4.10 solved for {@code z_b}). For
     * {@link ProportionMethod#POOLED_NORMAL_CONTINUITY} the corrected size {@code n1'} is first
     * mapped back to {@code n1 = n1' (1 - c / (4 n1'))^2} with {@code c = 2 (k + 1) / (k |d|)},
     * the inverse of Fleiss, Tytun and Ury's correction (0 when {@code n1' <= c / 4}).
     *
     * @param baselineRate the control's rate {@code p1} in (0, 1)
     * @param effect {@code d}, absolute or relative to {@code p1}
     * @param controlN control units {@code n1} (may be fractional), positive; the treatment has
     *     {@code k n1}
     * @param design alpha and allocation ratio (its power is ignored)
     * @param method the formula
     * @return the power in (0, 1)
     * @throws IllegalArgumentException if the rate is outside (0, 1), the rate plus the effect
     *     is not below 1, or {@code controlN} is not a finite positive number
     */
    public static double powerOfProportions(double baselineRate, Effect effect, double controlN,
            TestDesign design, ProportionMethod method) {
        double d = absoluteEffectOnRate(baselineRate, effect);
        Checks.positive("controlN", controlN);
        double n1 = controlN;
        if (method == ProportionMethod.POOLED_NORMAL_CONTINUITY) {
            double k = design.allocationRatio();
            double c = 2 * (k + 1) / (k * d);
            n1 = controlN > c / 4 ? controlN * square(1 - c / (4 * controlN)) : 0;
        }
        ProportionTerms terms = ProportionTerms.of(baselineRate, d, design.allocationRatio(),
                method);
        double zb = (terms.effect() * Math.sqrt(n1) - design.zAlpha() * terms.nullSd())
                / terms.alternativeSd();
        return Tails.normalSf(-zb);
    }

    /** Checks the rate and the effect and returns the effect in rate units. */
    private static double absoluteEffectOnRate(double baselineRate, Effect effect) {
        Checks.openUnit("baselineRate", baselineRate);
        double d = effect.absoluteFor(baselineRate);
        if (!(baselineRate + d < 1)) {
            throw new IllegalArgumentException("baselineRate + effect must be < 1, but was "
                    + (baselineRate + d) + " (baselineRate " + baselineRate + ", effect " + d
                    + ")");
        }
        return d;
    }

    /**
     * The size per arm for two means with common standard deviation {@code sigma}.
     *
     * @param baselineMean the control's expected mean; used only for a relative effect
     * @param standardDeviation {@code sigma}, positive
     * @param minimumDetectableEffect {@code d}, absolute or relative to {@code |baselineMean|}
     * @param design alpha, power and allocation ratio
     * @param method the formula
     * @return the requirement
     * @throws IllegalArgumentException if sigma is not positive, or the effect is relative and
     *     the baseline mean is 0 or not finite
     */
    public static SampleRequirement forMeans(double baselineMean, double standardDeviation,
            Effect minimumDetectableEffect, TestDesign design, MeanMethod method) {
        Checks.positive("standardDeviation", standardDeviation);
        if (minimumDetectableEffect.relative()) {
            Checks.finite("baselineMean", baselineMean);
            if (baselineMean == 0) {
                throw new IllegalArgumentException(
                        "baselineMean must be non-zero for a relative effect, but was 0.0");
            }
        }
        double d = minimumDetectableEffect.absoluteFor(baselineMean);
        return SampleRequirement.of(meansN1(d / standardDeviation, design, method),
                design.allocationRatio());
    }

    /**
     * The smallest absolute increase over the baseline rate that {@code controlN} control units
     * (and {@code k * controlN} treatment units) detect with the design's power: the root
     * {@code d} of {@code n1(p1, p1 + d) = controlN} for the method's formula
     * ({@link ProportionMethod}), found with Brent's method (Brent, <i>Algorithms for
     * Minimization without Derivatives</i>, 1973). For {@link ProportionMethod#POOLED_NORMAL}
     * and {@code k = 1} this is R's {@code power.prop.test(n = controlN, p1 = p1,
     * power = power)$p2 - p1}.
     *
     * @param baselineRate the control's rate {@code p1} in (0, 1)
     * @param controlN control units, positive
     * @param design alpha, power and allocation ratio
     * @param method the formula
     * @return the absolute effect {@code d}, or {@code NaN} when not even {@code p2 -> 1} is
     *     detectable with that many units
     * @throws IllegalArgumentException if the rate is outside (0, 1) or {@code controlN < 1}
     */
    public static double detectableEffectForProportions(double baselineRate, long controlN,
            TestDesign design, ProportionMethod method) {
        Checks.openUnit("baselineRate", baselineRate);
        positiveCount(controlN);
        double max = (1 - baselineRate) * (1 - 1e-12);
        return solveEffect(d -> proportionsN1(baselineRate, d, design, method) - controlN, max);
    }

    /**
     * The smallest absolute difference of means that {@code controlN} control units detect.
     * For {@link MeanMethod#NORMAL} it is the closed form
     * {@code d = sigma (z_{1-alpha/2} + z_{power}) sqrt((1 + 1/k) / n1)} (Chow, Shao and Wang
     * 2008, 3.2); for {@link MeanMethod#T_DISTRIBUTION} the root of
     * {@code n1(d / sigma) = controlN} by Brent's method, which for {@code k = 1} is R's
     * {@code power.t.test(n = controlN, sd = sigma, power = power)$delta}.
     *
     * @param standardDeviation {@code sigma}, positive
     * @param controlN control units, positive
     * @param design alpha, power and allocation ratio
     * @param method the formula
     * @return the absolute effect {@code d} in the metric's units
     * @throws IllegalArgumentException if sigma is not positive or {@code controlN < 1}
     */
    public static double detectableEffectForMeans(double standardDeviation, long controlN,
            TestDesign design, MeanMethod method) {
        Checks.positive("standardDeviation", standardDeviation);
        positiveCount(controlN);
        if (method == MeanMethod.NORMAL) {
            double k = design.allocationRatio();
            return standardDeviation * (design.zAlpha() + design.zBeta())
                    * Math.sqrt((1 + 1 / k) / controlN);
        }
        return standardDeviation * solveEffect(e -> meansN1(e, design, method) - controlN, 1e6);
    }

    /**
     * The power of the two-sample t-test (as R's {@code power.t.test}, one-tail form) for
     * standardized effect {@code d / sigma} with the given arm sizes:
     * {@code P(T'_{nu, ncp} > t_{nu, 1-alpha/2})} with {@code nu = n1 (1 + k) - 2} and
     * {@code ncp = |d / sigma| / sqrt(1/n1 + 1/(k n1))}, the noncentral t by Lenth's algorithm
     * AS 243 (Applied Statistics 38, 1989).
     *
     * @param standardizedEffect {@code d / sigma}
     * @param controlN control units (may be fractional, as while solving), positive
     * @param design alpha and allocation ratio (its power is ignored)
     * @return the power in [0, 1]; NaN when the degrees of freedom {@code n1 (1 + k) - 2} are
     *     not positive
     * @throws IllegalArgumentException if {@code controlN} is not a finite positive number
     */
    public static double powerOfTTest(double standardizedEffect, double controlN,
            TestDesign design) {
        Checks.positive("controlN", controlN);
        double k = design.allocationRatio();
        double df = controlN * (1 + k) - 2;
        if (!(df > 0)) {
            return Double.NaN;
        }
        double ncp = Math.abs(standardizedEffect) / Math.sqrt(1 / controlN + 1 / (k * controlN));
        double critical = Tails.tQuantile(1 - design.alpha() / 2, df);
        return NoncentralT.sf(critical, df, ncp);
    }

    private static void positiveCount(long controlN) {
        if (controlN < 1) {
            throw new IllegalArgumentException("controlN must be >= 1, but was " + controlN);
        }
    }

    /** The unrounded control size for proportions {@code p1} and {@code p1 + d}. */
    static double proportionsN1(double p1, double d, TestDesign design, ProportionMethod method) {
        double k = design.allocationRatio();
        ProportionTerms terms = ProportionTerms.of(p1, d, k, method);
        double n = square(design.zAlpha() * terms.nullSd() + design.zBeta()
                * terms.alternativeSd()) / square(terms.effect());
        if (method != ProportionMethod.POOLED_NORMAL_CONTINUITY) {
            return n;
        }
        return n / 4 * square(1 + Math.sqrt(1 + 2 * (k + 1) / (k * n * Math.abs(d))));
    }

    /**
     * The pieces of a proportion formula {@code n1 = (z_a nullSd + z_b alternativeSd)^2 /
     * effect^2}: the effect on the method's scale and the standard deviations (for one control
     * unit) under the null and the alternative.
     */
    private record ProportionTerms(double effect, double nullSd, double alternativeSd) {

        static ProportionTerms of(double p1, double d, double k, ProportionMethod method) {
            double p2 = p1 + d;
            double unpooled = Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / k);
            switch (method) {
                case UNPOOLED_NORMAL:
                    return new ProportionTerms(Math.abs(d), unpooled, unpooled);
                case ARCSINE:
                    double h = 2 * Math.asin(Math.sqrt(p2)) - 2 * Math.asin(Math.sqrt(p1));
                    double scale = Math.sqrt(1 + 1 / k);
                    return new ProportionTerms(Math.abs(h), scale, scale);
                case POOLED_NORMAL:
                case POOLED_NORMAL_CONTINUITY:
                default:
                    double pbar = (p1 + k * p2) / (1 + k);
                    return new ProportionTerms(Math.abs(d),
                            Math.sqrt(pbar * (1 - pbar) * (1 + 1 / k)), unpooled);
            }
        }
    }

    /** The unrounded control size for standardized effect {@code e = d / sigma}. */
    static double meansN1(double e, TestDesign design, MeanMethod method) {
        double k = design.allocationRatio();
        double normal = (1 + 1 / k) * square(design.zAlpha() + design.zBeta()) / (e * e);
        if (method == MeanMethod.NORMAL) {
            return normal;
        }
        // Solve power(n1) = target; the t answer lies a little above the normal one.
        double lower = 3 / (1 + k);
        if (powerOfTTest(e, lower, design) >= design.power()) {
            return lower;
        }
        double upper = Math.max(2 * normal + 10, lower * 2);
        while (powerOfTTest(e, upper, design) < design.power() && upper < MAX_N) {
            upper *= 2;
        }
        return solve(n -> powerOfTTest(e, n, design) - design.power(), lower, upper);
    }

    /** The root of {@code excess(effect) = n(effect) - n} on (0, max], or NaN if none. */
    private static double solveEffect(DoubleUnaryOperator excess, double max) {
        if (excess.applyAsDouble(max) > 0) {
            return Double.NaN;
        }
        double lower = max;
        // Shrink towards 0 until the required size exceeds the available one.
        while (excess.applyAsDouble(lower) <= 0 && lower > 1e-300) {
            lower /= 2;
        }
        return solve(excess, lower, Math.min(max, lower * 2));
    }

    private static double solve(DoubleUnaryOperator f, double lower, double upper) {
        BrentSolver solver = new BrentSolver(1e-14, 1e-300);
        return solver.solve(10_000, f::applyAsDouble, lower, upper);
    }

    private static double square(double x) {
        return x * x;
    }
}

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
        Checks.openUnit("baselineRate", baselineRate);
        double d = minimumDetectableEffect.absoluteFor(baselineRate);
        if (!(baselineRate + d < 1)) {
            throw new IllegalArgumentException("baselineRate + effect must be < 1, but was "
                    + (baselineRate + d) + " (baselineRate " + baselineRate + ", effect " + d
                    + ")");
        }
        return SampleRequirement.of(proportionsN1(baselineRate, d, design, method),
                design.allocationRatio());
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
     * (and {@code k * controlN} treatment units) detect with the design's power.
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
     * standardized effect {@code d / sigma} with the given arm sizes.
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
        double p2 = p1 + d;
        double k = design.allocationRatio();
        double za = design.zAlpha();
        double zb = design.zBeta();
        double q1 = 1 - p1;
        double q2 = 1 - p2;
        switch (method) {
            case UNPOOLED_NORMAL:
                return square(za + zb) * (p1 * q1 + p2 * q2 / k) / (d * d);
            case ARCSINE:
                double h = 2 * Math.asin(Math.sqrt(p2)) - 2 * Math.asin(Math.sqrt(p1));
                return square(za + zb) * (1 + 1 / k) / (h * h);
            case POOLED_NORMAL:
            case POOLED_NORMAL_CONTINUITY:
            default:
                double pbar = (p1 + k * p2) / (1 + k);
                double n = square(za * Math.sqrt(pbar * (1 - pbar) * (1 + 1 / k))
                        + zb * Math.sqrt(p1 * q1 + p2 * q2 / k)) / (d * d);
                if (method == ProportionMethod.POOLED_NORMAL) {
                    return n;
                }
                return n / 4 * square(1 + Math.sqrt(1 + 2 * (k + 1) / (k * n * Math.abs(d))));
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

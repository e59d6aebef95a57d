package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;

/**
 * Tests and uplift for ratio metrics whose unit of analysis (the entity, a customer) is not
 * the unit of the metric (the request): errors per request, latency or score per request, when
 * assignment is per entity. Each arm is a {@link RatioSummary}; the variance of each arm's ratio
 * is the delta method's (Deng, Knoblich and Lu, KDD 2018), which counts the correlation of one
 * entity's requests that a per-request test ignores (its false-positive rate grows with the
 * requests per entity: in the tests' A/A simulation, entities of heterogeneous error propensity
 * making 1 to 50 requests each, a per-request z-test at alpha 0.05 rejects 31.7% of 4,000 A/A
 * experiments, the delta method 4.9%).
 *
 * <p>Stateless and thread-safe.
 */
public final class Ratios {

    static final String DELTA_TEST = "delta-method Welch t-test of a ratio metric";

    private Ratios() {}

    /**
     * The delta-method test of equal ratios with a 95% interval.
     *
     * @param control the control arm's units
     * @param treatment the treatment arm's units
     * @return the test result; estimate is {@code R_t - R_c}
     * @see #test(RatioSummary, RatioSummary, double)
     */
    public static TestResult test(RatioSummary control, RatioSummary treatment) {
        return test(control, treatment, 0.95);
    }

    /**
     * The test of {@code R_t = R_c} (two-sided; one-sided with
     * {@link TestResult#pValue(Alternative)}) and the interval of {@code d = R_t - R_c}, with
     * {@code Var(d) = V_t + V_c}, each {@code V} the delta-method variance of the arm's ratio
     * ({@link RatioSummary#varianceOfRatio()}; the arms hold different entities, so they are
     * independent). The statistic {@code t = d / sqrt(V_t + V_c)} is referred to Student's t
     * with the Welch-Satterthwaite degrees of freedom over units,
     * {@code (V_t + V_c)^2 / (V_t^2 / (n_t - 1) + V_c^2 / (n_c - 1))}: in large samples (hundreds
     * of units) the z-test of Deng et al., with few units not anti-conservative. The interval is
     * {@code d +- t_{df, 1-a/2} sqrt(V_t + V_c)}.
     *
     * <p>Undefined ({@link TestResult#defined()} false: NaN statistic and p-value, unbounded
     * interval) with fewer than 2 units in an arm, a zero denominator, or no variance in either
     * arm and equal ratios; no variance and different ratios gives t = +-infinity and p-value 0.
     *
     * @param control the control arm's units
     * @param treatment the treatment arm's units
     * @param confidenceLevel the interval's level in (0, 1)
     * @return the test result
     * @throws IllegalArgumentException if the confidence level is outside (0, 1)
     */
    public static TestResult test(RatioSummary control, RatioSummary treatment,
            double confidenceLevel) {
        Checks.openUnit("confidenceLevel", confidenceLevel);
        double d = treatment.ratio() - control.ratio();
        double v = control.varianceOfRatio() + treatment.varianceOfRatio();
        double df = v > 0 ? degreesOfFreedom(control, treatment) : Double.NaN;
        return TestResult.ofDifference(DELTA_TEST, d, v, df, confidenceLevel);
    }

    /**
     * The uplift of the treatment's ratio over the control's with intervals at the given level:
     * absolute {@code R_t - R_c} and relative {@code (R_t - R_c) / |R_c|}, with the variances
     * of {@link Uplift} ({@code Var(r) = V_t / R_c^2 + R_t^2 V_c / R_c^4}) on the delta-method
     * {@code V}s, and Student's t with the degrees of freedom of
     * {@link #test(RatioSummary, RatioSummary, double)}; {@link Uplift#relativeTest()} tests
     * the relative uplift.
     *
     * @param control the control arm's units
     * @param treatment the treatment arm's units
     * @param confidenceLevel the intervals' level in (0, 1)
     * @return the uplift; NaN estimates with unbounded intervals where they cannot be computed
     * @throws IllegalArgumentException if the confidence level is outside (0, 1)
     */
    public static Uplift uplift(RatioSummary control, RatioSummary treatment,
            double confidenceLevel) {
        Checks.openUnit("confidenceLevel", confidenceLevel);
        double vc = control.varianceOfRatio();
        double vt = treatment.varianceOfRatio();
        double df = vc + vt > 0 ? degreesOfFreedom(control, treatment) : Double.POSITIVE_INFINITY;
        return Uplift.fromMoments(control.ratio(), treatment.ratio(), vc, vt, df,
                confidenceLevel);
    }

    /** Welch-Satterthwaite over the arms' units; both arms have n >= 2 and V_t + V_c > 0. */
    static double degreesOfFreedom(RatioSummary control, RatioSummary treatment) {
        double vc = control.varianceOfRatio();
        double vt = treatment.varianceOfRatio();
        double v = vc + vt;
        return v * v / (vc * vc / (control.units() - 1) + vt * vt / (treatment.units() - 1));
    }
}

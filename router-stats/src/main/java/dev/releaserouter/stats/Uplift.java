package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import dev.releaserouter.stats.internal.Tails;

/**
 * The treatment's uplift over control, absolute and relative, each with a confidence interval.
 *
 * <p>Absolute: {@code d = m_t - m_c} with {@code Var(d) = V_t + V_c}, where {@code V} is the
 * variance of an arm's mean ({@link MetricKind}). Relative: {@code r = (m_t - m_c) / |m_c|};
 * its variance by the delta method (Casella and Berger, <i>Statistical Inference</i>, 2nd ed.,
 * 5.5.4; Kohavi, Tang and Xu, <i>Trustworthy Online Controlled Experiments</i>, 2020, ch. 18)
 * includes the control's uncertainty: {@code Var(r) = V_t / m_c^2 + m_t^2 V_c / m_c^4}. Both
 * intervals are {@code estimate +- q sd} with {@code q = z_{1-a/2}} for conversions and the
 * Welch t quantile for continuous metrics, so the absolute interval equals the one of
 * {@link Proportions#zTest} (before its clipping) or {@link Means#welchTest}.
 *
 * <p><b>Inference on the relative uplift.</b> "+12% (95% CI ...)" comes with its standard error
 * ({@link #relativeStandardError()}) and a test of "no relative change", {@link #relativeTest()}
 * (or of any other value, {@link #relativeTest(double)}): {@code t = (r - r0) / se_r} against
 * the normal for conversions and Welch's t for continuous metrics (the degrees of freedom of
 * {@link #degreesOfFreedom()}), so the test rejects at level {@code 1 - confidenceLevel}
 * exactly when {@link #relativeInterval()} excludes {@code r0}. One-sided questions ("did it
 * increase by more than 20%?", "is it a decrease?") read
 * {@code relativeTest(0.20).pValue(Alternative.GREATER)} or
 * {@code relativeTest().pValue(Alternative.LESS)}: the tail in that direction, not {@code 1 -
 * p}. Because the relative variance includes the control's uncertainty, this p-value is not the
 * absolute test's: it is larger by a margin that grows with the uplift (at r = 0 both agree up
 * to the pooled-versus-unpooled variance of the z-test).
 *
 * <p>Edge cases: an empty arm gives NaN estimates with unbounded intervals; a continuous arm with
 * fewer than 2 values gives unbounded intervals; a control mean of 0 gives a NaN relative uplift
 * with an unbounded interval (and an {@linkplain TestResult#defined() undefined} relative test).
 * Negative control means are fine: the denominator is {@code |m_c|}, so a positive relative
 * uplift always means the treatment's mean is higher.
 *
 * <p>Immutable and thread-safe.
 *
 * @param absolute {@code m_t - m_c}
 * @param absoluteInterval its confidence interval
 * @param relative {@code (m_t - m_c) / |m_c|}, e.g. 0.05 for +5%
 * @param relativeInterval its confidence interval
 * @param confidenceLevel the level of both intervals
 * @param absoluteStandardError {@code sqrt(V_t + V_c)}; NaN when it cannot be estimated
 * @param relativeStandardError the delta-method {@code sqrt(V_t / m_c^2 + m_t^2 V_c / m_c^4)};
 *     NaN when it cannot be estimated
 * @param degreesOfFreedom the reference distribution of both intervals and the relative test:
 *     infinite for the normal (conversions), Welch-Satterthwaite's for continuous metrics and
 *     ratio metrics ({@link Ratios})
 */
public record Uplift(double absolute, Interval absoluteInterval, double relative,
        Interval relativeInterval, double confidenceLevel, double absoluteStandardError,
        double relativeStandardError, double degreesOfFreedom) {

    static final String RELATIVE_Z = "delta-method z-test of the relative uplift";
    static final String RELATIVE_T = "delta-method Welch t-test of the relative uplift";

    /**
     * An uplift from its estimates and intervals alone (as before standard errors were kept):
     * standard errors NaN, degrees of freedom infinite, so {@link #relativeTest()} is
     * undefined.
     *
     * @param absolute as described on the record
     * @param absoluteInterval as described on the record
     * @param relative as described on the record
     * @param relativeInterval as described on the record
     * @param confidenceLevel as described on the record
     */
    public Uplift(double absolute, Interval absoluteInterval, double relative,
            Interval relativeInterval, double confidenceLevel) {
        this(absolute, absoluteInterval, relative, relativeInterval, confidenceLevel, Double.NaN,
                Double.NaN, Double.POSITIVE_INFINITY);
    }

    /**
     * The uplift with 95% intervals.
     *
     * @param kind how the metric is distributed
     * @param control the control arm
     * @param treatment the treatment arm
     * @return the uplift
     */
    public static Uplift of(MetricKind kind, ArmSummary control, ArmSummary treatment) {
        return of(kind, control, treatment, 0.95);
    }

    /**
     * The uplift of the treatment over control with intervals at the given level.
     *
     * @param kind how the metric is distributed
     * @param control the control arm
     * @param treatment the treatment arm
     * @param confidenceLevel the intervals' level in (0, 1)
     * @return the uplift
     * @throws IllegalArgumentException if the confidence level is outside (0, 1)
     */
    public static Uplift of(MetricKind kind, ArmSummary control, ArmSummary treatment,
            double confidenceLevel) {
        Checks.openUnit("confidenceLevel", confidenceLevel);
        boolean welch = kind == MetricKind.CONTINUOUS && control.n() >= 2 && treatment.n() >= 2
                && control.sumOfSquaredDeviations() + treatment.sumOfSquaredDeviations() > 0;
        double df = welch ? Means.welchDegreesOfFreedom(control, treatment)
                : Double.POSITIVE_INFINITY;
        return fromMoments(kind.mean(control), kind.mean(treatment), kind.varianceOfMean(control),
                kind.varianceOfMean(treatment), df, confidenceLevel);
    }

    /**
     * The uplift from the arms' means and the variances of those means, with intervals from
     * Student's t with {@code df} degrees of freedom (the normal for an infinite df).
     */
    static Uplift fromMoments(double mc, double mt, double vc, double vt, double df,
            double confidenceLevel) {
        double q = Tails.tQuantile(1 - (1 - confidenceLevel) / 2, df);
        double absolute = mt - mc;
        double relative = mc == 0 ? Double.NaN : absolute / Math.abs(mc);
        double mc2 = mc * mc;
        double relativeVariance = vt / mc2 + mt * mt * vc / (mc2 * mc2);
        double absoluteSe = Math.sqrt(vc + vt);
        double relativeSe = Math.sqrt(relativeVariance);
        return new Uplift(absolute, Interval.around(absolute, q * absoluteSe), relative,
                Interval.around(relative, q * relativeSe), confidenceLevel,
                Double.isFinite(absoluteSe) ? absoluteSe : Double.NaN,
                Double.isFinite(relativeSe) && !Double.isNaN(relative) ? relativeSe : Double.NaN,
                df);
    }

    /**
     * The test of "the relative uplift is 0" with the delta-method standard error; see the type's
     * comment.
     *
     * @return the result: estimate {@link #relative()}, statistic {@code r / se_r}, interval
     *     {@link #relativeInterval()}; undefined when the standard error or the relative
     *     uplift is unknown (an empty arm, a control mean of 0)
     */
    public TestResult relativeTest() {
        return relativeTest(0);
    }

    /**
     * The test of "the relative uplift is {@code nullValue}", e.g. 0.20 to ask whether a
     * degradation exceeds 20%: {@code t = (r - nullValue) / se_r} against the normal
     * (conversions) or Welch's t ({@link #degreesOfFreedom()}). Two-sided in
     * {@link TestResult#pValue()}; one-sided with {@link TestResult#pValue(Alternative)}.
     *
     * @param nullValue the relative uplift under the null hypothesis, finite
     * @return the result; undefined when the standard error or the relative uplift is unknown,
     *     or the standard error is 0 and {@code r == nullValue}
     * @throws IllegalArgumentException if nullValue is NaN or infinite
     */
    public TestResult relativeTest(double nullValue) {
        Checks.finite("nullValue", nullValue);
        String method = Double.isInfinite(degreesOfFreedom) ? RELATIVE_Z : RELATIVE_T;
        double se = relativeStandardError;
        if (Double.isNaN(relative) || Double.isNaN(se) || Double.isInfinite(relative)
                || (se == 0 && relative == nullValue)) {
            return TestResult.undefined(method, relative, degreesOfFreedom, confidenceLevel);
        }
        double diff = relative - nullValue;
        if (se == 0) {
            return new TestResult(method, relative, Math.copySign(Double.POSITIVE_INFINITY, diff),
                    degreesOfFreedom, 0, Double.NEGATIVE_INFINITY, relativeInterval,
                    confidenceLevel);
        }
        double t = diff / se;
        double logP = Tails.logTwoSidedT(t, degreesOfFreedom);
        return new TestResult(method, relative, t, degreesOfFreedom, Tails.exp(logP), logP,
                relativeInterval, confidenceLevel);
    }
}

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
 * <p>Edge cases: an empty arm gives NaN estimates with unbounded intervals; a continuous arm with
 * fewer than 2 values gives unbounded intervals; a control mean of 0 gives a NaN relative uplift
 * with an unbounded interval. Negative control means are fine: the denominator is {@code |m_c|},
 * so a positive relative uplift always means the treatment's mean is higher.
 *
 * <p>Immutable and thread-safe.
 *
 * @param absolute {@code m_t - m_c}
 * @param absoluteInterval its confidence interval
 * @param relative {@code (m_t - m_c) / |m_c|}, e.g. 0.05 for +5%
 * @param relativeInterval its confidence interval
 * @param confidenceLevel the level of both intervals
 */
public record Uplift(double absolute, Interval absoluteInterval, double relative,
        Interval relativeInterval, double confidenceLevel) {

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
        double mc = kind.mean(control);
        double mt = kind.mean(treatment);
        double vc = kind.varianceOfMean(control);
        double vt = kind.varianceOfMean(treatment);
        double q = quantile(kind, control, treatment, confidenceLevel);
        double absolute = mt - mc;
        double relative = mc == 0 ? Double.NaN : absolute / Math.abs(mc);
        double mc2 = mc * mc;
        double relativeVariance = vt / mc2 + mt * mt * vc / (mc2 * mc2);
        return new Uplift(absolute, Interval.around(absolute, q * Math.sqrt(vc + vt)), relative,
                Interval.around(relative, q * Math.sqrt(relativeVariance)), confidenceLevel);
    }

    private static double quantile(MetricKind kind, ArmSummary control, ArmSummary treatment,
            double confidenceLevel) {
        double p = 1 - (1 - confidenceLevel) / 2;
        boolean welch = kind == MetricKind.CONTINUOUS && control.n() >= 2 && treatment.n() >= 2
                && control.sumOfSquaredDeviations() + treatment.sumOfSquaredDeviations() > 0;
        return welch
                ? Tails.tQuantile(p, Means.welchDegreesOfFreedom(control, treatment))
                : Tails.normalQuantile(p);
    }
}

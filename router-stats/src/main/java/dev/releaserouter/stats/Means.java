package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;

/**
 * Tests for continuous metrics computed from summaries: Welch's unequal-variance t-test with the
 * matching interval of the difference of means.
 *
 * <p>Stateless and thread-safe.
 */
public final class Means {

    static final String WELCH = "Welch two-sample t-test";

    private Means() {}

    /**
     * Welch's t-test with a 95% interval.
     *
     * @param control the control arm
     * @param treatment the treatment arm
     * @return the test result; estimate is {@code mean_t - mean_c}
     * @see #welchTest(ArmSummary, ArmSummary, double)
     */
    public static TestResult welchTest(ArmSummary control, ArmSummary treatment) {
        return welchTest(control, treatment, 0.95);
    }

    /**
     * Welch's two-sample t-test of equal means (two-sided) and the interval of
     * {@code mean_t - mean_c}.
     *
     * <p>{@code t = d / se} with {@code d = m_t - m_c}, {@code se^2 = s_c^2/n_c + s_t^2/n_t} and
     * the Welch-Satterthwaite degrees of freedom
     * {@code v = se^4 / ((s_c^2/n_c)^2/(n_c-1) + (s_t^2/n_t)^2/(n_t-1))}; the p-value is
     * {@code P(|T_v| > |t|) = I_{v/(v+t^2)}(v/2, 1/2)} and the interval
     * {@code d +- t_{v,1-a/2} se} (Welch 1947; Satterthwaite 1946). This reproduces R's
     * {@code t.test(treatment, control, var.equal = FALSE)}.
     *
     * <p>Edge cases: fewer than 2 observations in an arm leaves the variance unknown, so the
     * result is {@linkplain TestResult#defined() undefined}: t, p-value and degrees of freedom
     * NaN, interval unbounded (the estimate is still given when both arms have data), as R's
     * {@code t.test} refuses ("not enough 'x' observations"). Zero variance in both arms (R
     * refuses: "data are essentially constant") is undefined too when the means are equal
     * (t = 0/0), and gives t = +-infinity, p-value 0 and the interval [d, d] when they differ.
     *
     * @param control the control arm
     * @param treatment the treatment arm
     * @param confidenceLevel the interval's level in (0, 1)
     * @return the test result
     * @throws IllegalArgumentException if the confidence level is outside (0, 1)
     */
    public static TestResult welchTest(ArmSummary control, ArmSummary treatment,
            double confidenceLevel) {
        Checks.openUnit("confidenceLevel", confidenceLevel);
        double d = treatment.mean() - control.mean();
        if (control.n() < 2 || treatment.n() < 2) {
            return TestResult.undefined(WELCH, d, Double.NaN, confidenceLevel);
        }
        double se2 = MetricKind.CONTINUOUS.varianceOfMean(control)
                + MetricKind.CONTINUOUS.varianceOfMean(treatment);
        double df = se2 > 0 ? welchDegreesOfFreedom(control, treatment) : Double.NaN;
        return TestResult.ofDifference(WELCH, d, se2, df, confidenceLevel);
    }

    /**
     * The Welch-Satterthwaite degrees of freedom; both arms must have {@code n >= 2} and not
     * both zero variance.
     */
    static double welchDegreesOfFreedom(ArmSummary control, ArmSummary treatment) {
        double vc = MetricKind.CONTINUOUS.varianceOfMean(control);
        double vt = MetricKind.CONTINUOUS.varianceOfMean(treatment);
        double se2 = vc + vt;
        return se2 * se2 / (vc * vc / (control.n() - 1) + vt * vt / (treatment.n() - 1));
    }
}

package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import dev.releaserouter.stats.internal.Tails;

/**
 * Tests for conversion metrics: the two-proportion z-test with the Wald interval of the
 * difference of rates.
 *
 * <p>Stateless and thread-safe.
 */
public final class Proportions {

    static final String Z_TEST = "two-proportion z-test";

    private Proportions() {}

    /**
     * The pooled two-proportion z-test without continuity correction, with a 95% Wald interval.
     *
     * @param control the control arm (its {@code n} and {@code conversions} are used)
     * @param treatment the treatment arm
     * @return the test result; estimate is {@code p_t - p_c}
     * @see #zTest(ArmSummary, ArmSummary, ContinuityCorrection, double)
     */
    public static TestResult zTest(ArmSummary control, ArmSummary treatment) {
        return zTest(control, treatment, ContinuityCorrection.NONE, 0.95);
    }

    /**
     * The pooled two-proportion z-test of {@code p_t = p_c} (two-sided) and the Wald interval of
     * {@code p_t - p_c}.
     *
     * <p>With {@code p = (x_c + x_t) / (n_c + n_t)} and {@code d = p_t - p_c}:
     * {@code z = sign(d) (|d| - y (1/n_c + 1/n_t)) / sqrt(p (1 - p) (1/n_c + 1/n_t))}, where the
     * Yates term {@code y} is 0 without correction and {@code min(1/2, |d| / (1/n_c + 1/n_t))}
     * with it; the p-value is {@code 2 P(Z > |z|)}. The interval is
     * {@code d +- (z_{1-a/2} sqrt(p_c q_c / n_c + p_t q_t / n_t) + y (1/n_c + 1/n_t))} clipped to
     * [-1, 1]. This reproduces R's {@code prop.test(c(x_t, x_c), c(n_t, n_c), correct = ...)}
     * (whose X-squared is z squared); see Fleiss, Levin and Paik, <i>Statistical Methods for
     * Rates and Proportions</i>, 3rd ed., 2003, section 2.3 and Newcombe (1998) on the Wald
     * interval's weakness near 0 and 1.
     *
     * <p>Edge cases: the result is {@linkplain TestResult#defined() undefined} (statistic and
     * p-value NaN, interval unbounded) for an empty arm (estimate NaN) and for no conversions
     * (or only conversions) in both arms (estimate 0): z is 0/0 there, and R's
     * {@code prop.test} answers NaN too. (R still prints the Wald interval [0, 0], which is no
     * confidence statement: 0 of 500 is compatible with a rate of 0.6%.)
     *
     * @param control the control arm
     * @param treatment the treatment arm
     * @param correction the continuity correction
     * @param confidenceLevel the interval's level in (0, 1), e.g. 0.95
     * @return the test result
     * @throws IllegalArgumentException if the confidence level is outside (0, 1)
     */
    public static TestResult zTest(ArmSummary control, ArmSummary treatment,
            ContinuityCorrection correction, double confidenceLevel) {
        Checks.openUnit("confidenceLevel", confidenceLevel);
        long nc = control.n();
        long nt = treatment.n();
        if (nc == 0 || nt == 0) {
            return TestResult.undefined(Z_TEST, Double.NaN, Double.POSITIVE_INFINITY,
                    confidenceLevel);
        }
        double pc = control.conversionRate();
        double pt = treatment.conversionRate();
        double d = pt - pc;
        double inverseSizes = 1.0 / nc + 1.0 / nt;
        double pooled = (double) (control.conversions() + treatment.conversions()) / (nc + nt);
        double yates = correction == ContinuityCorrection.YATES
                ? Math.min(0.5, Math.abs(d) / inverseSizes) : 0;
        double se0 = Math.sqrt(pooled * (1 - pooled) * inverseSizes);
        if (se0 == 0) {
            // Both arms all-0 or all-1: d == 0 and z = 0/0, undefined (not "p = 1").
            return TestResult.undefined(Z_TEST, d, Double.POSITIVE_INFINITY, confidenceLevel);
        }
        double z = Math.signum(d) * (Math.abs(d) - yates * inverseSizes) / se0;
        double logP = Tails.logTwoSidedNormal(z);
        double zq = Tails.normalQuantile(1 - (1 - confidenceLevel) / 2);
        double width = zq * Math.sqrt(pc * (1 - pc) / nc + pt * (1 - pt) / nt)
                + yates * inverseSizes;
        Interval ci = new Interval(Math.max(-1, d - width), Math.min(1, d + width));
        return new TestResult(Z_TEST, d, z, Double.POSITIVE_INFINITY, Tails.exp(logP), logP, ci,
                confidenceLevel);
    }
}

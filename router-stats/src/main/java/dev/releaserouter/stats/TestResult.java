package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import dev.releaserouter.stats.internal.Tails;

/**
 * The outcome of a two-arm hypothesis test of "no difference", always as treatment minus
 * control: a positive estimate means the treatment's metric is higher.
 *
 * <p>The p-value is computed from a survival function; where it underflows to 0 the
 * {@linkplain #logPValue() log p-value} still carries the evidence (e.g. -800).
 *
 * <p><b>Undefined results.</b> When the data cannot give the test statistic (an empty arm, fewer
 * than 2 values in an arm of Welch's test, no variance at all: 0/500 vs 0/500 conversions) the
 * result is {@linkplain #defined() undefined}: statistic, p-value and log p-value are NaN and the
 * interval is unbounded, as R and SciPy answer NaN. It is never reported as p = 1, which would
 * read as evidence of equality; {@link #significantAt(double)} is false for it, and gates treat
 * it as not enough data.
 *
 * <p>Immutable and thread-safe.
 *
 * @param method a short name of the test, e.g. {@code "two-proportion z-test"}
 * @param estimate the estimated difference, treatment minus control; NaN if an arm is empty
 * @param statistic the test statistic (z or t); NaN when undefined
 * @param degreesOfFreedom the t statistic's degrees of freedom; infinite for a z statistic
 * @param pValue the two-sided p-value in [0, 1]; NaN when undefined
 * @param logPValue the natural log of the p-value, {@code <= 0}, finite where the p-value
 *     underflows; NaN when undefined
 * @param confidenceInterval the confidence interval of the difference
 * @param confidenceLevel the level of that interval, e.g. 0.95
 */
public record TestResult(String method, double estimate, double statistic,
        double degreesOfFreedom, double pValue, double logPValue, Interval confidenceInterval,
        double confidenceLevel) {

    /**
     * The answer when the data cannot give the statistic (an empty arm, too few observations,
     * no variance at all): statistic, p-value and log p-value NaN, the interval unbounded.
     */
    static TestResult undefined(String method, double estimate, double degreesOfFreedom,
            double confidenceLevel) {
        return new TestResult(method, estimate, Double.NaN, degreesOfFreedom, Double.NaN,
                Double.NaN, Interval.unbounded(), confidenceLevel);
    }

    /**
     * The t-test (the z-test for an infinite df) of a difference {@code d} with estimated
     * variance {@code v}: undefined when {@code v} is NaN, or 0 with {@code d == 0} (0/0);
     * {@code t = +-infinity} and p-value 0 with the interval {@code [d, d]} when {@code v == 0}
     * and {@code d != 0}; otherwise {@code t = d / sqrt(v)}, the two-sided p-value and the
     * interval {@code d +- t_{df, 1-a/2} sqrt(v)}.
     */
    static TestResult ofDifference(String method, double d, double v, double df,
            double confidenceLevel) {
        if (Double.isNaN(v) || (v == 0 && d == 0)) {
            return undefined(method, d, v == 0 ? Double.NaN : df, confidenceLevel);
        }
        if (v == 0) {
            return new TestResult(method, d, Math.copySign(Double.POSITIVE_INFINITY, d),
                    Double.NaN, 0, Double.NEGATIVE_INFINITY, new Interval(d, d),
                    confidenceLevel);
        }
        double se = Math.sqrt(v);
        double t = d / se;
        double logP = Tails.logTwoSidedT(t, df);
        double q = Tails.tQuantile(1 - (1 - confidenceLevel) / 2, df);
        return new TestResult(method, d, t, df, Tails.exp(logP), logP,
                Interval.around(d, q * se), confidenceLevel);
    }

    /**
     * Whether the data gave a test at all: false for the undefined results described on the
     * type (p-value NaN), which must be read as "not enough data", never as "no difference".
     *
     * @return whether the p-value is a number
     */
    public boolean defined() {
        return !Double.isNaN(pValue);
    }

    /**
     * The p-value against the given alternative: the two-sided {@link #pValue()}, or the tail
     * of the statistic in the alternative's direction ({@code P(T >= t)} for
     * {@link Alternative#GREATER}, {@code P(T <= t)} for {@link Alternative#LESS}) with this
     * result's degrees of freedom (infinite: the normal), computed as a survival function. For
     * the z-test (with or without Yates' correction) this is R's {@code prop.test(...,
     * alternative = "greater")}; for Welch's, {@code t.test(..., alternative = "greater")}.
     *
     * @param alternative the alternative hypothesis
     * @return the p-value in [0, 1]; NaN when {@linkplain #defined() undefined}
     */
    public double pValue(Alternative alternative) {
        return Math.exp(logPValue(alternative));
    }

    /**
     * The natural log of {@link #pValue(Alternative)}, finite where it underflows.
     *
     * @param alternative the alternative hypothesis
     * @return the log p-value, {@code <= 0}; NaN when {@linkplain #defined() undefined}
     */
    public double logPValue(Alternative alternative) {
        if (!defined()) {
            return Double.NaN;
        }
        switch (alternative) {
            case GREATER:
                return Tails.logTSf(statistic, degreesOfFreedom);
            case LESS:
                return Tails.logTSf(-statistic, degreesOfFreedom);
            case TWO_SIDED:
            default:
                return logPValue;
        }
    }

    /**
     * Whether the test rejects "no difference" at the given level, {@code p <= alpha}.
     *
     * @param alpha the significance level in (0, 1)
     * @return whether the result is significant; false when {@linkplain #defined() undefined}
     * @throws IllegalArgumentException if alpha is outside (0, 1)
     */
    public boolean significantAt(double alpha) {
        Checks.openUnit("alpha", alpha);
        return pValue <= alpha;
    }
}

package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;

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
     * Whether the data gave a test at all: false for the undefined results described on the
     * type (p-value NaN), which must be read as "not enough data", never as "no difference".
     *
     * @return whether the p-value is a number
     */
    public boolean defined() {
        return !Double.isNaN(pValue);
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

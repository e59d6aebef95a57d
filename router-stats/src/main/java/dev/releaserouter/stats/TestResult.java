package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;

/**
 * The outcome of a two-arm hypothesis test of "no difference", always as treatment minus
 * control: a positive estimate means the treatment's metric is higher.
 *
 * <p>The p-value is computed from a survival function; where it underflows to 0 the
 * {@linkplain #logPValue() log p-value} still carries the evidence (e.g. -800).
 *
 * <p>Immutable and thread-safe.
 *
 * @param method a short name of the test, e.g. {@code "two-proportion z-test"}
 * @param estimate the estimated difference, treatment minus control; NaN if an arm is empty
 * @param statistic the test statistic (z or t); 0 when there is no evidence to weigh
 * @param degreesOfFreedom the t statistic's degrees of freedom; infinite for a z statistic
 * @param pValue the two-sided p-value in [0, 1]
 * @param logPValue the natural log of the p-value, {@code <= 0}, finite where the p-value
 *     underflows
 * @param confidenceInterval the confidence interval of the difference
 * @param confidenceLevel the level of that interval, e.g. 0.95
 */
public record TestResult(String method, double estimate, double statistic,
        double degreesOfFreedom, double pValue, double logPValue, Interval confidenceInterval,
        double confidenceLevel) {

    /**
     * The answer when the data hold no evidence either way (an empty arm, too few
     * observations): statistic 0, p-value 1 and an unbounded interval.
     */
    static TestResult noEvidence(String method, double estimate, double degreesOfFreedom,
            double confidenceLevel) {
        return new TestResult(method, estimate, 0, degreesOfFreedom, 1, 0, Interval.unbounded(),
                confidenceLevel);
    }

    /**
     * Whether the test rejects "no difference" at the given level, {@code p <= alpha}.
     *
     * @param alpha the significance level in (0, 1)
     * @return whether the result is significant
     * @throws IllegalArgumentException if alpha is outside (0, 1)
     */
    public boolean significantAt(double alpha) {
        Checks.openUnit("alpha", alpha);
        return pValue <= alpha;
    }
}

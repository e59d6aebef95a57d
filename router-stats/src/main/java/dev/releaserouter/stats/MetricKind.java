package dev.releaserouter.stats;

/**
 * How an arm's metric is distributed, which decides the variance used by tests and intervals.
 */
public enum MetricKind {

    /**
     * A yes/no outcome per unit (clicked, approved, succeeded): the mean is the conversion rate
     * {@code p} and the variance of the mean is {@code p (1 - p) / n}.
     */
    CONVERSION,

    /**
     * A measured value per unit (latency, score, absolute error): the variance of the mean is
     * the sample variance over {@code n}.
     */
    CONTINUOUS;

    /** The mean the metric compares: the conversion rate or the value mean; NaN if empty. */
    double mean(ArmSummary arm) {
        return this == CONVERSION ? arm.conversionRate() : arm.mean();
    }

    /** The estimated variance of {@link #mean(ArmSummary)}; NaN when it cannot be estimated. */
    double varianceOfMean(ArmSummary arm) {
        if (this == CONVERSION) {
            double p = arm.conversionRate();
            return p * (1 - p) / arm.n();
        }
        return arm.variance() / arm.n();
    }
}

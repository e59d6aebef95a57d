package dev.releaserouter.rollout.gates;

import dev.releaserouter.stats.SequentialTest;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one criterion found in one window, before severities and consecutive windows are
 * applied. Immutable.
 *
 * @param outcome pass, breach or unknown
 * @param value the measured value or NaN
 * @param threshold the threshold or NaN
 * @param observed the measurements and parameters read
 * @param samples the sample size per arm
 * @param statistic the test statistic or NaN
 * @param pValue the p-value or NaN
 * @param detail a one-line explanation
 * @param sequential the sequential test after this look, for {@code sequential} criteria
 * @param estimates the estimates compared on their confidence bounds, by {@code arm.metric}
 */
record Measurement(Tri outcome, double value, double threshold,
        Map<String, Double> observed, Map<String, Long> samples, double statistic, double pValue,
        String detail, @Nullable SequentialTest sequential, Map<String, Estimate> estimates) {

    /**
     * A measurement without estimates.
     *
     * @param outcome the outcome
     * @param value the value
     * @param threshold the threshold
     * @param observed what was read
     * @param samples the samples
     * @param statistic the statistic
     * @param pValue the p-value
     * @param detail the explanation
     * @param sequential the sequential test
     */
    Measurement(Tri outcome, double value, double threshold, Map<String, Double> observed,
            Map<String, Long> samples, double statistic, double pValue, String detail,
            @Nullable SequentialTest sequential) {
        this(outcome, value, threshold, observed, samples, statistic, pValue, detail,
                sequential, Map.of());
    }

    /**
     * A measurement with no statistic.
     *
     * @param outcome the outcome
     * @param value the value
     * @param threshold the threshold
     * @param observed what was read
     * @param samples the samples
     * @param detail the explanation
     * @return the measurement
     */
    static Measurement of(Tri outcome, double value, double threshold,
            Map<String, Double> observed, Map<String, Long> samples, String detail) {
        return new Measurement(outcome, value, threshold, observed, samples, Double.NaN,
                Double.NaN, detail, null);
    }
}

package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import java.util.List;

/**
 * The outcome of a sample ratio mismatch check: Pearson's chi-square goodness of fit of the
 * observed arm sizes against the configured weights.
 *
 * <p>Immutable and thread-safe.
 *
 * @param chiSquare the statistic {@code sum (O_i - E_i)^2 / E_i}; NaN without traffic
 * @param degreesOfFreedom arms minus one
 * @param pValue the upper tail {@code P(X^2 > chiSquare)} in [0, 1]; NaN without traffic
 * @param logPValue its natural log, finite where the p-value underflows; NaN without traffic
 * @param observed the observed arm sizes, in the order given
 * @param expected the expected arm sizes {@code E_i = N w_i / sum w}
 */
public record SrmResult(double chiSquare, int degreesOfFreedom, double pValue, double logPValue,
        List<Long> observed, List<Double> expected) {

    /**
     * Creates a result, copying the lists.
     *
     * @param chiSquare as described on the record
     * @param degreesOfFreedom as described on the record
     * @param pValue as described on the record
     * @param logPValue as described on the record
     * @param observed as described on the record
     * @param expected as described on the record
     */
    public SrmResult {
        observed = List.copyOf(observed);
        expected = List.copyOf(expected);
    }

    /**
     * Whether the split differs from the weights at the given level, {@code p < alpha}. A
     * common level for this check is 0.001 (Fabijan et al., "Diagnosing Sample Ratio Mismatch
     * in Online Controlled Experiments", KDD 2019), since it runs on every experiment.
     *
     * @param alpha the significance level in (0, 1)
     * @return whether there is a mismatch; false without traffic ({@linkplain #defined()
     *     undefined})
     * @throws IllegalArgumentException if alpha is outside (0, 1)
     */
    public boolean mismatchAt(double alpha) {
        Checks.openUnit("alpha", alpha);
        return pValue < alpha;
    }

    /**
     * Whether there was traffic to check: false (p-value NaN) when every arm is empty.
     *
     * @return whether the p-value is a number
     */
    public boolean defined() {
        return !Double.isNaN(pValue);
    }
}

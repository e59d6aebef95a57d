package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import dev.releaserouter.stats.internal.Tails;
import java.util.ArrayList;
import java.util.List;

/**
 * Sample ratio mismatch (SRM): whether the arms received the traffic their weights promise. An
 * SRM means assignment or logging is broken and the experiment's other numbers cannot be
 * trusted (Kohavi, Tang and Xu, <i>Trustworthy Online Controlled Experiments</i>, 2020, ch. 21).
 *
 * <p>Stateless and thread-safe.
 */
public final class SampleRatioMismatch {

    private SampleRatioMismatch() {}

    /**
     * Pearson's chi-square goodness-of-fit test of the observed arm sizes against the weights,
     * any number of arms: {@code X^2 = sum (O_i - E_i)^2 / E_i} with {@code E_i = N w_i / sum w}
     * and {@code k - 1} degrees of freedom; the p-value is the survival function
     * {@code Q((k-1)/2, X^2/2)}. As R's {@code chisq.test(observed, p = weights, rescale.p =
     * TRUE)}. No traffic at all is {@linkplain SrmResult#defined() undefined}: X^2 and the
     * p-value are NaN (R refuses: "at least one entry of 'x' must be positive") and
     * {@link SrmResult#mismatchAt(double)} is false.
     *
     * @param observed units per arm, each {@code >= 0}
     * @param weights the configured weights per arm in the same order, each {@code > 0}; they
     *     need not add up to 1 (percentages or basis points are fine)
     * @return the result
     * @throws IllegalArgumentException if fewer than 2 arms are given, the lengths differ, a
     *     count is negative or a weight is not a finite positive number
     */
    public static SrmResult test(long[] observed, double... weights) {
        if (observed.length < 2 || observed.length != weights.length) {
            throw new IllegalArgumentException("observed and weights must have the same length"
                    + " >= 2, but had " + observed.length + " and " + weights.length);
        }
        double total = 0;
        double weightSum = 0;
        for (int i = 0; i < observed.length; i++) {
            Checks.nonNegative("observed[" + i + "]", observed[i]);
            Checks.positive("weights[" + i + "]", weights[i]);
            total += observed[i];
            weightSum += weights[i];
        }
        List<Long> observedList = new ArrayList<>();
        List<Double> expectedList = new ArrayList<>();
        double chiSquare = 0;
        for (int i = 0; i < observed.length; i++) {
            double expected = total * weights[i] / weightSum;
            observedList.add(observed[i]);
            expectedList.add(expected);
            if (expected > 0) {
                double diff = observed[i] - expected;
                chiSquare += diff * diff / expected;
            }
        }
        int df = observed.length - 1;
        if (total == 0) {
            return new SrmResult(Double.NaN, df, Double.NaN, Double.NaN, observedList,
                    expectedList);
        }
        double logP = Tails.logChiSquareSf(chiSquare, df);
        return new SrmResult(chiSquare, df, Tails.exp(logP), logP, observedList, expectedList);
    }
}

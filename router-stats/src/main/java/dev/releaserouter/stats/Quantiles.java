package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import java.util.Arrays;

/**
 * Exact sample quantiles by R's type 7, the default of R's {@code quantile} and of NumPy's
 * {@code percentile} ({@code method="linear"}): for {@code n} sorted values and probability
 * {@code p}, {@code h = (n - 1) p}, and the quantile interpolates linearly between the order
 * statistics {@code x[floor(h)]} and {@code x[floor(h) + 1]} (0-based). {@code p = 0} is the
 * minimum and {@code p = 1} the maximum.
 *
 * <p>The one implementation in the project: shadow latency and score-delta summaries
 * (router-replay) and PSI bin edges ({@link PopulationStability#quantileEdges}) use it, so
 * their quantiles agree. Stateless and thread-safe; all methods are static.
 */
public final class Quantiles {

    private Quantiles() {}

    /**
     * The type-7 quantile of values that are already sorted. Allocation-free; the order is not
     * checked (an unsorted array gives a meaningless number), use {@link #type7(double[],
     * double...)} for unsorted input.
     *
     * @param sorted ascending finite values, at least one; not modified
     * @param p the probability, in [0, 1]
     * @return the quantile
     * @throws IllegalArgumentException if {@code sorted} is empty or {@code p} is outside
     *     [0, 1] or NaN
     * @throws NullPointerException if {@code sorted} is null
     */
    public static double type7Sorted(double[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("values must not be empty, but had 0 values");
        }
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be between 0 and 1, but was " + p);
        }
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * The type-7 quantiles of values in any order (sorted in a copy).
     *
     * @param values finite values, at least one; not modified
     * @param probabilities the probabilities, each in [0, 1]
     * @return one quantile per probability, in the same order
     * @throws IllegalArgumentException if {@code values} is empty, a value is not finite, or a
     *     probability is outside [0, 1] or NaN
     * @throws NullPointerException if an argument is null
     */
    public static double[] type7(double[] values, double... probabilities) {
        double[] sorted = values.clone();
        for (int i = 0; i < sorted.length; i++) {
            Checks.finite("values[" + i + "]", sorted[i]);
        }
        Arrays.sort(sorted);
        double[] out = new double[probabilities.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = type7Sorted(sorted, probabilities[i]);
        }
        return out;
    }
}

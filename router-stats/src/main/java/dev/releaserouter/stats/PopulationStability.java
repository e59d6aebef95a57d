package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Population Stability Index (PSI) between a baseline distribution (e.g. v1's scores, or the
 * training data) and an actual one (v2's scores, today's traffic): the drift/PSI criterion of
 * the promotion gate.
 *
 * <p>Stateless and thread-safe.
 */
public final class PopulationStability {

    /**
     * The proportion that replaces an empty bin's 0 so that {@code ln(a/e)} stays finite:
     * 0.0001, i.e. 0.01%. Small enough not to matter for non-empty bins, large enough that
     * one empty bin contributes a bounded term (about 0.0009 per 1% of mass on the other side).
     */
    public static final double DEFAULT_EPSILON = 1e-4;

    private PopulationStability() {}

    /**
     * The PSI with {@link #DEFAULT_EPSILON}.
     *
     * @param expected the baseline's counts per bin
     * @param actual the actual counts per bin, same bins
     * @return the index
     * @throws IllegalArgumentException if the lengths differ, there are no bins or a count is
     *     negative
     * @see #index(long[], long[], double)
     */
    public static PsiResult index(long[] expected, long[] actual) {
        return index(expected, actual, DEFAULT_EPSILON);
    }

    /**
     * The PSI {@code sum_i (a_i - e_i) ln(a_i / e_i)} over bins, where {@code e_i} and
     * {@code a_i} are the baseline's and the actual proportions per bin and a proportion of 0
     * is replaced by {@code epsilon} (without renormalizing); it is the symmetrized
     * Kullback-Leibler divergence {@code KL(a||e) + KL(e||a)} of the binned distributions
     * (Yurdakul and Naranjo, "Statistical properties of the population stability index",
     * J. Risk Model Validation 14(4), 2020). Bins empty on both sides contribute 0. An empty
     * side gives NaN ({@link PsiResult.Level#UNDEFINED}).
     *
     * @param expected the baseline's counts per bin
     * @param actual the actual counts per bin, same bins
     * @param epsilon the stand-in proportion for empty bins, in (0, 1)
     * @return the index
     * @throws IllegalArgumentException if the lengths differ, there are no bins, a count is
     *     negative or epsilon is outside (0, 1)
     */
    public static PsiResult index(long[] expected, long[] actual, double epsilon) {
        Checks.openUnit("epsilon", epsilon);
        if (expected.length == 0 || expected.length != actual.length) {
            throw new IllegalArgumentException("expected and actual must have the same number"
                    + " of bins >= 1, but had " + expected.length + " and " + actual.length);
        }
        double expectedTotal = total("expected", expected);
        double actualTotal = total("actual", actual);
        List<Double> contributions = new ArrayList<>();
        if (expectedTotal == 0 || actualTotal == 0) {
            for (int i = 0; i < expected.length; i++) {
                contributions.add(Double.NaN);
            }
            return new PsiResult(Double.NaN, contributions, epsilon);
        }
        double psi = 0;
        for (int i = 0; i < expected.length; i++) {
            double term = 0;
            if (expected[i] > 0 || actual[i] > 0) {
                double e = expected[i] == 0 ? epsilon : expected[i] / expectedTotal;
                double a = actual[i] == 0 ? epsilon : actual[i] / actualTotal;
                term = (a - e) * Math.log(a / e);
            }
            contributions.add(term);
            psi += term;
        }
        return new PsiResult(psi, contributions, epsilon);
    }

    /**
     * Bin edges at the baseline's quantiles {@code i / bins} ({@link Quantiles}, R's type 7),
     * so that each bin holds about the same share of the baseline; repeated edges (from ties)
     * are dropped.
     *
     * @param baseline the baseline's values, at least one, finite
     * @param bins the number of bins wanted, {@code >= 2}
     * @return the inner edges, ascending and distinct; bin {@code i} is
     *     {@code (edges[i-1], edges[i]]} with open ends at both sides
     * @throws IllegalArgumentException if bins is below 2, the baseline is empty or a value is
     *     not finite
     */
    public static double[] quantileEdges(double[] baseline, int bins) {
        if (bins < 2) {
            throw new IllegalArgumentException("bins must be >= 2, but was " + bins);
        }
        if (baseline.length == 0) {
            throw new IllegalArgumentException("baseline must not be empty, but had 0 values");
        }
        double[] sorted = baseline.clone();
        for (int i = 0; i < sorted.length; i++) {
            Checks.finite("baseline[" + i + "]", sorted[i]);
        }
        Arrays.sort(sorted);
        return distinctQuantiles(sorted, bins);
    }

    private static double[] distinctQuantiles(double[] sorted, int bins) {
        double[] edges = new double[bins - 1];
        for (int b = 1; b < bins; b++) {
            edges[b - 1] = Quantiles.type7Sorted(sorted, (double) b / bins);
        }
        return Arrays.stream(edges).distinct().toArray();
    }

    /**
     * Counts values per bin for the given inner edges: bin 0 is {@code (-inf, edges[0]]}, bin
     * {@code i} is {@code (edges[i-1], edges[i]]} and the last bin is
     * {@code (edges[last], +inf)}.
     *
     * @param values the values to count, finite
     * @param edges inner edges, finite and strictly ascending
     * @return {@code edges.length + 1} counts
     * @throws IllegalArgumentException if a value or an edge is not finite or the edges are not
     *     strictly ascending
     */
    public static long[] histogram(double[] values, double[] edges) {
        for (int i = 0; i < edges.length; i++) {
            // A NaN edge would otherwise sort above everything and silently empty the last bin.
            Checks.finite("edges[" + i + "]", edges[i]);
            if (i > 0 && !(edges[i - 1] < edges[i])) {
                throw new IllegalArgumentException("edges must be strictly ascending, but edges["
                        + i + "] was " + edges[i] + " after " + edges[i - 1]);
            }
        }
        long[] counts = new long[edges.length + 1];
        for (int i = 0; i < values.length; i++) {
            Checks.finite("values[" + i + "]", values[i]);
            int bin = Arrays.binarySearch(edges, values[i]);
            // An exact hit belongs to the bin the edge closes; otherwise the insertion point.
            counts[bin >= 0 ? bin : -bin - 1]++;
        }
        return counts;
    }

    private static double total(String name, long[] counts) {
        double total = 0;
        for (int i = 0; i < counts.length; i++) {
            Checks.nonNegative(name + "[" + i + "]", counts[i]);
            total += counts[i];
        }
        return total;
    }
}

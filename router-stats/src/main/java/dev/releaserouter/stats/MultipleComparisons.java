package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Adjusted p-values for several tests at once (several treatments against one control, several
 * metrics), identical to R's {@code p.adjust}. Compare an adjusted p-value with the level
 * alpha as usual.
 *
 * <p>Stateless and thread-safe.
 */
public final class MultipleComparisons {

    private MultipleComparisons() {}

    /**
     * Holm's step-down adjustment, controlling the family-wise error rate (Holm, "A Simple
     * Sequentially Rejective Multiple Test Procedure", Scand. J. Statist. 6, 1979): with the
     * p-values sorted ascending, {@code p~_(i) = max_{j <= i} min(1, (m - j + 1) p_(j))}.
     *
     * @param pValues raw p-values, each in [0, 1]
     * @return adjusted p-values in the input's order, each {@code >= } its raw p-value
     * @throws IllegalArgumentException if a p-value is outside [0, 1] or NaN
     */
    public static double[] holm(double... pValues) {
        int m = pValues.length;
        Integer[] order = order(pValues, Comparator.naturalOrder());
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }

    /**
     * The Benjamini-Hochberg step-up adjustment, controlling the false discovery rate for
     * independent or positively dependent tests (Benjamini and Hochberg, J. R. Statist. Soc. B
     * 57, 1995): with the p-values sorted ascending,
     * {@code p~_(i) = min_{j >= i} min(1, m p_(j) / j)}.
     *
     * @param pValues raw p-values, each in [0, 1]
     * @return adjusted p-values in the input's order, each {@code >=} its raw p-value
     * @throws IllegalArgumentException if a p-value is outside [0, 1] or NaN
     */
    public static double[] benjaminiHochberg(double... pValues) {
        int m = pValues.length;
        Integer[] order = order(pValues, Comparator.reverseOrder());
        double[] adjusted = new double[m];
        double running = 1;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            int ascendingRank = m - rank;
            running = Math.min(running, Math.min(1, (double) m / ascendingRank * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }

    /** Indices of the p-values sorted by value (stable), after checking each one. */
    private static Integer[] order(double[] pValues, Comparator<Double> byValue) {
        for (int i = 0; i < pValues.length; i++) {
            Checks.closedUnit("pValues[" + i + "]", pValues[i]);
        }
        Integer[] order = IntStream.range(0, pValues.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparing(i -> pValues[i], byValue));
        return order;
    }
}

package dev.releaserouter.replay.eval;

/**
 * Exact sample quantiles of a sorted array, R's type 7 (the default of R's {@code quantile} and
 * of NumPy's {@code percentile}): {@code h = (n - 1) p}, then linear interpolation between the
 * order statistics around {@code h}. The same definition as {@code
 * PopulationStability.quantileEdges}, so latency quantiles and PSI bins agree.
 */
final class Quantiles {

    private Quantiles() {}

    /**
     * @param sorted ascending values, at least one
     * @param p the probability, in [0, 1]
     * @return the type-7 quantile
     */
    static double type7(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}

package dev.releaserouter.stats;

/**
 * The outcome of a Mann-Whitney U (Wilcoxon rank-sum) test, treatment against control, with the
 * Hodges-Lehmann estimate of the shift.
 *
 * <p>Immutable and thread-safe.
 *
 * @param u the treatment's U statistic: pairs with treatment above control plus half the tied
 *     pairs (R's {@code W} for {@code wilcox.test(treatment, control)})
 * @param z the standardized statistic after tie and continuity correction; NaN when undefined
 * @param pValue the two-sided p-value in [0, 1]; NaN when undefined (an empty arm, every value
 *     tied)
 * @param logPValue its natural log, finite where the p-value underflows; NaN when undefined
 * @param hodgesLehmannShift the median of all differences {@code treatment_j - control_i};
 *     NaN when an arm is empty
 */
public record RankTestResult(double u, double z, double pValue, double logPValue,
        double hodgesLehmannShift) {

    /**
     * Whether the data gave a test at all: false for an empty arm or all values tied (p-value
     * NaN), which means "not enough data", never "no difference".
     *
     * @return whether the p-value is a number
     */
    public boolean defined() {
        return !Double.isNaN(pValue);
    }
}

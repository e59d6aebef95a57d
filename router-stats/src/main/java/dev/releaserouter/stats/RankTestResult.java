package dev.releaserouter.stats;

/**
 * The outcome of a Mann-Whitney U (Wilcoxon rank-sum) test, treatment against control, with the
 * Hodges-Lehmann estimate of the shift.
 *
 * <p>Immutable and thread-safe.
 *
 * @param u the treatment's U statistic: pairs with treatment above control plus half the tied
 *     pairs (R's {@code W} for {@code wilcox.test(treatment, control)})
 * @param z the standardized statistic after tie and continuity correction; 0 without evidence
 * @param pValue the two-sided p-value in [0, 1]
 * @param logPValue its natural log, finite where the p-value underflows
 * @param hodgesLehmannShift the median of all differences {@code treatment_j - control_i};
 *     NaN when an arm is empty
 */
public record RankTestResult(double u, double z, double pValue, double logPValue,
        double hodgesLehmannShift) {}

package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import dev.releaserouter.stats.internal.HodgesLehmann;
import dev.releaserouter.stats.internal.Tails;
import java.util.Arrays;

/**
 * The Mann-Whitney U test for latency or score distributions, where means mislead (skew, heavy
 * tails), with the Hodges-Lehmann shift estimate.
 *
 * <p>Commons Math's {@code MannWhitneyUTest} applies neither the tie correction nor the
 * continuity correction, so this class computes the statistic itself.
 *
 * <p>Stateless and thread-safe.
 */
public final class MannWhitney {

    private MannWhitney() {}

    /**
     * The two-sided Mann-Whitney U test with the normal approximation, tie correction and
     * continuity correction, as R's {@code wilcox.test(treatment, control, exact = FALSE,
     * correct = TRUE)}: with {@code U} the treatment's rank sum minus {@code m(m+1)/2},
     * {@code sigma^2 = (n m / 12) (n + m + 1 - sum(t^3 - t) / ((n + m)(n + m - 1)))} over the
     * tie groups {@code t}, and {@code z = (U - n m / 2 - sign(U - n m / 2) / 2) / sigma}
     * (Hollander and Wolfe, <i>Nonparametric Statistical Methods</i>, 2nd ed., 1999, 4.1).
     *
     * <p>The shift is the Hodges-Lehmann estimator, the median of the {@code n m} differences
     * {@code treatment_j - control_i} (Hodges and Lehmann 1963), computed exactly in
     * {@code O((n + m) log(n + m))} time without materializing the differences. It equals R's
     * {@code wilcox.test(..., exact = TRUE, conf.int = TRUE)$estimate}. R's {@code exact =
     * FALSE} estimate is another quantity: the root of its continuity-corrected normal
     * statistic. On samples of a few hundred they agree to about 1e-4 (at most 8.6e-5 over 50
     * pairs of 200 normal values rounded to 0.1), but on small samples they differ by much
     * more: 0.52 for control (1.4, 2.9, 0.6) and treatment (2.5, 0.4, 2.7, 2.9), where R gives
     * 0.0251 and the median of the differences is 0.55.
     *
     * <p>Edge cases: the result is {@linkplain RankTestResult#defined() undefined} (z, p-value
     * and log p-value NaN) for an empty arm (U 0, shift NaN) and when every value is tied
     * (sigma = 0, z = 0/0; shift 0), as R's {@code wilcox.test(..., exact = FALSE)} answers NaN.
     *
     * @param control the control's values
     * @param treatment the treatment's values
     * @return the result
     * @throws IllegalArgumentException if a value is NaN or infinite
     */
    public static RankTestResult test(double[] control, double[] treatment) {
        double[] c = sortedCopy("control", control);
        double[] t = sortedCopy("treatment", treatment);
        int n = c.length;
        int m = t.length;
        if (n == 0 || m == 0) {
            return new RankTestResult(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        // Walk both sorted arms at once; each group of equal values shares its average rank.
        double treatmentRankSum = 0;
        double tieTerm = 0;
        int i = 0;
        int j = 0;
        long position = 0;
        while (i < n || j < m) {
            double v = j >= m || (i < n && c[i] <= t[j]) ? c[i] : t[j];
            int inControl = 0;
            int inTreatment = 0;
            while (i < n && c[i] == v) {
                i++;
                inControl++;
            }
            while (j < m && t[j] == v) {
                j++;
                inTreatment++;
            }
            double g = inControl + inTreatment;
            treatmentRankSum += inTreatment * (position + (g + 1) / 2);
            tieTerm += g * g * g - g;
            position += (long) g;
        }
        double nm = (double) n * m;
        double u = treatmentRankSum - (double) m * (m + 1) / 2;
        double total = (double) n + m;
        double sigma = Math.sqrt(nm / 12 * ((total + 1) - tieTerm / (total * (total - 1))));
        double centered = u - nm / 2;
        if (sigma == 0) {
            // Every value tied: z = 0/0, undefined (not "p = 1").
            return new RankTestResult(u, Double.NaN, Double.NaN, Double.NaN,
                    HodgesLehmann.shift(c, t));
        }
        double z = (centered - Math.signum(centered) * 0.5) / sigma;
        double logP = Tails.logTwoSidedNormal(z);
        return new RankTestResult(u, z, Tails.exp(logP), logP, HodgesLehmann.shift(c, t));
    }

    private static double[] sortedCopy(String name, double[] values) {
        for (int k = 0; k < values.length; k++) {
            Checks.finite(name + "[" + k + "]", values[k]);
        }
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}

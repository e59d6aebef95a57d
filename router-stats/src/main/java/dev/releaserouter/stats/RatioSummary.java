package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import java.util.Objects;

/**
 * What one arm observed of a ratio metric, unit by unit: for each unit (an entity such as a
 * customer, or a bucket of whole entities) a numerator {@code x_i} (its errors, its summed
 * latency or score) and a denominator {@code y_i} (its requests), kept as the mergeable moments
 * {@code n}, {@code sum x}, {@code sum y} and the (co-)moments {@code sum (x - xbar)^2},
 * {@code sum (y - ybar)^2}, {@code sum (x - xbar)(y - ybar)}.
 *
 * <p>The metric is the ratio of sums {@code R = sum x / sum y} (the error rate per request, the
 * mean latency per request). When requests are assigned per entity, the requests of one entity
 * are correlated and the per-request variance ({@code p (1 - p) / requests}) understates the
 * ratio's; the <b>delta method</b> (Deng, Knoblich and Lu, "Applying the Delta Method in Metric
 * Analytics: A Practical Guide with Novel Ideas", KDD 2018, section 3) treats the units as the
 * independent draws:
 * <pre>{@code
 * Var(R) = (S_xx - 2 R S_xy + R^2 S_yy) / ((n - 1) n ybar^2)
 *        = sum (x_i - R y_i)^2 / ((n - 1) n ybar^2)
 * }</pre>
 * with {@code S} the sums of (co-)deviations, the sample (co)variances over {@code n - 1}; it is
 * the linearization (Taylor) variance of a ratio estimator of survey sampling (Cochran,
 * <i>Sampling Techniques</i>, 3rd ed., 1977, 6.9). It is consistent as the number of units
 * grows; with few units, or one unit carrying a large share of the denominator, it is rough.
 *
 * <p>Summaries {@linkplain #merge(RatioSummary) merge} with the pairwise update of Chan, Golub
 * and LeVeque (1979) extended to the cross moment, {@code S_xy = S_xy,a + S_xy,b + dx dy n_a
 * n_b / n}, which is associative and commutative up to rounding. Merging adds units: it is
 * exact when the two summaries hold different units (different entities, or different entity
 * buckets). The same unit seen in two summaries (an entity's requests in two windows or on two
 * instances) must have its {@code x} and {@code y} added first and be counted once: keep
 * per-unit (per-bucket) totals where they arrive and summarize them at the end (router-rollout's
 * measurements hash entities into a fixed number of buckets for that, docs/measurements.md).
 *
 * <p>Immutable and thread-safe.
 */
public final class RatioSummary {

    private static final RatioSummary EMPTY = new RatioSummary(0, 0, 0, 0, 0, 0);

    private final long n;
    private final double meanX;
    private final double meanY;
    private final double sxx;
    private final double syy;
    private final double sxy;

    private RatioSummary(long n, double meanX, double meanY, double sxx, double syy,
            double sxy) {
        this.n = n;
        this.meanX = meanX;
        this.meanY = meanY;
        this.sxx = sxx;
        this.syy = syy;
        this.sxy = sxy;
    }

    /**
     * The summary of no units.
     *
     * @return the empty summary
     */
    public static RatioSummary empty() {
        return EMPTY;
    }

    /**
     * The summary of the given units.
     *
     * @param numerators {@code x_i}, finite
     * @param denominators {@code y_i}, finite, the same length
     * @return the summary
     * @throws IllegalArgumentException if the lengths differ or a value is NaN or infinite
     */
    public static RatioSummary ofUnits(double[] numerators, double[] denominators) {
        if (numerators.length != denominators.length) {
            throw new IllegalArgumentException("numerators and denominators must have the same"
                    + " length, but had " + numerators.length + " and " + denominators.length);
        }
        RatioAccumulator accumulator = new RatioAccumulator();
        for (int i = 0; i < numerators.length; i++) {
            accumulator.add(numerators[i], denominators[i]);
        }
        return accumulator.toSummary();
    }

    /**
     * Restores a summary from raw sums over the units (as Deng et al. keep them): {@code n},
     * {@code sum x}, {@code sum y}, {@code sum x^2}, {@code sum y^2} and {@code sum x y}. The
     * deviations are recovered as {@code sum x^2 - (sum x)^2 / n} and so on, which loses digits
     * when the units' values are nearly equal and large; prefer {@link RatioAccumulator} or
     * {@link #ofUnits} when the units are at hand.
     *
     * @param units {@code n >= 0}
     * @param sumX {@code sum x_i}
     * @param sumY {@code sum y_i}
     * @param sumX2 {@code sum x_i^2}
     * @param sumY2 {@code sum y_i^2}
     * @param sumXY {@code sum x_i y_i}
     * @return the summary
     * @throws IllegalArgumentException if units is negative or a sum is NaN or infinite
     */
    public static RatioSummary ofSums(long units, double sumX, double sumY, double sumX2,
            double sumY2, double sumXY) {
        Checks.nonNegative("units", units);
        Checks.finite("sumX", sumX);
        Checks.finite("sumY", sumY);
        Checks.finite("sumX2", sumX2);
        Checks.finite("sumY2", sumY2);
        Checks.finite("sumXY", sumXY);
        if (units == 0) {
            return EMPTY;
        }
        double mx = sumX / units;
        double my = sumY / units;
        return new RatioSummary(units, mx, my, Math.max(0, sumX2 - sumX * mx),
                Math.max(0, sumY2 - sumY * my), sumXY - sumX * my);
    }

    /** Builds from accumulated moments (the accumulator's state). */
    static RatioSummary of(long n, double meanX, double meanY, double sxx, double syy,
            double sxy) {
        return n == 0 ? EMPTY : new RatioSummary(n, meanX, meanY, sxx, syy, sxy);
    }

    /**
     * Combines this summary with another holding other units.
     *
     * @param other the other summary
     * @return the summary of both sets of units
     * @throws ArithmeticException if the unit count overflows a long
     */
    public RatioSummary merge(RatioSummary other) {
        if (other.n == 0) {
            return this;
        }
        if (n == 0) {
            return other;
        }
        long total = Math.addExact(n, other.n);
        double dx = other.meanX - meanX;
        double dy = other.meanY - meanY;
        double weight = (double) other.n / total;
        double cross = (double) n * other.n / total;
        return new RatioSummary(total, meanX + dx * weight, meanY + dy * weight,
                sxx + other.sxx + dx * dx * cross, syy + other.syy + dy * dy * cross,
                sxy + other.sxy + dx * dy * cross);
    }

    /**
     * Units (entities or entity buckets) summarized.
     *
     * @return {@code n >= 0}
     */
    public long units() {
        return n;
    }

    /**
     * The numerator's total {@code sum x_i}, e.g. errors.
     *
     * @return the sum, 0 when empty
     */
    public double sumX() {
        return n * meanX;
    }

    /**
     * The denominator's total {@code sum y_i}, e.g. requests.
     *
     * @return the sum, 0 when empty
     */
    public double sumY() {
        return n * meanY;
    }

    /**
     * The ratio of sums {@code R = sum x / sum y}, e.g. errors per request.
     *
     * @return the ratio, or NaN when the denominator's total is 0
     */
    public double ratio() {
        return meanY == 0 ? Double.NaN : meanX / meanY;
    }

    /**
     * The delta-method variance of {@link #ratio()}:
     * {@code (S_xx - 2 R S_xy + R^2 S_yy) / ((n - 1) n ybar^2)}.
     *
     * @return the variance, {@code >= 0}, or NaN with fewer than 2 units or a zero denominator
     */
    public double varianceOfRatio() {
        if (n < 2 || meanY == 0) {
            return Double.NaN;
        }
        double r = meanX / meanY;
        double residual = Math.max(0, sxx - 2 * r * sxy + r * r * syy);
        return residual / ((double) (n - 1) * n * meanY * meanY);
    }

    /**
     * The delta-method standard error of {@link #ratio()}, the square root of
     * {@link #varianceOfRatio()}.
     *
     * @return the standard error, or NaN when it cannot be estimated
     */
    public double standardError() {
        return Math.sqrt(varianceOfRatio());
    }

    /**
     * The sample variance of the numerators, {@code S_xx / (n - 1)}.
     *
     * @return the variance, NaN with fewer than 2 units
     */
    public double varianceOfNumerators() {
        return n < 2 ? Double.NaN : sxx / (n - 1);
    }

    /**
     * The sample variance of the denominators, {@code S_yy / (n - 1)}.
     *
     * @return the variance, NaN with fewer than 2 units
     */
    public double varianceOfDenominators() {
        return n < 2 ? Double.NaN : syy / (n - 1);
    }

    /**
     * The sample covariance of numerators and denominators, {@code S_xy / (n - 1)}.
     *
     * @return the covariance, NaN with fewer than 2 units
     */
    public double covariance() {
        return n < 2 ? Double.NaN : sxy / (n - 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RatioSummary other && n == other.n
                && Double.compare(meanX, other.meanX) == 0
                && Double.compare(meanY, other.meanY) == 0
                && Double.compare(sxx, other.sxx) == 0 && Double.compare(syy, other.syy) == 0
                && Double.compare(sxy, other.sxy) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(n, meanX, meanY, sxx, syy, sxy);
    }

    @Override
    public String toString() {
        return "RatioSummary[units=" + n + ", sumX=" + sumX() + ", sumY=" + sumY() + ", ratio="
                + ratio() + ", standardError=" + standardError() + "]";
    }
}

package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import java.util.Objects;

/**
 * What one arm of an experiment observed: the number of units {@code n}, the mean and the sum of
 * squared deviations of a metric value (Welford 1962), and how many of the units converted.
 *
 * <p>Summaries from several instances (or several time windows) {@linkplain #merge(ArmSummary)
 * merge} exactly, up to floating-point rounding, with the pairwise update of Chan, Golub and
 * LeVeque (1979): {@code M2 = M2_a + M2_b + delta^2 * n_a * n_b / n}. The sum and the
 * conversions are exact integers or plain sums, so merged means and variances agree with those of
 * the concatenated data to about 1e-12 relative.
 *
 * <p>For a conversion metric the value is 1 for a converted unit and 0 otherwise
 * ({@link #ofConversions(long, long)}, {@link ArmAccumulator#addConversion(boolean)}); for a
 * continuous metric (latency, score, error) the value is the measurement and conversions are
 * whatever the caller counted alongside (0 if none).
 *
 * <p>Immutable and thread-safe.
 */
public final class ArmSummary {

    private static final ArmSummary EMPTY = new ArmSummary(0, 0, 0, 0);

    private final long n;
    private final double mean;
    private final double m2;
    private final long conversions;

    private ArmSummary(long n, double mean, double m2, long conversions) {
        this.n = n;
        this.mean = mean;
        this.m2 = m2;
        this.conversions = conversions;
    }

    /**
     * The summary of no observations.
     *
     * @return the empty summary
     */
    public static ArmSummary empty() {
        return EMPTY;
    }

    /**
     * The summary of {@code n} units of which {@code conversions} converted; the value of each
     * unit is 1 if it converted and 0 otherwise, so the mean is the conversion rate.
     *
     * @param n units, {@code >= 0}
     * @param conversions converted units, {@code 0 <= conversions <= n}
     * @return the summary
     * @throws IllegalArgumentException if {@code n < 0}, {@code conversions < 0} or
     *     {@code conversions > n}
     */
    public static ArmSummary ofConversions(long n, long conversions) {
        Checks.nonNegative("n", n);
        Checks.atMost("conversions", conversions, "n", n);
        if (n == 0) {
            return EMPTY;
        }
        double rate = (double) conversions / n;
        // Sum of squared deviations of c ones and n - c zeros: c * (n - c) / n.
        double m2 = (double) conversions * (double) (n - conversions) / n;
        return new ArmSummary(n, rate, m2, conversions);
    }

    /**
     * The summary of {@code n} values with the given mean and sample variance (denominator
     * {@code n - 1}), e.g. from another system's report. Conversions are 0.
     *
     * @param n values, {@code >= 0}
     * @param mean their mean; ignored when {@code n == 0}
     * @param variance their sample variance, {@code >= 0}; ignored (and may be NaN, as the
     *     sample variance of one value is) when {@code n <= 1}
     * @return the summary
     * @throws IllegalArgumentException if {@code n < 0}, the mean is not finite or, for
     *     {@code n >= 2}, the variance is negative or not finite
     */
    public static ArmSummary ofMoments(long n, double mean, double variance) {
        Checks.nonNegative("n", n);
        if (n == 0) {
            return EMPTY;
        }
        Checks.finite("mean", mean);
        if (n == 1) {
            return new ArmSummary(1, mean, 0, 0);
        }
        Checks.nonNegative("variance", variance);
        return new ArmSummary(n, mean, variance * (n - 1), 0);
    }

    /**
     * The summary of the given values (conversions 0).
     *
     * @param values finite values
     * @return the summary
     * @throws IllegalArgumentException if a value is NaN or infinite
     */
    public static ArmSummary ofValues(double... values) {
        ArmAccumulator accumulator = new ArmAccumulator();
        for (double value : values) {
            accumulator.add(value);
        }
        return accumulator.toSummary();
    }

    /**
     * Restores a summary from its four stored numbers, e.g. after it crossed a process boundary.
     *
     * @param n values, {@code >= 0}
     * @param mean their mean (ignored when {@code n == 0})
     * @param sumOfSquaredDeviations {@code M2 = sum (x - mean)^2}, {@code >= 0}
     * @param conversions converted units, {@code 0 <= conversions <= n}
     * @return the summary
     * @throws IllegalArgumentException if a count is negative, conversions exceed {@code n}, the
     *     mean is not finite or {@code M2} is negative or not finite
     */
    public static ArmSummary of(long n, double mean, double sumOfSquaredDeviations,
            long conversions) {
        Checks.nonNegative("n", n);
        Checks.atMost("conversions", conversions, "n", n);
        if (n == 0) {
            return EMPTY;
        }
        Checks.finite("mean", mean);
        Checks.nonNegative("sumOfSquaredDeviations", sumOfSquaredDeviations);
        return new ArmSummary(n, mean, sumOfSquaredDeviations, conversions);
    }

    /**
     * Combines this summary with another as if all their observations had been recorded in one.
     * The operation is associative and commutative (up to rounding) and {@link #empty()} is its
     * identity.
     *
     * @param other the other summary
     * @return the summary of the union of both observation sets
     */
    public ArmSummary merge(ArmSummary other) {
        if (other.n == 0) {
            return this;
        }
        if (n == 0) {
            return other;
        }
        long total = Math.addExact(n, other.n);
        double delta = other.mean - mean;
        // Weighted form of Chan et al.; stable when one side is much larger than the other.
        double mergedMean = mean + delta * ((double) other.n / total);
        double mergedM2 = m2 + other.m2 + delta * delta * ((double) n * other.n / total);
        return new ArmSummary(total, mergedMean, mergedM2, conversions + other.conversions);
    }

    /**
     * Units observed.
     *
     * @return {@code n >= 0}
     */
    public long n() {
        return n;
    }

    /**
     * Units that converted.
     *
     * @return conversions, {@code 0 <= conversions <= n}
     */
    public long conversions() {
        return conversions;
    }

    /**
     * The conversion rate {@code conversions / n}.
     *
     * @return the rate, or {@code NaN} when {@code n == 0}
     */
    public double conversionRate() {
        return n == 0 ? Double.NaN : (double) conversions / n;
    }

    /**
     * The mean of the values.
     *
     * @return the mean, or {@code NaN} when {@code n == 0}
     */
    public double mean() {
        return n == 0 ? Double.NaN : mean;
    }

    /**
     * The sum of the values, {@code n * mean}.
     *
     * @return the sum, 0 when {@code n == 0}
     */
    public double sum() {
        return n == 0 ? 0 : n * mean;
    }

    /**
     * The sum of squared deviations from the mean, {@code M2}.
     *
     * @return {@code M2 >= 0}, 0 when {@code n <= 1}
     */
    public double sumOfSquaredDeviations() {
        return m2;
    }

    /**
     * The sample variance {@code M2 / (n - 1)}.
     *
     * @return the variance, or {@code NaN} when {@code n <= 1}
     */
    public double variance() {
        return n <= 1 ? Double.NaN : m2 / (n - 1);
    }

    /**
     * The sample standard deviation, the square root of {@link #variance()}.
     *
     * @return the standard deviation, or {@code NaN} when {@code n <= 1}
     */
    public double standardDeviation() {
        return Math.sqrt(variance());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArmSummary other && n == other.n
                && Double.compare(mean, other.mean) == 0 && Double.compare(m2, other.m2) == 0
                && conversions == other.conversions;
    }

    @Override
    public int hashCode() {
        return Objects.hash(n, mean, m2, conversions);
    }

    @Override
    public String toString() {
        return "ArmSummary[n=" + n + ", mean=" + mean() + ", variance=" + variance()
                + ", conversions=" + conversions + "]";
    }
}

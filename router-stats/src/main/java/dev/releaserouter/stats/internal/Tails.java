package dev.releaserouter.stats.internal;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;
import org.apache.commons.math3.util.ContinuedFraction;

/**
 * Tail probabilities computed as survival functions (never {@code 1 - cdf}), each with a log
 * variant that keeps its precision after the probability itself underflows to 0.
 *
 * <p>The upper regularized incomplete gamma and the regularized incomplete beta functions are
 * evaluated with the continued fractions that Commons Math uses (Numerical Recipes, 3rd ed.,
 * sections 6.2 and 6.4), but summed in log space. Normal, chi-square and Student t tails are
 * expressed through them: {@code P(Z > z) = Q(1/2, z^2/2) / 2},
 * {@code P(X^2_k > x) = Q(k/2, x/2)} and {@code P(|T_v| > t) = I_{v/(v+t^2)}(v/2, 1/2)}
 * (Abramowitz and Stegun 26.2.30, 26.4.19 and 26.7.1).
 */
public final class Tails {

    private static final double EPSILON = 1e-15;
    private static final int MAX_ITERATIONS = 100_000;
    private static final double LN_2 = Math.log(2);
    private static final double LARGE_DF = 1e4;
    // No random generator: sampling is never used, and Commons would otherwise seed one.
    private static final NormalDistribution STANDARD_NORMAL =
            new NormalDistribution(null, 0, 1, 1e-14);

    private Tails() {}

    /**
     * The upper tail of the standard normal, {@code P(Z > z)}.
     *
     * @param z any value
     * @return the probability; 0 only where it underflows
     */
    public static double normalSf(double z) {
        return Math.exp(logNormalSf(z));
    }

    /**
     * The natural log of {@link #normalSf(double)}, finite far beyond its underflow.
     *
     * @param z any value
     * @return {@code ln P(Z > z)}, at most 0
     */
    public static double logNormalSf(double z) {
        if (Double.isNaN(z)) {
            return Double.NaN;
        }
        if (z >= 0) {
            return -LN_2 + logGammaQ(0.5, z * z / 2);
        }
        // Below the median the upper tail is >= 1/2: log1p of the small lower tail is exact.
        return Math.log1p(-Math.exp(logNormalSf(-z)));
    }

    /**
     * The natural log of the two-sided normal p-value {@code P(|Z| > |z|)}.
     *
     * @param z the statistic
     * @return the log p-value, at most 0
     */
    public static double logTwoSidedNormal(double z) {
        return Math.min(0, LN_2 + logNormalSf(Math.abs(z)));
    }

    /**
     * The natural log of the chi-square upper tail {@code P(X^2_df > x)}.
     *
     * @param x the statistic
     * @param df degrees of freedom, positive
     * @return the log p-value, at most 0
     */
    public static double logChiSquareSf(double x, double df) {
        return logGammaQ(df / 2, x / 2);
    }

    /**
     * The natural log of the two-sided Student t p-value {@code P(|T_df| > |t|)}.
     *
     * @param t the statistic
     * @param df degrees of freedom, positive (may be fractional, as Welch's)
     * @return the log p-value, at most 0
     */
    public static double logTwoSidedT(double t, double df) {
        if (Double.isNaN(t) || Double.isNaN(df)) {
            return Double.NaN;
        }
        if (Double.isInfinite(df)) {
            return logTwoSidedNormal(t);
        }
        double t2 = t * t;
        // x and 1 - x computed separately so that neither loses digits to cancellation.
        double x = df / (df + t2);
        double oneMinusX = t2 / (df + t2);
        return Math.min(0, logRegularizedBeta(x, oneMinusX, df / 2, 0.5));
    }

    /**
     * The natural log of the one-sided tail {@code P(T > t)} of Student's t (the normal for an
     * infinite df), from the two-sided tail: half of it above the median, and its complement,
     * which is at least 1/2 and so keeps its digits, below.
     *
     * @param t the statistic, possibly infinite
     * @param df degrees of freedom, positive or infinite
     * @return {@code ln P(T > t)}, at most 0; NaN if t is NaN, or df is NaN and t finite
     */
    public static double logTSf(double t, double df) {
        if (Double.isInfinite(t)) {
            return t > 0 ? Double.NEGATIVE_INFINITY : 0;
        }
        if (Double.isNaN(t) || Double.isNaN(df)) {
            return Double.NaN;
        }
        if (Double.isInfinite(df)) {
            return logNormalSf(t);
        }
        double upper = -LN_2 + logTwoSidedT(t, df);
        return t >= 0 ? upper : Math.log1p(-Math.exp(upper));
    }

    /**
     * The standard normal quantile {@code z} with {@code P(Z <= z) = p}.
     *
     * @param p a probability in (0, 1)
     * @return the quantile
     */
    public static double normalQuantile(double p) {
        return STANDARD_NORMAL.inverseCumulativeProbability(p);
    }

    /**
     * The Student t quantile {@code t} with {@code P(T_df <= t) = p}.
     *
     * @param p a probability in (0, 1)
     * @param df degrees of freedom, positive or infinite
     * @return the quantile
     */
    public static double tQuantile(double p, double df) {
        if (Double.isInfinite(df)) {
            return normalQuantile(p);
        }
        if (df >= LARGE_DF) {
            // Commons' solver loses about 1e-8 relative here (its cdf evaluates the incomplete
            // beta at x ~ 1 - 1e-8); the Cornish-Fisher expansion in 1/df is exact to rounding.
            return cornishFisherT(normalQuantile(p), df);
        }
        return new TDistribution(null, df, 1e-13).inverseCumulativeProbability(p);
    }

    /**
     * The Student t quantile from the normal one by the Cornish-Fisher expansion to
     * {@code 1/df^4} (Abramowitz and Stegun 26.7.5); for {@code df >= 1e4} the omitted
     * {@code 1/df^5} term is below 1e-17 relative for any {@code |z| < 8}.
     */
    static double cornishFisherT(double z, double df) {
        double z2 = z * z;
        double g1 = (z2 + 1) * z / 4;
        double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
        double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
        double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
        return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
    }

    /**
     * The log of the upper regularized incomplete gamma function {@code Q(a, x)}.
     *
     * @param a the shape, positive
     * @param x the argument
     * @return {@code ln Q(a, x)}
     */
    static double logGammaQ(double a, double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x <= 0) {
            return 0;
        }
        if (Double.isInfinite(x)) {
            return Double.NEGATIVE_INFINITY;
        }
        if (x < a + 1) {
            // Here Q is not small, so the complement of the series for P is accurate.
            return Math.log1p(-Gamma.regularizedGammaP(a, x, EPSILON, MAX_ITERATIONS));
        }
        ContinuedFraction fraction = new ContinuedFraction() {
            @Override
            protected double getA(int n, double ignored) {
                return 2.0 * n + 1.0 - a + x;
            }

            @Override
            protected double getB(int n, double ignored) {
                return n * (a - n);
            }
        };
        double cf = fraction.evaluate(x, EPSILON, MAX_ITERATIONS);
        return -x + a * Math.log(x) - Gamma.logGamma(a) - Math.log(cf);
    }

    /**
     * The log of the regularized incomplete beta function {@code I_x(a, b)}.
     *
     * @param x the argument in [0, 1]
     * @param oneMinusX {@code 1 - x}, passed separately to keep its digits
     * @param a first shape, positive
     * @param b second shape, positive
     * @return {@code ln I_x(a, b)}
     */
    static double logRegularizedBeta(double x, double oneMinusX, double a, double b) {
        if (x <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (oneMinusX <= 0) {
            return 0;
        }
        if (x > (a + 1) / (a + b + 2)) {
            // Past the bulk, I_x(a, b) = 1 - I_{1-x}(b, a) is not small: the complement is safe.
            return Math.log1p(-Math.exp(logRegularizedBeta(oneMinusX, x, b, a)));
        }
        ContinuedFraction fraction = new ContinuedFraction() {
            @Override
            protected double getA(int n, double ignored) {
                return 1.0;
            }

            @Override
            protected double getB(int n, double ignored) {
                if (n % 2 == 0) {
                    double m = n / 2.0;
                    return m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
                }
                double m = (n - 1.0) / 2.0;
                return -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1.0));
            }
        };
        double cf = fraction.evaluate(x, EPSILON, MAX_ITERATIONS);
        // Take each log from the argument that holds its digits: near x = 1 (Student t with a
        // huge df) ln x = log1p(-(1 - x)), else a = df/2 ~ 1e8 times x's rounding costs 1e-8.
        double logX = x > 0.5 ? Math.log1p(-oneMinusX) : Math.log(x);
        double logOneMinusX = x < 0.5 ? Math.log1p(-x) : Math.log(oneMinusX);
        return a * logX + b * logOneMinusX - Math.log(a) - Beta.logBeta(a, b) - Math.log(cf);
    }

    /**
     * {@code exp(logP)}, the p-value for a log p-value.
     *
     * @param logP a log probability
     * @return the probability, clamped to [0, 1]
     */
    public static double exp(double logP) {
        return Math.min(1, Math.exp(logP));
    }
}

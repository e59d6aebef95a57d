package dev.releaserouter.stats.internal;

import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;

/**
 * The cumulative distribution function of the noncentral t distribution by Lenth's algorithm
 * AS 243 (Applied Statistics 38, 1989, 185-189) with the refinements of R's {@code pnt.c}, so
 * that power computed here matches R's {@code power.t.test}.
 */
public final class NoncentralT {

    private static final int MAX_ITERATIONS = 1000;
    private static final double MAX_ERROR = 1e-12;
    private static final double LN_SQRT_PI = 0.5 * Math.log(Math.PI);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private NoncentralT() {}

    /**
     * {@code P(T > t)} for {@code T} noncentral t with {@code df} degrees of freedom and
     * noncentrality {@code ncp}.
     *
     * <p>This is {@code 1 - cdf} on purpose, the one exception to the module's survival-function
     * rule: AS 243 sums the lower tail to an absolute error of 1e-12, so no formulation of it
     * is accurate for upper tails below that. It serves only power, which for
     * {@code ncp >= 0} is at least {@code alpha / 2} (the central tail), where the subtraction
     * costs at most about {@code 1e-16 / (alpha / 2)} relative. Never use it for p-values.
     *
     * @param t the point
     * @param df degrees of freedom, positive
     * @param ncp the noncentrality parameter
     * @return the upper tail probability
     */
    public static double sf(double t, double df, double ncp) {
        return 1 - cdf(t, df, ncp);
    }

    /**
     * {@code P(T <= t)} for {@code T} noncentral t.
     *
     * @param t the point
     * @param df degrees of freedom, positive
     * @param ncp the noncentrality parameter
     * @return the lower tail probability
     */
    public static double cdf(double t, double df, double ncp) {
        boolean negate = t < 0;
        double tt = negate ? -t : t;
        double del = negate ? -ncp : ncp;
        if (df > 4e5 || del * del > 2 * Math.log(2) * 1021) {
            // Abramowitz and Stegun 26.7.10, as R does for huge df or noncentrality.
            double s = 1 / (4 * df);
            double z = (tt * (1 - s) - del) / Math.sqrt(1 + tt * tt * 2 * s);
            double lower = 1 - Tails.normalSf(z);
            return negate ? 1 - lower : lower;
        }
        double tnc = 0;
        double t2 = tt * tt;
        double rxb = df / (t2 + df);
        double x = t2 / (t2 + df);
        if (x > 0) {
            double lambda = del * del;
            double p = 0.5 * Math.exp(-0.5 * lambda);
            double q = SQRT_2_OVER_PI * p * del;
            double s = 0.5 - p;
            if (s < 1e-7) {
                s = -0.5 * Math.expm1(-0.5 * lambda);
            }
            double a = 0.5;
            double b = 0.5 * df;
            rxb = Math.pow(rxb, b);
            double albeta = LN_SQRT_PI + Gamma.logGamma(b) - Gamma.logGamma(0.5 + b);
            double xodd = Beta.regularizedBeta(x, a, b);
            double godd = 2 * rxb * Math.exp(a * Math.log(x) - albeta);
            tnc = b * x;
            double xeven = tnc < Math.ulp(1.0) ? tnc : 1 - rxb;
            double geven = tnc * rxb;
            tnc = p * xodd + q * xeven;
            for (int it = 1; it <= MAX_ITERATIONS; it++) {
                a += 1;
                xodd -= godd;
                xeven -= geven;
                godd *= x * (a + b - 1) / a;
                geven *= x * (a + b - 0.5) / (a + 0.5);
                p *= lambda / (2 * it);
                q *= lambda / (2 * it + 1);
                tnc += p * xodd + q * xeven;
                s -= p;
                if (s < -1e-10 || (s <= 0 && it > 1)) {
                    break;
                }
                if (Math.abs(2 * s * (xodd - godd)) < MAX_ERROR) {
                    break;
                }
            }
        }
        tnc += 1 - Tails.normalSf(-del);
        tnc = Math.min(tnc, 1);
        return negate ? 1 - tnc : tnc;
    }
}

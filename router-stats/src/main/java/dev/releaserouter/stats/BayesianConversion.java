package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.special.Beta;

/**
 * Bayesian reading of a conversion experiment with the beta-binomial model: each arm's rate has
 * a {@code Beta(a0 + conversions, b0 + n - conversions)} posterior.
 *
 * <p>Stateless and thread-safe.
 */
public final class BayesianConversion {

    private static final int PANELS = 200;
    private static final double SPAN_SDS = 40;
    private static final GaussIntegrator RULE =
            new GaussIntegratorFactory().legendre(16, 0, 1);

    private BayesianConversion() {}

    /**
     * The chance to beat control with the uniform {@code Beta(1, 1)} prior.
     *
     * @param control the control arm
     * @param treatment the treatment arm
     * @return {@code P(p_t > p_c | data)} in [0, 1]
     * @see #chanceToBeatControl(ArmSummary, ArmSummary, double, double)
     */
    public static double chanceToBeatControl(ArmSummary control, ArmSummary treatment) {
        return chanceToBeatControl(control, treatment, 1, 1);
    }

    /**
     * The posterior probability that the treatment's conversion rate exceeds the control's,
     * {@code P(p_t > p_c) = integral f_t(x) F_c(x) dx} for independent beta posteriors (the
     * quantity of Evan Miller's closed form, "Formulas for Bayesian A/B Testing", 2015, which
     * needs integer parameters and O(conversions) terms). It is integrated numerically with
     * 16-point Gauss-Legendre panels over +-40 standard deviations of the narrower posterior,
     * against the wider one's cdf or survival function, so it stays accurate (about 1e-9) for
     * any counts up to 1e8 and more. Equal data in both arms give 1/2 up to that
     * accuracy; empty arms fall back to the prior, so two empty arms give 1/2.
     *
     * @param control the control arm
     * @param treatment the treatment arm
     * @param priorAlpha the prior's first shape {@code a0}, positive (1 for uniform)
     * @param priorBeta the prior's second shape {@code b0}, positive (1 for uniform)
     * @return the probability in [0, 1]
     * @throws IllegalArgumentException if a prior shape is not a finite positive number
     */
    public static double chanceToBeatControl(ArmSummary control, ArmSummary treatment,
            double priorAlpha, double priorBeta) {
        Checks.positive("priorAlpha", priorAlpha);
        Checks.positive("priorBeta", priorBeta);
        double ac = priorAlpha + control.conversions();
        double bc = priorBeta + control.n() - control.conversions();
        double at = priorAlpha + treatment.conversions();
        double bt = priorBeta + treatment.n() - treatment.conversions();
        // Integrate over the narrower posterior's density, so the other one's cdf is smooth on
        // each panel: P(t > c) = int f_c(x) S_t(x) dx = int f_t(x) F_c(x) dx.
        if (sd(ac, bc) <= sd(at, bt)) {
            return Math.min(1, integrate(ac, bc, at, bt, true));
        }
        return Math.min(1, integrate(at, bt, ac, bc, false));
    }

    /**
     * {@code int f(x; a, b) G(x; a2, b2) dx}, where {@code G} is the survival function of
     * {@code Beta(a2, b2)} if {@code survival}, otherwise its cdf.
     */
    private static double integrate(double a, double b, double a2, double b2, boolean survival) {
        BetaDistribution density = new BetaDistribution(null, a, b);
        double mean = a / (a + b);
        double spread = SPAN_SDS * sd(a, b);
        double lo = Math.max(0, mean - spread);
        double hi = Math.min(1, mean + spread);
        double width = (hi - lo) / PANELS;
        double sum = 0;
        double mass = 0;
        for (int panel = 0; panel < PANELS; panel++) {
            double start = lo + panel * width;
            for (int k = 0; k < RULE.getNumberOfPoints(); k++) {
                double x = start + RULE.getPoint(k) * width;
                // Survival as the cdf of the mirrored beta: no 1 - cdf cancellation.
                double g = survival ? Beta.regularizedBeta(1 - x, b2, a2)
                        : Beta.regularizedBeta(x, a2, b2);
                double f = RULE.getWeight(k) * width * density.density(x);
                sum += f * g;
                mass += f;
            }
        }
        // Dividing by the integrated density cancels the rounding of its normalizing constant
        // (log Beta(a, b) of arguments near 1e7 carries about 1e-8 relative error).
        return sum / mass;
    }

    private static double sd(double a, double b) {
        double s = a + b;
        return Math.sqrt(a * b / (s * s * (s + 1)));
    }
}

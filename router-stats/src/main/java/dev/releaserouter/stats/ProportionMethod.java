package dev.releaserouter.stats;

/**
 * Sample-size formulas for comparing two proportions; tools differ in which one they use. All
 * are two-sided normal approximations; {@code p1} is the control's rate, {@code p2 = p1 + d} the
 * treatment's, {@code k = n2 / n1}, {@code z_a = z_{1-alpha/2}} and {@code z_b = z_{power}}.
 */
public enum ProportionMethod {

    /**
     * The recommended default: pooled variance under the null, unpooled under the alternative
     * (Fleiss, Levin and Paik, <i>Statistical Methods for Rates and Proportions</i>, 3rd ed.,
     * 2003, eq. 4.10 without correction):
     * {@code n1 = (z_a sqrt(pbar qbar (1 + 1/k)) + z_b sqrt(p1 q1 + p2 q2 / k))^2 / d^2} with
     * {@code pbar = (p1 + k p2) / (1 + k)}. For {@code k = 1} this is R's
     * {@code power.prop.test} (default {@code strict = FALSE}).
     */
    POOLED_NORMAL,

    /**
     * {@link #POOLED_NORMAL} with the continuity correction of Fleiss, Tytun and Ury (1980),
     * Fleiss et al. 2003 eq. 4.14: {@code n1' = n1 / 4 (1 + sqrt(1 + 2 (k + 1) / (k n1 d)))^2};
     * the size for a test that uses Yates' correction.
     */
    POOLED_NORMAL_CONTINUITY,

    /**
     * Unpooled (Wald) variance under both hypotheses (Chow, Shao and Wang, <i>Sample Size
     * Calculations in Clinical Research</i>, 2nd ed., 2008, 4.2):
     * {@code n1 = (z_a + z_b)^2 (p1 q1 + p2 q2 / k) / d^2}. Slightly smaller than the pooled
     * answer; what many online calculators use.
     */
    UNPOOLED_NORMAL,

    /**
     * Cohen's effect size {@code h = 2 asin(sqrt(p2)) - 2 asin(sqrt(p1))} (Cohen,
     * <i>Statistical Power Analysis for the Behavioral Sciences</i>, 2nd ed., 1988, ch. 6):
     * {@code n1 = (z_a + z_b)^2 (1 + 1/k) / h^2}. As R's {@code pwr.2p.test}/{@code pwr.2p2n.test}
     * and Python statsmodels' {@code NormalIndPower} with {@code proportion_effectsize}, except
     * that those add the opposite tail's power (about 1e-6 at alpha 0.05 and power 0.8), which
     * makes their n smaller by about 2.5e-6 of it: less than one unit below n = 400,000, but
     * 9.6 units at p1 = 0.1, p2 = 0.1006 (this formula 3,934,892.86; {@code pwr.2p.test} and
     * statsmodels 0.13.5 3,934,883.22).
     */
    ARCSINE
}

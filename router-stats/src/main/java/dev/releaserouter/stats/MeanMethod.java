package dev.releaserouter.stats;

/**
 * Sample-size formulas for comparing two means with common standard deviation {@code sigma},
 * difference {@code d} and allocation ratio {@code k = n2 / n1}; two-sided.
 */
public enum MeanMethod {

    /**
     * The normal approximation {@code n1 = (1 + 1/k) sigma^2 (z_{1-alpha/2} + z_{power})^2 / d^2}
     * (Chow, Shao and Wang 2008, 3.2); fine from a few dozen units per arm. statsmodels'
     * {@code NormalIndPower} with {@code effect_size = d / sigma} solves the same equation plus
     * the opposite tail's power (about 1e-6 at alpha 0.05 and power 0.8), so its n is smaller
     * by about 2.5e-6 of it: 0.015 units at n = 6,279 ({@code d / sigma = 0.05}), 9.6 units at
     * n = 3.92 million ({@code d / sigma = 0.002}; statsmodels 0.13.5).
     */
    NORMAL,

    /**
     * The two-sample t-test's exact power from the noncentral t distribution with
     * {@code n1 (1 + k) - 2} degrees of freedom and noncentrality
     * {@code d / (sigma sqrt(1/n1 + 1/(k n1)))}, solved for {@code n1}. For {@code k = 1} this
     * is R's {@code power.t.test} (default {@code strict = FALSE}); G*Power's and statsmodels'
     * {@code TTestIndPower} add the opposite tail's negligible power. Slightly larger than
     * {@link #NORMAL} for small samples.
     */
    T_DISTRIBUTION
}

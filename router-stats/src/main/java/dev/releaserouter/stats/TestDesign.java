package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import dev.releaserouter.stats.internal.Tails;

/**
 * The planned error rates and split of a two-arm experiment: the two-sided significance level
 * {@code alpha}, the power {@code 1 - beta} and the allocation ratio
 * {@code k = n_treatment / n_control}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param alpha two-sided significance level in (0, 1), e.g. 0.05
 * @param power probability of detecting the effect if it exists, in (0, 1), e.g. 0.8
 * @param allocationRatio {@code n_treatment / n_control}, positive; 1 for an even split,
 *     0.25 for a 20/80 canary
 */
public record TestDesign(double alpha, double power, double allocationRatio) {

    /**
     * Creates a design.
     *
     * @param alpha as described on the record
     * @param power as described on the record
     * @param allocationRatio as described on the record
     * @throws IllegalArgumentException if alpha or power is outside (0, 1) or the allocation
     *     ratio is not a finite positive number
     */
    public TestDesign {
        Checks.openUnit("alpha", alpha);
        Checks.openUnit("power", power);
        Checks.positive("allocationRatio", allocationRatio);
    }

    /**
     * The conventional design: alpha 0.05, power 0.8, even split.
     *
     * @return the design
     */
    public static TestDesign standard() {
        return new TestDesign(0.05, 0.8, 1);
    }

    /**
     * This design with another significance level.
     *
     * @param newAlpha the level in (0, 1)
     * @return a new design
     * @throws IllegalArgumentException if the level is outside (0, 1)
     */
    public TestDesign withAlpha(double newAlpha) {
        return new TestDesign(newAlpha, power, allocationRatio);
    }

    /**
     * This design with another power.
     *
     * @param newPower the power in (0, 1)
     * @return a new design
     * @throws IllegalArgumentException if the power is outside (0, 1)
     */
    public TestDesign withPower(double newPower) {
        return new TestDesign(alpha, newPower, allocationRatio);
    }

    /**
     * This design with another allocation ratio.
     *
     * @param ratio {@code n_treatment / n_control}, positive
     * @return a new design
     * @throws IllegalArgumentException if the ratio is not a finite positive number
     */
    public TestDesign withAllocationRatio(double ratio) {
        return new TestDesign(alpha, power, ratio);
    }

    /** {@code z_{1 - alpha/2}}. */
    double zAlpha() {
        return Tails.normalQuantile(1 - alpha / 2);
    }

    /** {@code z_{power}}. */
    double zBeta() {
        return Tails.normalQuantile(power);
    }
}

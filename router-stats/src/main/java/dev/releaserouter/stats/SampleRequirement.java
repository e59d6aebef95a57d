package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;

/**
 * How many units each arm needs: the formula's unrounded control size and both arms' sizes
 * rounded up.
 *
 * <p>Immutable and thread-safe.
 *
 * @param exactControl the unrounded control size from the formula (what R prints as {@code n})
 * @param control the control's size, {@code ceil(exactControl)}
 * @param treatment the treatment's size, {@code ceil(k * exactControl)}
 */
public record SampleRequirement(double exactControl, long control, long treatment) {

    /**
     * Creates a requirement.
     *
     * @param exactControl as described on the record
     * @param control as described on the record
     * @param treatment as described on the record
     * @throws IllegalArgumentException if a size is negative
     */
    public SampleRequirement {
        Checks.nonNegative("exactControl", exactControl);
        Checks.nonNegative("control", control);
        Checks.nonNegative("treatment", treatment);
    }

    /** Rounds both arms up from the unrounded control size and the allocation ratio. */
    static SampleRequirement of(double exactControl, double allocationRatio) {
        return new SampleRequirement(exactControl, ceil(exactControl),
                ceil(exactControl * allocationRatio));
    }

    private static long ceil(double n) {
        // Remove floating-point noise such as 76.00000000000001 before rounding up.
        double rounded = Math.rint(n);
        return (long) (Math.abs(n - rounded) < 1e-9 * Math.max(1, n) ? rounded : Math.ceil(n));
    }

    /**
     * The total over both arms.
     *
     * @return {@code control + treatment}
     */
    public long total() {
        return control + treatment;
    }

    /**
     * Whether the observed arm sizes meet this requirement ("has the minimum sample been
     * reached").
     *
     * @param controlN units observed in control
     * @param treatmentN units observed in the treatment
     * @return {@code controlN >= control && treatmentN >= treatment}
     */
    public boolean isMetBy(long controlN, long treatmentN) {
        return controlN >= control && treatmentN >= treatment;
    }
}

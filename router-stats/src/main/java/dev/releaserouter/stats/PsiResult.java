package dev.releaserouter.stats;

import java.util.List;

/**
 * A Population Stability Index with each bin's contribution.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value {@code PSI = sum (a_i - e_i) ln(a_i / e_i)}, {@code >= 0}; NaN if a side is empty
 * @param contributions each bin's term, in bin order
 * @param epsilon the proportion that stood in for empty bins
 */
public record PsiResult(double value, List<Double> contributions, double epsilon) {

    /** Conventional reading of a PSI value (Siddiqi, <i>Credit Risk Scorecards</i>, 2006). */
    public enum Level {
        /** Below 0.1: no meaningful shift. */
        STABLE,
        /** From 0.1 to below 0.25: a moderate shift worth a look. */
        MODERATE_SHIFT,
        /** 0.25 or more: a significant shift. */
        SIGNIFICANT_SHIFT,
        /** No value: one of the distributions had no observations. */
        UNDEFINED
    }

    /**
     * Creates a result, copying the list.
     *
     * @param value as described on the record
     * @param contributions as described on the record
     * @param epsilon as described on the record
     */
    public PsiResult {
        contributions = List.copyOf(contributions);
    }

    /**
     * The conventional reading of {@link #value()}: below 0.1 stable, below 0.25 moderate,
     * otherwise significant.
     *
     * @return the level
     */
    public Level level() {
        if (Double.isNaN(value)) {
            return Level.UNDEFINED;
        }
        if (value < 0.1) {
            return Level.STABLE;
        }
        return value < 0.25 ? Level.MODERATE_SHIFT : Level.SIGNIFICANT_SHIFT;
    }
}

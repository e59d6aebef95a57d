package dev.releaserouter.api.shadow;

import java.util.OptionalDouble;

/**
 * The result of comparing a candidate's output with the stable version's: whether they match
 * (same decision, or scores within tolerance) and, for scores, the delta
 * {@code candidate - stable}. Immutable.
 */
public final class Comparison {

    /** Outputs match, no delta. */
    public static final Comparison MATCH = new Comparison(true, Double.NaN);
    /** Outputs differ, no delta. */
    public static final Comparison MISMATCH = new Comparison(false, Double.NaN);

    private final boolean match;
    private final double delta;

    private Comparison(boolean match, double delta) {
        this.match = match;
        this.delta = delta;
    }

    /**
     * @param match whether the outputs match
     * @return {@link #MATCH} or {@link #MISMATCH}: a comparison without a delta
     */
    public static Comparison of(boolean match) {
        return match ? MATCH : MISMATCH;
    }

    /**
     * @param match whether the outputs match
     * @param delta candidate minus stable; a value that is not finite (e.g. NaN because a score
     *     was NaN) gives a comparison without a delta
     * @return a comparison
     */
    public static Comparison of(boolean match, double delta) {
        return Double.isFinite(delta) ? new Comparison(match, delta) : of(match);
    }

    /** @return whether the outputs match */
    public boolean match() {
        return match;
    }

    /** @return candidate minus stable; empty if the outputs are not scores */
    public OptionalDouble delta() {
        return Double.isNaN(delta) ? OptionalDouble.empty() : OptionalDouble.of(delta);
    }

    @Override
    public String toString() {
        return "Comparison{match=" + match + (Double.isNaN(delta) ? "" : ", delta=" + delta) + "}";
    }
}

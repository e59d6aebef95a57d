package dev.releaserouter.rollout.gates;

/**
 * Kleene's three-valued logic: a comparison with an unknown (NaN) operand is {@link #UNKNOWN},
 * so "not enough data" flows through {@code and}, {@code or} and {@code not} instead of
 * turning into a pass or a failure.
 */
enum Tri {
    /** The condition holds. */
    TRUE,
    /** The condition does not hold. */
    FALSE,
    /** The condition cannot be decided: an operand is unknown. */
    UNKNOWN;

    static Tri of(boolean b) {
        return b ? TRUE : FALSE;
    }

    Tri and(Tri other) {
        if (this == FALSE || other == FALSE) {
            return FALSE;
        }
        return this == TRUE && other == TRUE ? TRUE : UNKNOWN;
    }

    Tri or(Tri other) {
        if (this == TRUE || other == TRUE) {
            return TRUE;
        }
        return this == FALSE && other == FALSE ? FALSE : UNKNOWN;
    }

    Tri not() {
        return this == UNKNOWN ? UNKNOWN : of(this == FALSE);
    }
}

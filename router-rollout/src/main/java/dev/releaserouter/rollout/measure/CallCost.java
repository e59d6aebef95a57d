package dev.releaserouter.rollout.measure;

import java.util.OptionalDouble;

/**
 * What only the application knows of a call: its cost, the tokens it used and the model's
 * score, each optional. Immutable.
 *
 * @param costUnits the call's cost in the application's unit
 * @param tokens tokens used
 * @param score the model's score (for score distributions and drift)
 */
public record CallCost(OptionalDouble costUnits, OptionalDouble tokens, OptionalDouble score) {

    /** Nothing known. */
    public static final CallCost NONE =
            new CallCost(OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());

    /** @throws NullPointerException if an argument is null */
    public CallCost {
        java.util.Objects.requireNonNull(costUnits, "costUnits");
        java.util.Objects.requireNonNull(tokens, "tokens");
        java.util.Objects.requireNonNull(score, "score");
    }

    /**
     * @param score the model's score
     * @return extras with only a score
     */
    public static CallCost score(double score) {
        return new CallCost(OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.of(score));
    }

    /**
     * @param costUnits the call's cost
     * @param tokens tokens used
     * @return extras with a cost and tokens
     */
    public static CallCost cost(double costUnits, double tokens) {
        return new CallCost(OptionalDouble.of(costUnits), OptionalDouble.of(tokens),
                OptionalDouble.empty());
    }
}

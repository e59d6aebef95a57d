package dev.releaserouter.core.shadow;

import dev.releaserouter.api.shadow.Comparison;
import dev.releaserouter.api.shadow.ShadowComparator;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** Built-in {@link ShadowComparator}s. All are stateless and thread-safe. */
public final class ShadowComparators {

    private ShadowComparators() {}

    /**
     * Outputs match when {@code Objects.equals}; no delta. The default.
     *
     * @param <O> output type
     * @return the comparator
     */
    public static <O> ShadowComparator<O> equality() {
        return (a, b) -> Objects.equals(a, b) ? Comparison.MATCH : Comparison.MISMATCH;
    }

    /**
     * Numeric scores: the delta is {@code candidate - stable}; they match when
     * {@code |delta| <= tolerance}.
     *
     * @param tolerance the largest absolute difference that still matches, {@code >= 0}
     * @return the comparator
     * @throws IllegalArgumentException if the tolerance is negative or NaN
     */
    public static ShadowComparator<Number> score(double tolerance) {
        return score(tolerance, Number::doubleValue);
    }

    /**
     * Scores taken from any output type.
     *
     * @param tolerance the largest absolute difference that still matches, {@code >= 0}
     * @param score extracts the score
     * @param <O> output type
     * @return the comparator
     * @throws IllegalArgumentException if the tolerance is negative or NaN
     */
    public static <O> ShadowComparator<O> score(double tolerance, ToDoubleFunction<O> score) {
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("tolerance must be >= 0, but was " + tolerance);
        }
        Objects.requireNonNull(score, "score");
        return (a, b) -> {
            double delta = score.applyAsDouble(b) - score.applyAsDouble(a);
            return Comparison.of(Math.abs(delta) <= tolerance, delta);
        };
    }

    /**
     * Classifications: outputs match when their decisions (labels) are equal, e.g.
     * {@code decision(r -> r.score() >= 0.5)} for a churn flag.
     *
     * @param decision extracts the decision
     * @param <O> output type
     * @return the comparator
     */
    public static <O> ShadowComparator<O> decision(Function<O, ?> decision) {
        Objects.requireNonNull(decision, "decision");
        return (a, b) -> Objects.equals(decision.apply(a), decision.apply(b))
                ? Comparison.MATCH : Comparison.MISMATCH;
    }
}

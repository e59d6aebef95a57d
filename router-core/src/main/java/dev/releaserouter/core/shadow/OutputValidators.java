package dev.releaserouter.core.shadow;

import dev.releaserouter.api.shadow.OutputValidator;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/** Built-in {@link OutputValidator}s. Stateless and thread-safe. */
public final class OutputValidators {

    private OutputValidators() {}

    /**
     * A numeric score must be finite and within {@code [min, max]}; null is invalid.
     *
     * @param min smallest valid score
     * @param max largest valid score
     * @return the validator
     * @throws IllegalArgumentException if {@code min > max} or either is NaN
     */
    public static OutputValidator<Number> scoreBetween(double min, double max) {
        return scoreBetween(min, max, Number::doubleValue);
    }

    /**
     * A score taken from any output must be finite and within {@code [min, max]}.
     *
     * @param min smallest valid score
     * @param max largest valid score
     * @param score extracts the score
     * @param <O> output type
     * @return the validator
     * @throws IllegalArgumentException if {@code min > max} or either is NaN
     */
    public static <O> OutputValidator<O> scoreBetween(double min, double max,
            ToDoubleFunction<O> score) {
        if (!(min <= max)) {
            throw new IllegalArgumentException(
                    "min must be <= max, but was [" + min + ", " + max + "]");
        }
        Objects.requireNonNull(score, "score");
        return o -> {
            if (o == null) {
                return "null output";
            }
            double s = score.applyAsDouble(o);
            if (Double.isNaN(s)) {
                return "score is NaN";
            }
            if (Double.isInfinite(s)) {
                return "score is infinite";
            }
            return s < min || s > max ? "score out of range [" + min + ", " + max + "]" : null;
        };
    }

    /**
     * A numeric score must be finite (any range).
     *
     * @return the validator
     */
    public static OutputValidator<Number> finite() {
        return scoreBetween(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, n -> {
            double d = n.doubleValue();
            return Double.isInfinite(d) ? Double.NaN : d; // infinite is as invalid as NaN here
        });
    }
}

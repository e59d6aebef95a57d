package dev.releaserouter.rollout.gates;

import dev.releaserouter.stats.Interval;
import java.util.Locale;
import java.util.Objects;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.jspecify.annotations.Nullable;

/**
 * A metric's estimate with its sampling error: what a threshold comparison with a
 * {@code confidence} compares instead of the bare value ({@code docs/gates.md}, "Sampling
 * error"). A {@link GateInput} gives one per arm and metric ({@link GateInput#estimate}); the
 * gates turn it into one-sided confidence bounds with {@link #bounds(double)}.
 *
 * <p>Two kinds: a {@link Kind#PROPORTION} (a rate in [0, 1] such as the error rate) is bounded
 * with Wilson's score interval, which behaves at 0 or 3 events where the normal one does not; a
 * {@link Kind#MEAN} with the normal interval {@code value +- z se}. The standard error may come
 * from the counts ({@link #ofProportion}, {@link #ofMean}: every request an independent unit),
 * or from elsewhere ({@link #of}), e.g. the delta method over entities, whose requests are
 * correlated: a proportion's Wilson interval then uses the effective sample size
 * {@code value (1 - value) / se^2} (Korn and Graubard, "Confidence intervals for proportions
 * with small expected number of positive counts estimated from survey data", Survey
 * Methodology 24, 1998), so the interval widens by the design effect.
 *
 * <p>Immutable and thread-safe.
 */
public final class Estimate {

    /** How the estimate is distributed, which decides its interval. */
    public enum Kind {
        /** A rate in [0, 1] (events per unit): Wilson's score interval. */
        PROPORTION,
        /** A mean of per-unit values: the normal interval {@code value +- z se}. */
        MEAN
    }

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    private final Kind kind;
    private final double value;
    private final double standardError;
    private final long units;
    private final String method;

    private Estimate(Kind kind, double value, double standardError, long units,
            String method) {
        this.kind = kind;
        this.value = value;
        this.standardError = standardError;
        this.units = units;
        this.method = method;
    }

    /**
     * A rate from counts, each unit independent: {@code events / units} with the binomial
     * standard error {@code sqrt(p (1 - p) / n)}. No units gives an undefined estimate.
     *
     * @param events the units with the event (errors, conversions), {@code 0..units}
     * @param units the units (requests)
     * @return the estimate, method {@code "binomial"}
     * @throws IllegalArgumentException if a count is negative or {@code events > units}
     */
    public static Estimate ofProportion(long events, long units) {
        if (events < 0 || units < 0 || events > units) {
            throw new IllegalArgumentException("events must be between 0 and units (" + units
                    + "), but was " + events);
        }
        if (units == 0) {
            return new Estimate(Kind.PROPORTION, Double.NaN, Double.NaN, 0, "binomial");
        }
        double p = (double) events / units;
        return new Estimate(Kind.PROPORTION, p, Math.sqrt(p * (1 - p) / units), units,
                "binomial");
    }

    /**
     * A mean from its sample variance, each unit independent: standard error
     * {@code sqrt(variance / n)}. Undefined (NaN) with fewer than 2 units or an unknown
     * variance.
     *
     * @param mean the mean of the units' values
     * @param variance their sample variance ({@code n - 1} denominator), NaN if unknown
     * @param units the units
     * @return the estimate, method {@code "normal"}
     * @throws IllegalArgumentException if units is negative or the variance is negative
     */
    public static Estimate ofMean(double mean, double variance, long units) {
        if (units < 0 || variance < 0) {
            throw new IllegalArgumentException("units and variance must not be negative, but"
                    + " were " + units + " and " + variance);
        }
        boolean defined = units >= 2 && Double.isFinite(mean) && Double.isFinite(variance);
        return new Estimate(Kind.MEAN, defined ? mean : Double.NaN,
                defined ? Math.sqrt(variance / units) : Double.NaN, units, "normal");
    }

    /**
     * An estimate with a standard error computed elsewhere, e.g. by the delta method over
     * entity buckets. NaN for the value or the standard error means undefined.
     *
     * @param kind how it is bounded
     * @param value the estimate; a proportion must lie in [0, 1]
     * @param standardError its standard error, {@code >= 0}, or NaN if unknown
     * @param units the units behind it (requests), {@code >= 0}
     * @param method how the standard error was computed, shown in verdicts, e.g.
     *     {@code "delta method, 1024 entity buckets"}
     * @return the estimate
     * @throws IllegalArgumentException if the standard error or units are negative, or a
     *     proportion is outside [0, 1]
     * @throws NullPointerException if kind or method is null
     */
    public static Estimate of(Kind kind, double value, double standardError, long units,
            String method) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(method, "method");
        if (standardError < 0 || units < 0) {
            throw new IllegalArgumentException("standardError and units must not be negative,"
                    + " but were " + standardError + " and " + units);
        }
        if (kind == Kind.PROPORTION && (value < 0 || value > 1)) {
            throw new IllegalArgumentException("a proportion must be between 0 and 1, but was "
                    + value);
        }
        return new Estimate(kind, value, standardError, units, method);
    }

    /** @return how the estimate is bounded */
    public Kind kind() {
        return kind;
    }

    /** @return the estimate, NaN when undefined */
    public double value() {
        return value;
    }

    /** @return its standard error, NaN when undefined */
    public double standardError() {
        return standardError;
    }

    /** @return the units (requests) behind it */
    public long units() {
        return units;
    }

    /** @return how the standard error was computed, e.g. {@code "binomial"} */
    public String method() {
        return method;
    }

    /**
     * Whether there is an estimate to bound: the value and the standard error are finite and
     * there is at least one unit. An undefined estimate makes a comparison NOT_ENOUGH_DATA.
     *
     * @return whether it is defined
     */
    public boolean isDefined() {
        return Double.isFinite(value) && Double.isFinite(standardError) && units > 0;
    }

    /**
     * The units the interval counts: for a proportion whose standard error is larger than the
     * binomial one (correlated requests), {@code value (1 - value) / se^2}; otherwise the units.
     *
     * @return the effective sample size
     */
    public double effectiveUnits() {
        if (kind == Kind.PROPORTION && value > 0 && value < 1 && standardError > 0) {
            return value * (1 - value) / (standardError * standardError);
        }
        return units;
    }

    /**
     * The one-sided bounds at a confidence: {@code lower} such that the true value is at least
     * {@code lower} with probability {@code confidence}, and {@code upper} likewise; together
     * the two-sided {@code 2 confidence - 1} interval. A proportion uses Wilson's score interval
     * on {@link #effectiveUnits()} with {@code z = Phi^-1(confidence)}; a mean
     * {@code value +- z se}. At confidence 0.5 both bounds are the value.
     *
     * @param confidence the one-sided level, in [0.5, 1)
     * @return the bounds
     * @throws IllegalArgumentException if the confidence is outside [0.5, 1)
     * @throws IllegalStateException if the estimate is not {@link #isDefined() defined}
     */
    public Interval bounds(double confidence) {
        if (!(confidence >= 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in [0.5, 1), but was "
                    + confidence);
        }
        if (!isDefined()) {
            throw new IllegalStateException("an undefined estimate has no bounds: " + this);
        }
        double z = confidence == 0.5 ? 0 : NORMAL.inverseCumulativeProbability(confidence);
        if (kind == Kind.MEAN) {
            return new Interval(value - z * standardError, value + z * standardError);
        }
        double n = effectiveUnits();
        double z2n = z * z / n;
        double center = (value + z2n / 2) / (1 + z2n);
        double half = z * Math.sqrt(value * (1 - value) / n + z2n / (4 * n)) / (1 + z2n);
        // At 0 (or all) events the bound is exactly 0 (or 1), not a rounding residue.
        return new Interval(value == 0 ? 0 : Math.max(0, center - half),
                value == 1 ? 1 : Math.min(1, center + half));
    }

    /**
     * Estimates are equal when kind, value, standard error, units and method are.
     *
     * @param o another object
     * @return whether it is an equal estimate
     */
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Estimate e && kind == e.kind
                && Double.compare(value, e.value) == 0
                && Double.compare(standardError, e.standardError) == 0 && units == e.units
                && method.equals(e.method);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, value, standardError, units, method);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Estimate[%s %.6g, se %.6g, n %d, %s]", kind, value,
                standardError, units, method);
    }
}

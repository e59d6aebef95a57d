package dev.releaserouter.rollout;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The phase a {@link RolloutPlan} may start with (seed 003's flow Validation -> Shadow Mode ->
 * Canary; seed 000 §3.2; seed 002: "24-48h" of shadow validation): the candidate is shadowed and
 * never served while the controller waits at least {@link #minDuration()}, then judges the
 * shadow evaluation with the {@link #criteria()} every checkpoint duration. PASS starts stage 1;
 * FAIL, or no conclusive verdict by {@link #maxDuration()}, ends the rollout (the candidate is
 * killed; status ROLLED_BACK). The verdict is kept in the rollout state
 * ({@link RolloutState#shadowVerdict()}).
 *
 * <p>The router must shadow the candidate (its flag file's {@code shadow} section); the phase
 * does not configure shadowing, it sets the candidate's weight to 0 and judges.
 *
 * <p>Immutable and thread-safe; built with {@link #builder()}.
 */
public final class ShadowPhase {

    /** Default {@link #minDuration()}: 24 hours (seed 002). */
    public static final Duration DEFAULT_MIN_DURATION = Duration.ofHours(24);
    /** Default {@link #maxDuration()}: 48 hours (seed 002). */
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofHours(48);

    private final Duration minDuration;
    private final Duration maxDuration;
    private final ShadowExitCriteria criteria;
    private final @Nullable ShadowEvidenceSource source;

    private ShadowPhase(Builder b) {
        this.minDuration = b.minDuration;
        this.maxDuration = b.maxDuration;
        this.criteria = b.criteria;
        this.source = b.source;
    }

    /** @return a builder: 24 h minimum, 48 h maximum, seed 002's criteria, the router's stats */
    public static Builder builder() {
        return new Builder();
    }

    /** @return how long the candidate is shadowed before its evaluation is judged */
    public Duration minDuration() {
        return minDuration;
    }

    /** @return how long the phase may last without a PASS before it fails */
    public Duration maxDuration() {
        return maxDuration;
    }

    /** @return the exit criteria */
    public ShadowExitCriteria criteria() {
        return criteria;
    }

    /** @return where the evidence is read; empty for the router's shadow statistics */
    public Optional<ShadowEvidenceSource> source() {
        return Optional.ofNullable(source);
    }

    @Override
    public String toString() {
        return "ShadowPhase{min=" + minDuration + ", max=" + maxDuration + ", " + criteria
                + (source == null ? ", source=router" : ", source=" + source) + "}";
    }

    /** Builds a {@link ShadowPhase}. Not thread-safe. */
    public static final class Builder {
        private Duration minDuration = DEFAULT_MIN_DURATION;
        private Duration maxDuration = DEFAULT_MAX_DURATION;
        private ShadowExitCriteria criteria = ShadowExitCriteria.defaults();
        private @Nullable ShadowEvidenceSource source;

        private Builder() {}

        /**
         * @param d the minimum duration, positive (default 24 h)
         * @return this builder
         */
        public Builder minDuration(Duration d) {
            this.minDuration = Objects.requireNonNull(d, "minDuration");
            return this;
        }

        /**
         * @param d the maximum duration, at least the minimum (default 48 h)
         * @return this builder
         */
        public Builder maxDuration(Duration d) {
            this.maxDuration = Objects.requireNonNull(d, "maxDuration");
            return this;
        }

        /**
         * @param c the exit criteria (default {@link ShadowExitCriteria#defaults()})
         * @return this builder
         */
        public Builder criteria(ShadowExitCriteria c) {
            this.criteria = Objects.requireNonNull(c, "criteria");
            return this;
        }

        /**
         * @param s where the evidence is read; null (the default) for
         *     {@link ShadowEvidenceSource#of} the controller's router
         * @return this builder
         */
        public Builder source(@Nullable ShadowEvidenceSource s) {
            this.source = s;
            return this;
        }

        /**
         * @return the phase
         * @throws IllegalArgumentException if the minimum is not positive or the maximum is
         *     below it
         */
        public ShadowPhase build() {
            if (minDuration.isNegative() || minDuration.isZero()) {
                throw new IllegalArgumentException("shadowPhase.minDuration must be positive, "
                        + "but was " + minDuration);
            }
            if (maxDuration.compareTo(minDuration) < 0) {
                throw new IllegalArgumentException("shadowPhase.maxDuration must be at least "
                        + "minDuration (" + minDuration + "), but was " + maxDuration);
            }
            return new ShadowPhase(this);
        }
    }
}

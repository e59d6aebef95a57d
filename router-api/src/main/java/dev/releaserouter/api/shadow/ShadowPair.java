package dev.releaserouter.api.shadow;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * One shadowed request as stored for offline analysis and replay: the masked input, both outputs,
 * the comparison and the latencies. Contains no raw PII: the input and outputs are JSON texts
 * after masking, and the entity key is only present as a keyed hash. The request's segments
 * (tenant, region, channel: low-cardinality labels, as in the flag file) are kept as they are,
 * for per-segment (fairness) evaluation; never put personal data in them. Immutable.
 */
public final class ShadowPair {

    private final Instant time;
    private final String model;
    private final String stableVersion;
    private final String candidateVersion;
    private final String entityKeyHash;
    private final String inputJson;
    private final @Nullable String stableOutputJson;
    private final @Nullable String candidateOutputJson;
    private final ShadowOutcome outcome;
    private final @Nullable Boolean match;
    private final double delta;
    private final long stableLatencyNanos;
    private final long candidateLatencyNanos;
    private final @Nullable String error;
    private final @Nullable String tenant;
    private final @Nullable String region;
    private final @Nullable String channel;
    private final @Nullable List<PolicyViolation> violations;

    private ShadowPair(Builder b) {
        this.time = Objects.requireNonNull(b.time, "time");
        this.model = Objects.requireNonNull(b.model, "model");
        this.stableVersion = Objects.requireNonNull(b.stableVersion, "stableVersion");
        this.candidateVersion = Objects.requireNonNull(b.candidateVersion, "candidateVersion");
        this.entityKeyHash = Objects.requireNonNull(b.entityKeyHash, "entityKeyHash");
        this.inputJson = Objects.requireNonNull(b.inputJson, "inputJson");
        this.stableOutputJson = b.stableOutputJson;
        this.candidateOutputJson = b.candidateOutputJson;
        this.outcome = Objects.requireNonNull(b.outcome, "outcome");
        this.match = b.match;
        this.delta = b.delta;
        this.stableLatencyNanos = b.stableLatencyNanos;
        this.candidateLatencyNanos = b.candidateLatencyNanos;
        this.error = b.error;
        this.tenant = b.tenant;
        this.region = b.region;
        this.channel = b.channel;
        this.violations = b.violations == null ? null : List.copyOf(b.violations);
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return when the request was served */
    public Instant time() {
        return time;
    }

    /** @return the model */
    public String model() {
        return model;
    }

    /** @return the version that served the request */
    public String stableVersion() {
        return stableVersion;
    }

    /** @return the shadowed version */
    public String candidateVersion() {
        return candidateVersion;
    }

    /** @return keyed hash (hex) of the entity key; never the key itself */
    public String entityKeyHash() {
        return entityKeyHash;
    }

    /** @return the masked input as JSON text */
    public String inputJson() {
        return inputJson;
    }

    /** @return the masked stable output as JSON text, or null if it could not be rendered */
    public @Nullable String stableOutputJson() {
        return stableOutputJson;
    }

    /** @return the masked candidate output as JSON text, or null if it failed */
    public @Nullable String candidateOutputJson() {
        return candidateOutputJson;
    }

    /** @return how the candidate call ended */
    public ShadowOutcome outcome() {
        return outcome;
    }

    /**
     * @return whether the outputs matched; empty if they were not compared (the candidate did
     *     not answer validly)
     */
    public Optional<Boolean> match() {
        return Optional.ofNullable(match);
    }

    /** @return candidate minus stable for scores; empty if the outputs are not scores */
    public OptionalDouble delta() {
        return Double.isFinite(delta) ? OptionalDouble.of(delta) : OptionalDouble.empty();
    }

    /** @return the stable call's latency in nanoseconds */
    public long stableLatencyNanos() {
        return stableLatencyNanos;
    }

    /** @return the candidate call's latency in nanoseconds; empty if it timed out */
    public OptionalLong candidateLatencyNanos() {
        return candidateLatencyNanos < 0 ? OptionalLong.empty()
                : OptionalLong.of(candidateLatencyNanos);
    }

    /** @return the candidate's error (exception class or validation problem), never data */
    public @Nullable String error() {
        return error;
    }

    /** @return the request's tenant, or null if it had none */
    public @Nullable String tenant() {
        return tenant;
    }

    /** @return the request's region, or null if it had none */
    public @Nullable String region() {
        return region;
    }

    /** @return the request's channel, or null if it had none */
    public @Nullable String channel() {
        return channel;
    }

    /**
     * @return the named policies the candidate's output broke; empty if they were not checked
     *     (no validator, no output, or a pair stored before violations were recorded), an empty
     *     list if checked and none
     */
    public Optional<List<PolicyViolation>> violations() {
        return Optional.ofNullable(violations);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof ShadowPair)) {
            return false;
        }
        ShadowPair p = (ShadowPair) o;
        return time.equals(p.time) && model.equals(p.model)
                && stableVersion.equals(p.stableVersion)
                && candidateVersion.equals(p.candidateVersion)
                && entityKeyHash.equals(p.entityKeyHash) && inputJson.equals(p.inputJson)
                && Objects.equals(stableOutputJson, p.stableOutputJson)
                && Objects.equals(candidateOutputJson, p.candidateOutputJson)
                && outcome == p.outcome && Objects.equals(match, p.match)
                && Double.compare(delta, p.delta) == 0
                && stableLatencyNanos == p.stableLatencyNanos
                && candidateLatencyNanos == p.candidateLatencyNanos
                && Objects.equals(error, p.error) && Objects.equals(tenant, p.tenant)
                && Objects.equals(region, p.region) && Objects.equals(channel, p.channel)
                && Objects.equals(violations, p.violations);
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, model, stableVersion, candidateVersion, entityKeyHash, inputJson,
                stableOutputJson, candidateOutputJson, outcome, match, delta, stableLatencyNanos,
                candidateLatencyNanos, error, tenant, region, channel, violations);
    }

    @Override
    public String toString() {
        return "ShadowPair{" + time + " " + model + " " + stableVersion + " vs "
                + candidateVersion + " " + outcome + " match=" + match + "}";
    }

    /** Builds a {@link ShadowPair}. Not thread-safe. */
    public static final class Builder {
        private @Nullable Instant time;
        private @Nullable String model;
        private @Nullable String stableVersion;
        private @Nullable String candidateVersion;
        private @Nullable String entityKeyHash;
        private @Nullable String inputJson;
        private @Nullable String stableOutputJson;
        private @Nullable String candidateOutputJson;
        private @Nullable ShadowOutcome outcome;
        private @Nullable Boolean match;
        private double delta = Double.NaN;
        private long stableLatencyNanos;
        private long candidateLatencyNanos = -1;
        private @Nullable String error;
        private @Nullable String tenant;
        private @Nullable String region;
        private @Nullable String channel;
        private @Nullable List<PolicyViolation> violations;

        private Builder() {}

        /** @param v when @return this builder */
        public Builder time(Instant v) {
            this.time = v;
            return this;
        }

        /** @param v the model @return this builder */
        public Builder model(String v) {
            this.model = v;
            return this;
        }

        /** @param v the serving version @return this builder */
        public Builder stableVersion(String v) {
            this.stableVersion = v;
            return this;
        }

        /** @param v the shadowed version @return this builder */
        public Builder candidateVersion(String v) {
            this.candidateVersion = v;
            return this;
        }

        /** @param v keyed hash of the entity key @return this builder */
        public Builder entityKeyHash(String v) {
            this.entityKeyHash = v;
            return this;
        }

        /** @param v masked input JSON @return this builder */
        public Builder inputJson(String v) {
            this.inputJson = v;
            return this;
        }

        /** @param v masked stable output JSON, or null @return this builder */
        public Builder stableOutputJson(@Nullable String v) {
            this.stableOutputJson = v;
            return this;
        }

        /** @param v masked candidate output JSON, or null @return this builder */
        public Builder candidateOutputJson(@Nullable String v) {
            this.candidateOutputJson = v;
            return this;
        }

        /** @param v the outcome @return this builder */
        public Builder outcome(ShadowOutcome v) {
            this.outcome = v;
            return this;
        }

        /** @param v whether outputs matched, or null @return this builder */
        public Builder match(@Nullable Boolean v) {
            this.match = v;
            return this;
        }

        /**
         * @param v candidate minus stable; a value that is not finite (NaN when the outputs are
         *     not scores) means none
         * @return this builder
         */
        public Builder delta(double v) {
            this.delta = v;
            return this;
        }

        /** @param v stable latency, ns @return this builder */
        public Builder stableLatencyNanos(long v) {
            this.stableLatencyNanos = v;
            return this;
        }

        /**
         * @param v candidate latency, ns; a negative value means none (the call timed out)
         * @return this builder
         */
        public Builder candidateLatencyNanos(long v) {
            this.candidateLatencyNanos = v;
            return this;
        }

        /** @param v error description (no data), or null @return this builder */
        public Builder error(@Nullable String v) {
            this.error = v;
            return this;
        }

        /** @param v the request's tenant, or null @return this builder */
        public Builder tenant(@Nullable String v) {
            this.tenant = v;
            return this;
        }

        /** @param v the request's region, or null @return this builder */
        public Builder region(@Nullable String v) {
            this.region = v;
            return this;
        }

        /** @param v the request's channel, or null @return this builder */
        public Builder channel(@Nullable String v) {
            this.channel = v;
            return this;
        }

        /**
         * @param v the policies the candidate's output broke (an empty list: checked, none), or
         *     null if not checked; copied
         * @return this builder
         */
        public Builder violations(@Nullable List<PolicyViolation> v) {
            this.violations = v;
            return this;
        }

        /**
         * @return the pair
         * @throws NullPointerException if a required field is missing
         */
        public ShadowPair build() {
            return new ShadowPair(this);
        }
    }
}

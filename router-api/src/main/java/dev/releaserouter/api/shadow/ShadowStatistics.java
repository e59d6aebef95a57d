package dev.releaserouter.api.shadow;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * Counters and distributions of one model's shadow calls to one candidate version, since the
 * router started. Immutable and thread-safe snapshot; get fresh ones from
 * {@code Router.shadowStatistics()}, or build one with {@link #builder(String, String)} (for test
 * doubles).
 *
 * <p>The stable latencies are those of the primary calls of shadowed requests, so both sides are
 * measured on the same requests. What may not exist yet (latencies before the first call, a match
 * rate before the first comparison, score deltas before the first numeric comparison) is an empty
 * {@link Optional}, never a sentinel number.
 */
public final class ShadowStatistics {

    private final String model;
    private final String candidateVersion;
    private final Map<ShadowOutcome, Long> outcomes;
    private final Map<ShadowDisposition, Long> dispositions;
    private final Map<FallbackCause, Long> fallbacks;
    private final long comparisons;
    private final long matches;
    private final long primaryInvalidOutputs;
    private final @Nullable LatencyPercentiles stableLatency;
    private final @Nullable LatencyPercentiles candidateLatency;
    private final @Nullable ScoreDeltas scoreDeltas;

    private ShadowStatistics(Builder b) {
        this.model = b.model;
        this.candidateVersion = b.candidateVersion;
        this.outcomes = copy(b.outcomes, ShadowOutcome.class);
        this.dispositions = copy(b.dispositions, ShadowDisposition.class);
        this.fallbacks = copy(b.fallbacks, FallbackCause.class);
        this.comparisons = b.comparisons;
        this.matches = b.matches;
        this.primaryInvalidOutputs = b.primaryInvalidOutputs;
        this.stableLatency = b.stableLatency;
        this.candidateLatency = b.candidateLatency;
        this.scoreDeltas = b.scoreDeltas;
    }

    /**
     * Starts statistics of one model's shadow calls to one version, with every count 0 and no
     * latencies nor deltas.
     *
     * @param model the model
     * @param candidateVersion the shadowed version
     * @return a new builder
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(String model, String candidateVersion) {
        return new Builder(model, candidateVersion);
    }

    private static <E extends Enum<E>> Map<E, Long> copy(Map<E, Long> m, Class<E> type) {
        EnumMap<E, Long> c = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            c.put(e, m.getOrDefault(e, 0L));
        }
        return Collections.unmodifiableMap(c);
    }

    /** @return the model */
    public String model() {
        return model;
    }

    /** @return the shadowed version */
    public String candidateVersion() {
        return candidateVersion;
    }

    /** @return shadow calls that ran, by outcome (every outcome present, possibly 0) */
    public Map<ShadowOutcome, Long> outcomes() {
        return outcomes;
    }

    /** @return routed requests by shadow disposition (every value present, possibly 0) */
    public Map<ShadowDisposition, Long> dispositions() {
        return dispositions;
    }

    /** @return primary-path fallbacks of this version, by cause (every cause present) */
    public Map<FallbackCause, Long> fallbacks() {
        return fallbacks;
    }

    /** @return shadow calls that ran to an outcome */
    public long calls() {
        long n = 0;
        for (long v : outcomes.values()) {
            n += v;
        }
        return n;
    }

    /** @return comparisons made */
    public long comparisons() {
        return comparisons;
    }

    /** @return comparisons that matched */
    public long matches() {
        return matches;
    }

    /** @return primary-path outputs of this version that failed validation */
    public long primaryInvalidOutputs() {
        return primaryInvalidOutputs;
    }

    /** @return matches / comparisons; empty before the first comparison */
    public OptionalDouble matchRate() {
        return comparisons == 0 ? OptionalDouble.empty()
                : OptionalDouble.of((double) matches / comparisons);
    }

    /**
     * @return p50, p95, p99 of the stable calls of shadowed requests; empty before the first
     */
    public Optional<LatencyPercentiles> stableLatency() {
        return Optional.ofNullable(stableLatency);
    }

    /** @return p50, p95, p99 of the candidate calls that answered; empty before the first */
    public Optional<LatencyPercentiles> candidateLatency() {
        return Optional.ofNullable(candidateLatency);
    }

    /**
     * @return the numeric deltas (candidate - stable) of the comparisons, with their mean,
     *     extremes and the percentiles of the last 4,096; empty before the first numeric delta
     */
    public Optional<ScoreDeltas> scoreDeltas() {
        return Optional.ofNullable(scoreDeltas);
    }

    @Override
    public String toString() {
        return "ShadowStatistics{" + model + "/" + candidateVersion + " outcomes=" + outcomes
                + ", matchRate=" + matchRate() + ", dispositions=" + dispositions
                + ", fallbacks=" + fallbacks + "}";
    }

    /** Builds {@link ShadowStatistics}. Not thread-safe. */
    public static final class Builder {
        private final String model;
        private final String candidateVersion;
        private Map<ShadowOutcome, Long> outcomes = Map.of();
        private Map<ShadowDisposition, Long> dispositions = Map.of();
        private Map<FallbackCause, Long> fallbacks = Map.of();
        private long comparisons;
        private long matches;
        private long primaryInvalidOutputs;
        private @Nullable LatencyPercentiles stableLatency;
        private @Nullable LatencyPercentiles candidateLatency;
        private @Nullable ScoreDeltas scoreDeltas;

        private Builder(String model, String candidateVersion) {
            this.model = Objects.requireNonNull(model, "model");
            this.candidateVersion = Objects.requireNonNull(candidateVersion, "candidateVersion");
        }

        /**
         * @param counts shadow calls that ran, by outcome; absent outcomes count 0
         * @return this builder
         * @throws NullPointerException if counts is null
         */
        public Builder outcomes(Map<ShadowOutcome, Long> counts) {
            this.outcomes = Objects.requireNonNull(counts, "outcomes");
            return this;
        }

        /**
         * @param counts routed requests by what happened to their shadow side (skips and
         *     scheduled calls); absent values count 0
         * @return this builder
         * @throws NullPointerException if counts is null
         */
        public Builder dispositions(Map<ShadowDisposition, Long> counts) {
            this.dispositions = Objects.requireNonNull(counts, "dispositions");
            return this;
        }

        /**
         * @param counts primary-path fallbacks of this version to stable, by cause; absent causes
         *     count 0
         * @return this builder
         * @throws NullPointerException if counts is null
         */
        public Builder fallbacks(Map<FallbackCause, Long> counts) {
            this.fallbacks = Objects.requireNonNull(counts, "fallbacks");
            return this;
        }

        /**
         * @param comparisons comparisons made (successful calls), {@code >= 0}
         * @param matches those that matched, between 0 and {@code comparisons}
         * @return this builder
         * @throws IllegalArgumentException if a count is negative or matches exceed comparisons
         */
        public Builder comparisons(long comparisons, long matches) {
            if (comparisons < 0 || matches < 0 || matches > comparisons) {
                throw new IllegalArgumentException("need 0 <= matches <= comparisons, but were "
                        + matches + " matches of " + comparisons + " comparisons");
            }
            this.comparisons = comparisons;
            this.matches = matches;
            return this;
        }

        /**
         * @param count outputs of this version served on the primary path that its validator
         *     rejected, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder primaryInvalidOutputs(long count) {
            if (count < 0) {
                throw new IllegalArgumentException(
                        "primaryInvalidOutputs must be >= 0, but was " + count);
            }
            this.primaryInvalidOutputs = count;
            return this;
        }

        /**
         * @param percentiles of the stable calls of shadowed requests, or null if none
         * @return this builder
         */
        public Builder stableLatency(@Nullable LatencyPercentiles percentiles) {
            this.stableLatency = percentiles;
            return this;
        }

        /**
         * @param percentiles of the candidate calls that answered, or null if none
         * @return this builder
         */
        public Builder candidateLatency(@Nullable LatencyPercentiles percentiles) {
            this.candidateLatency = percentiles;
            return this;
        }

        /**
         * @param deltas the numeric deltas of the comparisons, or null if none
         * @return this builder
         */
        public Builder scoreDeltas(@Nullable ScoreDeltas deltas) {
            this.scoreDeltas = deltas;
            return this;
        }

        /** @return the statistics */
        public ShadowStatistics build() {
            return new ShadowStatistics(this);
        }
    }
}

package dev.releaserouter.api.shadow;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Counters and distributions of one model's shadow calls to one candidate version, since the
 * router started. Immutable snapshot; get fresh ones from {@code Router.shadowStatistics()}.
 *
 * <p>Latencies are in nanoseconds; the stable latencies are those of the primary calls of
 * shadowed requests, so both sides are measured on the same requests.
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
    private final long[] stableLatencyNanos;
    private final long[] candidateLatencyNanos;
    private final long deltaCount;
    private final double deltaMean;
    private final double deltaMin;
    private final double deltaMax;
    private final double[] deltaQuantiles;

    /**
     * @param model the model
     * @param candidateVersion the shadowed version
     * @param outcomes shadow calls that ran, by outcome
     * @param dispositions routed requests by what happened to their shadow side (skips and
     *     scheduled calls)
     * @param fallbacks primary-path fallbacks of this version to stable, by cause
     * @param comparisons comparisons made (successful calls)
     * @param matches comparisons that matched
     * @param primaryInvalidOutputs outputs of this version served on the primary path that its
     *     validator rejected
     * @param stableLatencyNanos p50, p95, p99 of the stable calls of shadowed requests
     * @param candidateLatencyNanos p50, p95, p99 of the candidate calls that answered
     * @param deltaCount numeric deltas seen
     * @param deltaMean their mean (NaN if none)
     * @param deltaMin their minimum (NaN if none)
     * @param deltaMax their maximum (NaN if none)
     * @param deltaQuantiles p05, p50, p95 of the most recent deltas (NaN if none)
     */
    public ShadowStatistics(String model, String candidateVersion,
            Map<ShadowOutcome, Long> outcomes, Map<ShadowDisposition, Long> dispositions,
            Map<FallbackCause, Long> fallbacks, long comparisons, long matches,
            long primaryInvalidOutputs, long[] stableLatencyNanos, long[] candidateLatencyNanos,
            long deltaCount,
            double deltaMean, double deltaMin, double deltaMax, double[] deltaQuantiles) {
        this.model = Objects.requireNonNull(model, "model");
        this.candidateVersion = Objects.requireNonNull(candidateVersion, "candidateVersion");
        this.outcomes = copy(outcomes, ShadowOutcome.class);
        this.dispositions = copy(dispositions, ShadowDisposition.class);
        this.fallbacks = copy(fallbacks, FallbackCause.class);
        this.comparisons = comparisons;
        this.matches = matches;
        this.primaryInvalidOutputs = primaryInvalidOutputs;
        this.stableLatencyNanos = stableLatencyNanos.clone();
        this.candidateLatencyNanos = candidateLatencyNanos.clone();
        this.deltaCount = deltaCount;
        this.deltaMean = deltaMean;
        this.deltaMin = deltaMin;
        this.deltaMax = deltaMax;
        if (deltaQuantiles.length != 3) {
            throw new IllegalArgumentException(
                    "deltaQuantiles must hold p05, p50, p95, but had " + deltaQuantiles.length);
        }
        this.deltaQuantiles = deltaQuantiles.clone();
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

    /** @return primary-path fallbacks of this version, by cause */
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

    /** @return matches / comparisons, or NaN if none */
    public double matchRate() {
        return comparisons == 0 ? Double.NaN : (double) matches / comparisons;
    }

    /** @return p50, p95, p99 of the stable calls of shadowed requests, in ns (0 if none) */
    public long[] stableLatencyNanos() {
        return stableLatencyNanos.clone();
    }

    /** @return p50, p95, p99 of the candidate calls that answered, in ns (0 if none) */
    public long[] candidateLatencyNanos() {
        return candidateLatencyNanos.clone();
    }

    /** @return numeric deltas seen */
    public long deltaCount() {
        return deltaCount;
    }

    /** @return mean delta (candidate - stable), NaN if none */
    public double deltaMean() {
        return deltaMean;
    }

    /** @return smallest delta, NaN if none */
    public double deltaMin() {
        return deltaMin;
    }

    /** @return largest delta, NaN if none */
    public double deltaMax() {
        return deltaMax;
    }

    /**
     * @return p05, p50, p95 (R type 7) of the last 4,096 deltas; NaN if none
     */
    public double[] deltaQuantiles() {
        return deltaQuantiles.clone();
    }

    @Override
    public String toString() {
        return "ShadowStatistics{" + model + "/" + candidateVersion + " outcomes=" + outcomes
                + ", matchRate=" + matchRate() + ", dispositions=" + dispositions
                + ", fallbacks=" + fallbacks + "}";
    }
}

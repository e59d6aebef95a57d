package dev.releaserouter.replay.eval;

import dev.releaserouter.rollout.gates.GateInput;
import dev.releaserouter.rollout.gates.MetricCatalog;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@link ShadowMeasurements} as a {@link GateInput}, so that the one gate engine judges shadow
 * runs. The candidate arm has every metric in {@link #METRICS}; the stable arm has only its
 * latency quantiles. Each metric's sample ({@link #samples(String, String)}) is what it was
 * measured on: calls for counts and failure rates, comparisons for the match rate, answered
 * calls for latencies, score pairs for the PSI, deltas for the score delta. Immutable and
 * thread-safe.
 */
final class ShadowGateInput implements GateInput {

    /** What this input provides, for {@code Policy.requireMetrics}. */
    static final MetricCatalog METRICS = MetricCatalog.builder()
            .values("calls", "successes", "errors", "timeouts", "invalid_outputs", "fallbacks",
                    "served_from_shadow", "failure_rate", "comparisons", "matches",
                    "match_rate", "p50_ms", "p95_ms", "p99_ms", "p50_latency_increase_pct",
                    "p95_latency_increase_pct", "p99_latency_increase_pct", "psi",
                    "score_delta_mean", "score_delta_min", "score_delta_max",
                    "score_delta_p05", "score_delta_p50", "score_delta_p95")
            .build();

    private final ShadowMeasurements m;

    ShadowGateInput(ShadowMeasurements m) {
        this.m = m;
    }

    /**
     * @param arm the arm
     * @param metric the metric
     * @return why the metric cannot be measured on these measurements at all (rather than on
     *     too few samples), or null if it can
     */
    @Nullable String notApplicable(String arm, String metric) {
        if (arm.equals(CANDIDATE) && metric.equals("psi")
                && (Double.isNaN(m.psi()) || m.psiSamples() == 0)) {
            return "outputs are not numeric scores";
        }
        return null;
    }

    @Override
    public double value(String arm, String metric) {
        if (arm.equals(STABLE)) {
            return latency(m.stableLatency(), metric);
        }
        switch (metric) {
            case "calls": return m.calls();
            case "successes": return m.successes();
            case "errors": return m.errors();
            case "timeouts": return m.timeouts();
            case "invalid_outputs": return m.invalidOutputs();
            case "fallbacks": return m.fallbacks();
            case "served_from_shadow": return m.servedFromShadow();
            case "failure_rate": return m.failureRate();
            case "comparisons": return m.comparisons();
            case "matches": return m.matches();
            case "match_rate": return m.matchRate();
            case "p50_latency_increase_pct":
                return increasePct(m.stableLatency().p50Ms(), m.candidateLatency().p50Ms());
            case "p95_latency_increase_pct":
                return increasePct(m.stableLatency().p95Ms(), m.candidateLatency().p95Ms());
            case "p99_latency_increase_pct":
                return increasePct(m.stableLatency().p99Ms(), m.candidateLatency().p99Ms());
            case "psi": return m.psi();
            case "score_delta_mean": return m.scoreDelta().mean();
            case "score_delta_min": return m.scoreDelta().min();
            case "score_delta_max": return m.scoreDelta().max();
            case "score_delta_p05": return m.scoreDelta().p05();
            case "score_delta_p50": return m.scoreDelta().p50();
            case "score_delta_p95": return m.scoreDelta().p95();
            default: return latency(m.candidateLatency(), metric);
        }
    }

    private static double latency(LatencySummary l, String metric) {
        switch (metric) {
            case "p50_ms": return l.p50Ms();
            case "p95_ms": return l.p95Ms();
            case "p99_ms": return l.p99Ms();
            default: return Double.NaN;
        }
    }

    /**
     * @return {@code 100 (candidate - stable) / stable}; 0 when both are 0, +Infinity when only
     *     the stable quantile is 0, NaN when either is unknown
     */
    static double increasePct(double stable, double candidate) {
        if (Double.isNaN(stable) || Double.isNaN(candidate)) {
            return Double.NaN;
        }
        if (stable == 0) {
            return candidate == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        // Multiplying before dividing keeps round values exact: (115 - 100) * 100 / 100 is 15.
        return 100 * (candidate - stable) / stable;
    }

    @Override
    public long samples(String arm) {
        return arm.equals(STABLE) ? m.stableLatency().count() : m.calls();
    }

    @Override
    public long samples(String arm, String metric) {
        if (arm.equals(STABLE)) {
            return m.stableLatency().count();
        }
        switch (metric) {
            case "comparisons":
            case "matches":
            case "match_rate":
                return m.comparisons();
            case "p50_ms":
            case "p95_ms":
            case "p99_ms":
                return m.candidateLatency().count();
            case "p50_latency_increase_pct":
            case "p95_latency_increase_pct":
            case "p99_latency_increase_pct":
                return Math.min(m.stableLatency().count(), m.candidateLatency().count());
            case "psi":
                return m.psiSamples();
            default:
                return metric.startsWith("score_delta_") ? m.scoreDelta().n() : m.calls();
        }
    }

    @Override
    public Duration window() {
        return Duration.ZERO; // a shadow run is judged as a whole, not per time window
    }
}

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
                    "score_delta_p05", "score_delta_p50", "score_delta_p95",
                    "policy_violations", "critical_policy_violations", "cost_per_call",
                    "cost_increase_pct", "fairness_match_rate_gap")
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
            return metric.equals("cost_per_call") ? m.cost().stablePerCall()
                    : latency(m.stableLatency(), metric);
        }
        return switch (metric) {
            case "policy_violations" -> m.violations().total();
            case "critical_policy_violations" -> m.violations().critical();
            case "cost_per_call" -> m.cost().candidatePerCall();
            case "cost_increase_pct" -> m.cost().increasePct();
            case "fairness_match_rate_gap" -> m.fairness().largestMatchRateGap();
            case "calls" -> m.calls();
            case "successes" -> m.successes();
            case "errors" -> m.errors();
            case "timeouts" -> m.timeouts();
            case "invalid_outputs" -> m.invalidOutputs();
            case "fallbacks" -> m.fallbacks();
            case "served_from_shadow" -> m.servedFromShadow();
            case "failure_rate" -> m.failureRate();
            case "comparisons" -> m.comparisons();
            case "matches" -> m.matches();
            case "match_rate" -> m.matchRate();
            case "p50_latency_increase_pct" ->
                    increasePct(m.stableLatency().p50Ms(), m.candidateLatency().p50Ms());
            case "p95_latency_increase_pct" ->
                    increasePct(m.stableLatency().p95Ms(), m.candidateLatency().p95Ms());
            case "p99_latency_increase_pct" ->
                    increasePct(m.stableLatency().p99Ms(), m.candidateLatency().p99Ms());
            case "psi" -> m.psi();
            case "score_delta_mean" -> m.scoreDelta().mean();
            case "score_delta_min" -> m.scoreDelta().min();
            case "score_delta_max" -> m.scoreDelta().max();
            case "score_delta_p05" -> m.scoreDelta().p05();
            case "score_delta_p50" -> m.scoreDelta().p50();
            case "score_delta_p95" -> m.scoreDelta().p95();
            default -> latency(m.candidateLatency(), metric);
        };
    }

    private static double latency(LatencySummary l, String metric) {
        return switch (metric) {
            case "p50_ms" -> l.p50Ms();
            case "p95_ms" -> l.p95Ms();
            case "p99_ms" -> l.p99Ms();
            default -> Double.NaN;
        };
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
            return metric.equals("cost_per_call") ? m.cost().stableCalls()
                    : m.stableLatency().count();
        }
        return switch (metric) {
            case "policy_violations", "critical_policy_violations" -> m.violations().checked();
            case "cost_per_call" -> m.cost().candidateCalls();
            case "cost_increase_pct" ->
                    Math.min(m.cost().stableCalls(), m.cost().candidateCalls());
            case "fairness_match_rate_gap" -> m.fairness().largestDisparity()
                    .map(d -> d.segments().stream()
                            .filter(x -> x.comparisons() >= m.fairness().minSegmentComparisons())
                            .mapToLong(FairnessCheck.Segment::comparisons).min().orElse(0))
                    .orElse(0L);
            case "comparisons", "matches", "match_rate" -> m.comparisons();
            case "p50_ms", "p95_ms", "p99_ms" -> m.candidateLatency().count();
            case "p50_latency_increase_pct", "p95_latency_increase_pct",
                    "p99_latency_increase_pct" ->
                    Math.min(m.stableLatency().count(), m.candidateLatency().count());
            case "psi" -> m.psiSamples();
            default -> metric.startsWith("score_delta_") ? m.scoreDelta().n() : m.calls();
        };
    }

    @Override
    public Duration window() {
        return Duration.ZERO; // a shadow run is judged as a whole, not per time window
    }
}

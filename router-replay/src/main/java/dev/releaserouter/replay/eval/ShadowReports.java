package dev.releaserouter.replay.eval;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.shadow.LatencyPercentiles;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowStatistics;
import dev.releaserouter.rollout.gates.Policy;
import java.time.Duration;
import java.util.Optional;

/**
 * The seed's shadow SLA (decisions match, fallback and timeouts, p95 increase, zero impact)
 * evaluated on a live router's statistics, the same way the replayer evaluates stored pairs.
 * Stateless and thread-safe.
 */
public final class ShadowReports {

    private ShadowReports() {}

    /**
     * Evaluates one model's shadow version against criteria, on the statistics so far.
     *
     * @param router the router
     * @param model the model
     * @param criteria thresholds (seed 002's by default: {@code ShadowCriteria.defaults()})
     * @return the evaluation, or empty if the model has no shadow statistics
     */
    public static Optional<ShadowEvaluation> evaluate(Router router, String model,
            ShadowCriteria criteria) {
        return evaluate(router, model, criteria.toPolicy());
    }

    /**
     * Evaluates one model's shadow version against a gate policy, on the statistics so far.
     *
     * @param router the router
     * @param model the model
     * @param policy the policy, e.g. {@link ShadowEvaluation#defaultPolicy()}
     * @return the evaluation, or empty if the model has no shadow statistics
     */
    public static Optional<ShadowEvaluation> evaluate(Router router, String model,
            Policy policy) {
        ModelConfig m = router.config().model(model);
        String stable = m == null ? "unknown" : m.stableVersion();
        String shadow = m == null ? null : m.shadowVersion();
        return router.shadowStatistics().stream()
                .filter(s -> s.model().equals(model)
                        && (shadow == null || s.candidateVersion().equals(shadow)))
                .findFirst()
                .map(s -> ShadowEvaluation.evaluate(measurements(s, stable), policy));
    }

    /**
     * Converts live statistics to evaluation input. PSI needs both score distributions, which
     * live statistics do not keep: it is NaN here (use the replayer on stored pairs for it).
     * Served-from-shadow is 0 by construction: {@code route} only ever returns the served
     * version's output.
     *
     * @param s the statistics of one shadowed version
     * @param stableVersion the model's stable version
     * @return the measurements
     */
    public static ShadowMeasurements measurements(ShadowStatistics s, String stableVersion) {
        long timeouts = s.outcomes().get(ShadowOutcome.TIMEOUT);
        long calls = s.calls();
        long answered = calls - timeouts;
        long fallbacks = 0;
        for (long f : s.fallbacks().values()) {
            fallbacks += f;
        }
        return ShadowMeasurements.builder()
                .model(s.model())
                .stableVersion(stableVersion)
                .candidateVersion(s.candidateVersion())
                .successes(s.outcomes().get(ShadowOutcome.SUCCESS))
                .errors(s.outcomes().get(ShadowOutcome.ERROR))
                .timeouts(timeouts)
                .invalidOutputs(s.outcomes().get(ShadowOutcome.INVALID_OUTPUT))
                .comparisons(s.comparisons())
                .matches(s.matches())
                .fallbacks(fallbacks)
                .servedFromShadow(0)
                .stableLatency(latency(calls, s.stableLatency()))
                .candidateLatency(latency(answered, s.candidateLatency()))
                .scoreDelta(s.scoreDeltas().map(d -> new DeltaSummary(d.count(), d.mean(),
                        d.min(), d.max(), d.p05(), d.p50(), d.p95()))
                        .orElse(DeltaSummary.EMPTY))
                .psi(Double.NaN, 0)
                .build();
    }

    private static LatencySummary latency(long count, Optional<LatencyPercentiles> p) {
        return count == 0 || p.isEmpty() ? LatencySummary.EMPTY
                : new LatencySummary(count, millis(p.get().p50()), millis(p.get().p95()),
                        millis(p.get().p99()));
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }
}

package dev.releaserouter.rollout;

import dev.releaserouter.api.shadow.LatencyPercentiles;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowStatistics;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a shadow phase is judged on: the shadow evaluation of a candidate against the stable
 * version (seed 000 §2.2: score drift, latency, cost, errors; seed 002: decision match rate,
 * fallbacks, p95 latency). {@link #of(ShadowStatistics)} reads it from the live router's
 * statistics; a {@link ShadowEvidenceSource} may build it from anything else (a replay's
 * {@code shadow_eval.json}, a cost meter).
 *
 * <p>Immutable and thread-safe. Unknown measurements are NaN, never a sentinel.
 *
 * @param calls shadow calls that ran to an outcome
 * @param failures those that failed: errors, timeouts and invalid outputs
 * @param comparisons comparisons of the candidate's output with the stable one's
 * @param matches comparisons that matched
 * @param stableP95Ms the stable version's p95 latency on the shadowed requests, NaN if unknown
 * @param candidateP95Ms the candidate's p95 latency, NaN if unknown
 * @param meanScoreDelta the mean of candidate score minus stable score, NaN if unknown
 * @param stableCostPerCall the stable version's cost per call, NaN if unknown
 * @param candidateCostPerCall the candidate's cost per call, NaN if unknown
 */
public record ShadowEvidence(long calls, long failures, long comparisons, long matches,
        double stableP95Ms, double candidateP95Ms, double meanScoreDelta,
        double stableCostPerCall, double candidateCostPerCall) {

    /**
     * Validates.
     *
     * @param calls as described on the record
     * @param failures as described on the record
     * @param comparisons as described on the record
     * @param matches as described on the record
     * @param stableP95Ms as described on the record
     * @param candidateP95Ms as described on the record
     * @param meanScoreDelta as described on the record
     * @param stableCostPerCall as described on the record
     * @param candidateCostPerCall as described on the record
     * @throws IllegalArgumentException if a count is negative, failures exceed calls or
     *     matches exceed comparisons
     */
    public ShadowEvidence {
        if (calls < 0 || failures < 0 || comparisons < 0 || matches < 0) {
            throw new IllegalArgumentException("counts must be >= 0, but were calls=" + calls
                    + ", failures=" + failures + ", comparisons=" + comparisons + ", matches="
                    + matches);
        }
        if (failures > calls || matches > comparisons) {
            throw new IllegalArgumentException("need failures <= calls and matches <= "
                    + "comparisons, but were " + failures + " of " + calls + " and " + matches
                    + " of " + comparisons);
        }
    }

    /**
     * The evidence in a live router's shadow statistics of one candidate (since the router
     * started). The statistics carry no cost: cost is NaN (unknown); a
     * {@link ShadowEvidenceSource} that knows the costs can fill them in with
     * {@link #withCosts(double, double)}.
     *
     * @param s the statistics
     * @return the evidence
     * @throws NullPointerException if s is null
     */
    public static ShadowEvidence of(ShadowStatistics s) {
        Objects.requireNonNull(s, "statistics");
        long failures = s.outcomes().get(ShadowOutcome.ERROR)
                + s.outcomes().get(ShadowOutcome.TIMEOUT)
                + s.outcomes().get(ShadowOutcome.INVALID_OUTPUT);
        return new ShadowEvidence(s.calls(), failures, s.comparisons(), s.matches(),
                p95(s.stableLatency().orElse(null)), p95(s.candidateLatency().orElse(null)),
                s.scoreDeltas().map(d -> d.mean()).orElse(Double.NaN), Double.NaN, Double.NaN);
    }

    private static double p95(@Nullable LatencyPercentiles l) {
        return l == null ? Double.NaN : l.p95().toNanos() / 1e6;
    }

    /**
     * @param stable the stable version's cost per call
     * @param candidate the candidate's cost per call
     * @return this evidence with those costs
     */
    public ShadowEvidence withCosts(double stable, double candidate) {
        return new ShadowEvidence(calls, failures, comparisons, matches, stableP95Ms,
                candidateP95Ms, meanScoreDelta, stable, candidate);
    }

    /** @return matches / comparisons, NaN before the first comparison */
    public double matchRate() {
        return comparisons == 0 ? Double.NaN : (double) matches / comparisons;
    }

    /** @return failures / calls, NaN before the first call */
    public double failureRate() {
        return calls == 0 ? Double.NaN : (double) failures / calls;
    }

    /**
     * @return {@code 100 (candidate p95 - stable p95) / stable p95}; NaN if either is unknown,
     *     0 when both are 0, +Infinity when only the stable one is 0
     */
    public double p95IncreasePct() {
        return increasePct(stableP95Ms, candidateP95Ms);
    }

    /** @return the cost increase in percent, as {@link #p95IncreasePct()} */
    public double costIncreasePct() {
        return increasePct(stableCostPerCall, candidateCostPerCall);
    }

    static double increasePct(double stable, double candidate) {
        if (Double.isNaN(stable) || Double.isNaN(candidate)) {
            return Double.NaN;
        }
        if (stable == 0) {
            return candidate == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return 100 * (candidate - stable) / stable;
    }

    /** @return one line with every measurement, for reasons and incident records */
    String describe() {
        return "calls=" + calls + ", failures=" + failures + ", comparisons=" + comparisons
                + ", matches=" + matches + ", stable_p95_ms=" + stableP95Ms
                + ", candidate_p95_ms=" + candidateP95Ms + ", mean_score_delta="
                + meanScoreDelta + ", stable_cost_per_call=" + stableCostPerCall
                + ", candidate_cost_per_call=" + candidateCostPerCall;
    }
}

package dev.releaserouter.replay.eval;

import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import java.time.Instant;

/** Builds shadow pairs for tests, with plausible defaults. */
public final class TestPairs {

    /** The time every pair gets unless told otherwise. */
    public static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private TestPairs() {}

    /**
     * A successful, matching pair of model "churn", v1 vs v2, whose input is {@code {"i":i}}.
     *
     * @param i distinguishes the input
     * @return a builder to adjust
     */
    public static ShadowPair.Builder pair(int i) {
        return ShadowPair.builder()
                .time(T0.plusSeconds(i))
                .model("churn")
                .stableVersion("v1")
                .candidateVersion("v2")
                .entityKeyHash(String.format("%016x", i))
                .inputJson("{\"i\":" + i + "}")
                .stableOutputJson("\"yes\"")
                .candidateOutputJson("\"yes\"")
                .outcome(ShadowOutcome.SUCCESS)
                .match(true)
                .stableLatencyNanos(1_000_000)
                .candidateLatencyNanos(1_000_000);
    }

    /**
     * A successful pair of bare-number scores.
     *
     * @param i distinguishes the input
     * @param stable the stable score
     * @param candidate the candidate score
     * @return a builder to adjust
     */
    public static ShadowPair.Builder scores(int i, double stable, double candidate) {
        return pair(i).stableOutputJson(Double.toString(stable))
                .candidateOutputJson(Double.toString(candidate))
                .match(stable == candidate)
                .delta(candidate - stable);
    }

    /**
     * A failed pair (error or timeout) with no candidate output.
     *
     * @param i distinguishes the input
     * @param outcome ERROR or TIMEOUT
     * @return a builder to adjust
     */
    public static ShadowPair.Builder failed(int i, ShadowOutcome outcome) {
        return pair(i).outcome(outcome).candidateOutputJson(null).match(null)
                .candidateLatencyNanos(outcome == ShadowOutcome.TIMEOUT ? -1 : 500_000)
                .error(outcome == ShadowOutcome.TIMEOUT ? "timeout" : "IllegalStateException");
    }
}

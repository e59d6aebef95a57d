package dev.releaserouter.replay.eval;

/** Measurements that pass every default criterion by a wide margin, to vary one at a time. */
final class Healthy {

    static final long N = 10_000;

    private Healthy() {}

    static ShadowMeasurements.Builder measurements() {
        return ShadowMeasurements.builder()
                .model("churn")
                .stableVersion("v1")
                .candidateVersion("v2")
                .successes(N)
                .comparisons(N)
                .matches(9_900)
                .stableLatency(new LatencySummary(N, 40, 100, 150))
                .candidateLatency(new LatencySummary(N, 42, 105, 160))
                .scoreDelta(new DeltaSummary(N, 0.001, -0.2, 0.3, -0.05, 0.0, 0.06))
                .psi(0.05, N);
    }
}

package dev.releaserouter.rollout;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.shadow.ShadowStatistics;
import java.util.Objects;

/**
 * Where a {@link ShadowPhase} reads its evidence each time it is judged. The default,
 * {@link #of(Router)}, reads the live router's shadow statistics; plug in another to judge a
 * replay's evaluation (router-replay's {@code ShadowEvaluation}) or to add costs from a meter.
 *
 * <p>Called on the thread that ticks the controller, under its lock: keep it fast. Whatever it
 * throws fails the tick (counted; after {@link RolloutPlan#maxFailedTicks()} in a row the
 * controller fails safe and the rollout ends ROLLED_BACK).
 */
@FunctionalInterface
public interface ShadowEvidenceSource {

    /**
     * @param model the model
     * @param candidateVersion the shadowed candidate
     * @return the evidence so far
     */
    ShadowEvidence read(String model, String candidateVersion);

    /**
     * Reads {@link Router#shadowStatistics()}: the statistics of the model's shadow calls to the
     * candidate since the router started; no statistics yet is evidence of no calls.
     *
     * @param router the router that shadows the candidate
     * @return the source
     * @throws NullPointerException if router is null
     */
    static ShadowEvidenceSource of(Router router) {
        Objects.requireNonNull(router, "router");
        return (model, candidate) -> {
            for (ShadowStatistics s : router.shadowStatistics()) {
                if (s.model().equals(model) && s.candidateVersion().equals(candidate)) {
                    return ShadowEvidence.of(s);
                }
            }
            return new ShadowEvidence(0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN);
        };
    }
}

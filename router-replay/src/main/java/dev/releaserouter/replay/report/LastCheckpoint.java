package dev.releaserouter.replay.report;

import dev.releaserouter.rollout.measure.ArmStats;
import dev.releaserouter.stats.AnalysisConfig;
import dev.releaserouter.stats.ArmSummary;
import dev.releaserouter.stats.Direction;
import dev.releaserouter.stats.Effect;
import dev.releaserouter.stats.ExperimentAnalysis;
import dev.releaserouter.stats.MetricKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The error rate's analysis over the last checkpoint of a rollout, from its arms' windows. */
final class LastCheckpoint {

    private LastCheckpoint() {}

    /** Decisions after which a stage's traffic begins (a new weight, or evidence afresh). */
    private static final Set<String> STAGE_BEGINS = Set.of("START", "PROCEED", "PROMOTE",
            "RESUME");

    /**
     * The analysis of the stage the last decision judged: its windows are those wholly between
     * the decision that began the stage (the latest START, PROCEED, PROMOTE or RESUME before
     * the last decision; holds do not change the stage) and the last decision, its weight the
     * one that decision recorded (a decision records the stage after it acted).
     *
     * @param checkpoints the decisions, in time order
     * @param arms version to its windows in time order
     * @param eligibleShare the share of requests the candidate could be assigned
     * @param effect the minimum detectable absolute difference
     * @return the analysis, empty if no decision began the judged stage, or either arm has no
     *     window wholly inside it, or the candidate's share is 0 or everything
     */
    static Optional<ExperimentAnalysis> errorRate(List<Checkpoint> checkpoints,
            Map<String, List<ArmStats>> arms, double eligibleShare, double effect) {
        if (checkpoints.size() < 2) {
            return Optional.empty();
        }
        Checkpoint last = checkpoints.get(checkpoints.size() - 1);
        Checkpoint began = null;
        for (int i = checkpoints.size() - 2; i >= 0 && began == null; i--) {
            if (STAGE_BEGINS.contains(checkpoints.get(i).action())) {
                began = checkpoints.get(i);
            }
        }
        String candidate = last.candidate();
        String stable = arms.keySet().stream().filter(v -> !v.equals(candidate)).findFirst()
                .orElse(null);
        if (began == null || stable == null || !arms.containsKey(candidate)) {
            return Optional.empty();
        }
        int judgedBasisPoints = began.stageBasisPoints();
        long[] s = totals(arms.get(stable), began, last);
        long[] c = totals(arms.get(candidate), began, last);
        // At 100% the stable arm still serves what deny and allow lists keep from the candidate.
        double share = eligibleShare * judgedBasisPoints / 10_000;
        if (s[0] == 0 || c[0] == 0 || !(share > 0 && share < 1)) {
            return Optional.empty();
        }
        return Optional.of(ExperimentAnalysis.of(
                AnalysisConfig.builder(MetricKind.CONVERSION)
                        .direction(Direction.LOWER_IS_BETTER)
                        .weights(1 - share, share)
                        .minimumDetectableEffect(Effect.absolute(effect))
                        .build(),
                ArmSummary.ofConversions(s[0], s[1]), ArmSummary.ofConversions(c[0], c[1])));
    }

    /** Requests and errors of the windows wholly inside (before, last]. */
    private static long[] totals(List<ArmStats> windows, Checkpoint before, Checkpoint last) {
        long requests = 0;
        long errors = 0;
        for (ArmStats w : windows) {
            if (!w.from().isBefore(before.time()) && !w.to().isAfter(last.time())) {
                requests += w.requests();
                errors += w.errors();
            }
        }
        return new long[] {requests, errors};
    }
}

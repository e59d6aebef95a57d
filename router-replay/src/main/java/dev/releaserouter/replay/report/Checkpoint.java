package dev.releaserouter.replay.report;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One rollout decision as the report shows it, with the criteria of its gate verdict.
 *
 * @param time when it was taken
 * @param actor who took it
 * @param model the model
 * @param candidate the candidate version
 * @param stageIndex the 0-based stage
 * @param stageBasisPoints the candidate weight of that stage
 * @param action what was decided
 * @param status the rollout status after it
 * @param reasons the reasons
 * @param verdict the gate verdict's decision, null for manual actions
 * @param criteria the verdict's criteria, empty for manual actions
 * @param dryRun whether nothing was changed
 */
record Checkpoint(Instant time, String actor, String model, String candidate, int stageIndex,
        int stageBasisPoints, String action, String status, List<String> reasons,
        @Nullable String verdict, List<Crit> criteria, boolean dryRun) {

    /**
     * One criterion of a verdict.
     *
     * @param name its name
     * @param expression what it checks
     * @param severity CRITICAL, ALERT, ...
     * @param status its status (OK, FAIL, NOT_ENOUGH_DATA, ...)
     * @param value the measured value, NaN if unknown
     * @param threshold its threshold, NaN if unknown
     * @param detail the evaluator's detail
     */
    record Crit(String name, String expression, String severity, String status, double value,
            double threshold, String detail) {}
}

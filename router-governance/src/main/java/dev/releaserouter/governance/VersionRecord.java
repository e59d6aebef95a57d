package dev.releaserouter.governance;

import dev.releaserouter.api.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the registry knows of one model version: its stage, the approvals collected for its
 * promotion to Approved, and its history. Immutable.
 *
 * @param model the model
 * @param version the version
 * @param stage the current stage
 * @param approvals approvals collected while in Staging (cleared when the stage changes)
 * @param history every transition, oldest first
 */
public record VersionRecord(String model, String version, Stage stage, List<Approval> approvals,
        List<StageTransition> history) {

    /** @throws NullPointerException if an argument is null */
    public VersionRecord {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(stage, "stage");
        approvals = List.copyOf(approvals);
        history = List.copyOf(history);
    }

    VersionRecord moved(StageTransition t) {
        List<StageTransition> h = new ArrayList<>(history);
        h.add(t);
        return new VersionRecord(model, version, t.to(), List.of(), h);
    }

    VersionRecord approved(Approval a) {
        List<Approval> as = new ArrayList<>(approvals);
        as.add(a);
        return new VersionRecord(model, version, stage, as, history);
    }
}

package dev.releaserouter.governance;

import dev.releaserouter.api.Stage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the registry knows of one model version: its stage, the approvals collected for its next
 * transition, its history, the policy snapshot bound to it, until when its approval holds, and
 * the holds on its promotion. Immutable.
 *
 * @param model the model
 * @param version the version
 * @param stage the current stage
 * @param approvals approvals collected for the next transition (cleared when the stage changes)
 * @param history every transition, oldest first
 * @param policySnapshot the gate policy bound to the version: provisional from Staging,
 *     definitive from Approved; null if none was bound
 * @param revalidateBy when the version's approval expires ({@code revalidate_by}, seed 004
 *     section 5): from then on it is not routable until renewed; null if it does not expire
 * @param holds holds on new promotions (e.g. a CVE), oldest first
 */
public record VersionRecord(String model, String version, Stage stage, List<Approval> approvals,
        List<StageTransition> history, @Nullable PolicySnapshot policySnapshot,
        @Nullable Instant revalidateBy, List<PromotionHold> holds) {

    /** @throws NullPointerException if a required argument is null */
    public VersionRecord {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(stage, "stage");
        approvals = List.copyOf(approvals);
        history = List.copyOf(history);
        holds = List.copyOf(holds);
    }

    /**
     * A record without policy snapshot, revalidation date or holds.
     *
     * @param model the model
     * @param version the version
     * @param stage the current stage
     * @param approvals approvals collected for the next transition
     * @param history every transition, oldest first
     * @throws NullPointerException if an argument is null
     */
    public VersionRecord(String model, String version, Stage stage, List<Approval> approvals,
            List<StageTransition> history) {
        this(model, version, stage, approvals, history, null, null, List.of());
    }

    /**
     * @param t an instant
     * @return whether the version's approval has expired at t ({@code revalidate_by} reached)
     */
    public boolean expiredAt(Instant t) {
        return revalidateBy != null && !t.isBefore(revalidateBy);
    }

    VersionRecord moved(StageTransition t) {
        List<StageTransition> h = new ArrayList<>(history);
        h.add(t);
        return new VersionRecord(model, version, t.to(), List.of(), h, policySnapshot,
                revalidateBy, holds);
    }

    VersionRecord approved(Approval a) {
        List<Approval> as = new ArrayList<>(approvals);
        as.add(a);
        return new VersionRecord(model, version, stage, as, history, policySnapshot,
                revalidateBy, holds);
    }

    VersionRecord withPolicy(@Nullable PolicySnapshot p) {
        return new VersionRecord(model, version, stage, approvals, history, p, revalidateBy,
                holds);
    }

    VersionRecord withRevalidateBy(@Nullable Instant t) {
        return new VersionRecord(model, version, stage, approvals, history, policySnapshot, t,
                holds);
    }

    VersionRecord withHolds(List<PromotionHold> hs) {
        return new VersionRecord(model, version, stage, approvals, history, policySnapshot,
                revalidateBy, hs);
    }
}

package dev.releaserouter.rollout;

import dev.releaserouter.rollout.gates.CriterionResult;
import dev.releaserouter.rollout.gates.CriterionStatus;
import dev.releaserouter.rollout.gates.GateVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The incident record of a rollback (seed 000 §3.1 step 4 "rollback -> open an ADR with the
 * analysis", §6 "incident message + ADR of cause/action"): what was rolled back, what triggered
 * it, the verdicts and thresholds crossed, the windows judged, the timeline of the rollout's
 * decisions, the backout actions and the post-rollback verification (seed 004 §6). A
 * {@link RolloutController} builds one on every rollback, abort and failed shadow phase, and
 * hands it to {@link RolloutStateStore#writeIncident} ({@link FileRolloutStateStore} writes it
 * next to the state as {@code incident-<model>-<candidate>.json} and {@code .md}); it is
 * written again when the verification has run.
 *
 * <p>Immutable and thread-safe.
 */
public final class IncidentRecord {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * A criterion the verdict behind the rollback found breached.
     *
     * @param criterion the criterion's name
     * @param expression what it checks
     * @param severity its severity
     * @param status its status in the verdict (ALERT or CRITICAL)
     * @param value the measured value (NaN if unknown)
     * @param threshold the threshold (NaN if not applicable)
     * @param detail the verdict's one-line explanation
     */
    public record Threshold(String criterion, String expression, String severity,
            String status, double value, double threshold, String detail) {

        /**
         * Validates.
         *
         * @param criterion as described on the record
         * @param expression as described on the record
         * @param severity as described on the record
         * @param status as described on the record
         * @param value as described on the record
         * @param threshold as described on the record
         * @param detail as described on the record
         * @throws NullPointerException if a reference is null
         */
        public Threshold {
            Objects.requireNonNull(criterion, "criterion");
            Objects.requireNonNull(expression, "expression");
            Objects.requireNonNull(severity, "severity");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(detail, "detail");
        }
    }

    private final String model;
    private final String stableVersion;
    private final String candidate;
    private final Instant time;
    private final String actor;
    private final RolloutAction trigger;
    private final RolloutStatus status;
    private final int stageIndex;
    private final int stageBasisPoints;
    private final Duration checkpointDuration;
    private final Instant checkpointStart;
    private final String policyName;
    private final String policyDigest;
    private final List<String> reasons;
    private final List<Threshold> thresholds;
    private final List<RolloutDecision> timeline;
    private final List<String> backout;
    private final BackoutVerification.@Nullable Result verification;
    private final List<String> verificationReasons;

    IncidentRecord(RolloutPlan plan, RolloutDecision trigger, Instant checkpointStart,
            @Nullable GateVerdict verdict, List<RolloutDecision> timeline, List<String> backout,
            BackoutVerification.@Nullable Result verification,
            List<String> verificationReasons) {
        this.model = plan.model();
        this.stableVersion = plan.stableVersion();
        this.candidate = plan.candidateVersion();
        this.time = trigger.time();
        this.actor = trigger.actor();
        this.trigger = trigger.action();
        this.status = trigger.status();
        this.stageIndex = trigger.stageIndex();
        this.stageBasisPoints = trigger.stageBasisPoints();
        this.checkpointDuration = plan.checkpointDuration();
        this.checkpointStart = checkpointStart;
        this.policyName = plan.policy().name();
        this.policyDigest = plan.policy().digest();
        this.reasons = trigger.reasons();
        this.thresholds = verdict == null ? List.of() : crossed(verdict);
        this.timeline = List.copyOf(timeline);
        this.backout = List.copyOf(backout);
        this.verification = verification;
        this.verificationReasons = List.copyOf(verificationReasons);
    }

    private IncidentRecord(IncidentRecord r, BackoutVerification.Result verification,
            List<String> verificationReasons, List<RolloutDecision> timeline) {
        this.model = r.model;
        this.stableVersion = r.stableVersion;
        this.candidate = r.candidate;
        this.time = r.time;
        this.actor = r.actor;
        this.trigger = r.trigger;
        this.status = r.status;
        this.stageIndex = r.stageIndex;
        this.stageBasisPoints = r.stageBasisPoints;
        this.checkpointDuration = r.checkpointDuration;
        this.checkpointStart = r.checkpointStart;
        this.policyName = r.policyName;
        this.policyDigest = r.policyDigest;
        this.reasons = r.reasons;
        this.thresholds = r.thresholds;
        this.timeline = List.copyOf(timeline);
        this.backout = r.backout;
        this.verification = verification;
        this.verificationReasons = List.copyOf(verificationReasons);
    }

    /** The record with the verification's outcome and the timeline up to it. */
    IncidentRecord verified(BackoutVerification.Result result, List<String> why,
            List<RolloutDecision> newTimeline) {
        return new IncidentRecord(this, result, why, newTimeline);
    }

    private static List<Threshold> crossed(GateVerdict v) {
        List<Threshold> out = new ArrayList<>();
        for (CriterionResult c : v.criteria()) {
            if (c.status() == CriterionStatus.ALERT || c.status() == CriterionStatus.CRITICAL) {
                out.add(new Threshold(c.name(), c.expression(), c.severity().name(),
                        c.status().name(), c.value(), c.threshold(), c.detail()));
            }
        }
        return List.copyOf(out);
    }

    /** @return the model */
    public String model() {
        return model;
    }

    /** @return the candidate version that was backed out */
    public String candidate() {
        return candidate;
    }

    /** @return when the backout was decided */
    public Instant time() {
        return time;
    }

    /** @return ROLLBACK, ABORT or SHADOW_FAIL */
    public RolloutAction trigger() {
        return trigger;
    }

    /** @return the reasons of the decision that backed out */
    public List<String> reasons() {
        return reasons;
    }

    /** @return the criteria breached in the verdict behind the backout (empty if none) */
    public List<Threshold> thresholds() {
        return thresholds;
    }

    /** @return this controller's decisions up to the record, oldest first */
    public List<RolloutDecision> timeline() {
        return timeline;
    }

    /** @return the post-rollback verification, null if none is planned */
    public BackoutVerification.@Nullable Result verification() {
        return verification;
    }

    /** @return the verification's reasons (empty until it ran) */
    public List<String> verificationReasons() {
        return verificationReasons;
    }

    /**
     * @return the record as one JSON object ({@code "type": "rollout_incident"}), stable field
     *     names in snake case
     */
    public String toJson() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", "rollout_incident");
        o.put("model", model);
        o.put("stable_version", stableVersion);
        o.put("candidate", candidate);
        o.put("time", time.toString());
        o.put("actor", actor);
        o.put("trigger", trigger.name());
        o.put("status", status.name());
        o.put("stage_index", stageIndex);
        o.put("stage_bp", stageBasisPoints);
        ObjectNode w = o.putObject("window");
        w.put("checkpoint_start", checkpointStart.toString());
        w.put("checkpoint_duration", checkpointDuration.toString());
        ObjectNode p = o.putObject("policy");
        p.put("name", policyName);
        p.put("sha256", policyDigest);
        strings(o.putArray("reasons"), reasons);
        ArrayNode t = o.putArray("thresholds_crossed");
        for (Threshold x : thresholds) {
            ObjectNode n = t.addObject();
            n.put("criterion", x.criterion());
            n.put("expression", x.expression());
            n.put("severity", x.severity());
            n.put("status", x.status());
            number(n, "value", x.value());
            number(n, "threshold", x.threshold());
            n.put("detail", x.detail());
        }
        strings(o.putArray("backout"), backout);
        ObjectNode v = o.putObject("verification");
        if (verification == null) {
            v.putNull("result");
        } else {
            v.put("result", verification.name());
        }
        strings(v.putArray("reasons"), verificationReasons);
        ArrayNode tl = o.putArray("timeline");
        for (RolloutDecision d : timeline) {
            ObjectNode n = tl.addObject();
            n.put("time", d.time().toString());
            n.put("actor", d.actor());
            n.put("decision", d.action().name());
            n.put("status", d.status().name());
            n.put("stage_index", d.stageIndex());
            n.put("stage_bp", d.stageBasisPoints());
            strings(n.putArray("reasons"), d.reasons());
        }
        return MAPPER.writeValueAsString(o);
    }

    /**
     * @return the record as a Markdown incident message and ADR skeleton: summary, cause
     *     (thresholds crossed), windows, timeline, backout, verification, and the follow-ups
     *     for a person to fill in
     */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Incident: rollout of ").append(model).append(' ').append(candidate)
                .append(' ').append(trigger == RolloutAction.ABORT ? "aborted"
                        : trigger == RolloutAction.SHADOW_FAIL ? "stopped in shadow"
                        : "rolled back").append("\n\n");
        b.append("- **When**: ").append(time).append('\n');
        b.append("- **Decided by**: ").append(actor).append(" (").append(trigger).append(", ")
                .append(status).append(")\n");
        b.append("- **Versions**: stable ").append(stableVersion).append(", candidate ")
                .append(candidate).append('\n');
        b.append("- **Stage**: ").append(trigger == RolloutAction.SHADOW_FAIL
                ? "shadow phase (never served)"
                : (stageIndex + 1) + " (" + stageBasisPoints + " bp)").append('\n');
        b.append("- **Policy**: ").append(policyName).append(" (sha256 ").append(policyDigest)
                .append(")\n\n");
        b.append("## Cause\n\n");
        for (String r : reasons) {
            b.append("- ").append(r).append('\n');
        }
        if (!thresholds.isEmpty()) {
            b.append("\n| criterion | status | value | threshold | detail |\n");
            b.append("|---|---|---|---|---|\n");
            for (Threshold t : thresholds) {
                b.append("| ").append(t.criterion()).append(" | ").append(t.status())
                        .append(" | ").append(t.value()).append(" | ").append(t.threshold())
                        .append(" | ").append(t.detail().replace("|", "\\|")).append(" |\n");
            }
        }
        b.append("\n## Windows\n\n- checkpoint from ").append(checkpointStart).append(", ")
                .append(checkpointDuration).append(" per checkpoint\n");
        b.append("\n## Timeline\n\n");
        for (RolloutDecision d : timeline) {
            b.append("- ").append(d.time()).append(" ").append(d.action()).append(" at stage ")
                    .append(d.stageIndex() + 1).append(" (").append(d.stageBasisPoints())
                    .append(" bp) -> ").append(d.status());
            if (!d.reasons().isEmpty()) {
                b.append(": ").append(String.join("; ", d.reasons()));
            }
            b.append('\n');
        }
        b.append("\n## Backout\n\n");
        for (String s : backout) {
            b.append("- ").append(s).append('\n');
        }
        b.append("\n## Post-rollback verification (seed 004 §6)\n\n");
        if (verification == null) {
            b.append("- none planned (RolloutPlan.backoutVerification)\n");
        } else {
            b.append("- result: ").append(verification).append('\n');
            for (String r : verificationReasons) {
                b.append("- ").append(r).append('\n');
            }
        }
        b.append("\n## Follow-up (ADR)\n\n- Root cause: _to be written_\n"
                + "- Action: fix, then a new rollout; revoke ").append(candidate)
                .append(" in the registry if it must never be served\n");
        return b.toString();
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static void number(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.putNull(field);
        }
    }

    @Override
    public String toString() {
        return "IncidentRecord{" + model + "/" + candidate + " " + trigger + " at " + time
                + ", verification=" + verification + "}";
    }
}

package dev.releaserouter.governance.release;

import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.RolloutPlan;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The Markdown release documents: canary plan and release notes skeleton. Thread-safe. */
final class ReleaseDocs {

    private ReleaseDocs() {}

    /**
     * The canary plan.
     *
     * @param m the manifest
     * @param policy the gate policy
     * @param policyFile the policy snapshot's file name
     * @param plan the rollout plan, or null if none
     * @return Markdown text ending with a newline
     */
    public static String canaryPlan(ReleaseManifest m, Policy policy, String policyFile,
            @Nullable RolloutPlan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Canary plan: ").append(m.model()).append(' ').append(m.version())
                .append("\n\n");
        sb.append("- Change: ").append(m.tickets().change()).append(" (")
                .append(m.changeType().jsonName()).append(")\n");
        sb.append("- Artifact: `").append(m.artifactDigest()).append("`\n");
        sb.append("- Policy: ").append(policy.name()).append(" (`policy_snapshot/")
                .append(policyFile).append("`, digest `").append(policy.digest())
                .append("`)\n");
        ReleaseManifest.Canary canary = m.canary();
        if (canary != null) {
            sb.append("- Manifest strategy: ").append(canary.strategy()).append(", window ")
                    .append(canary.windowMinutes()).append(" min\n");
        }
        sb.append("\n## Stages\n\n");
        if (plan == null) {
            sb.append("No rollout plan was given");
            sb.append(canary == null ? ".\n" : "; follow the manifest strategy above.\n");
        } else {
            sb.append("Stable version: ").append(plan.stableVersion()).append("\n\n");
            sb.append("| Stage | Candidate traffic |\n|---|---|\n");
            List<Integer> stages = plan.stages();
            for (int i = 0; i < stages.size(); i++) {
                sb.append("| ").append(i + 1).append(" | ").append(percent(stages.get(i)))
                        .append(" |\n");
            }
            sb.append("\n- Checkpoint duration: ").append(duration(plan.checkpointDuration()))
                    .append('\n');
            sb.append("- Minimum samples per arm per checkpoint: ").append(plan.minSamples())
                    .append('\n');
            if (plan.dryRun()) {
                sb.append("- Dry run: decisions are recorded, the router is not changed\n");
            }
        }
        sb.append("\n## Advance and stop criteria\n\n");
        sb.append("Each checkpoint is judged by the policy ").append(policy.name())
                .append("; the candidate advances only when every criterion passes:\n\n");
        for (String name : policy.criterionNames()) {
            sb.append("- ").append(name).append('\n');
        }
        sb.append("\n## Rollback\n\n");
        sb.append("- Target version: ").append(m.rollback().toVersion()).append('\n');
        String alias = m.rollback().alias();
        sb.append("- Alias: ").append(alias == null ? "none" : alias).append('\n');
        return sb.toString();
    }

    /**
     * The release notes skeleton.
     *
     * @param m the manifest
     * @return Markdown text ending with a newline
     */
    public static String releaseNotes(ReleaseManifest m) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Release notes: ").append(m.model()).append(' ').append(m.version())
                .append("\n\n");
        sb.append("- Change ticket: ").append(m.tickets().change()).append('\n');
        sb.append("- Change type: ").append(m.changeType().jsonName()).append('\n');
        List<String> incidents = m.tickets().incidents();
        sb.append("- Incidents: ").append(incidents.isEmpty() ? "none"
                : String.join(", ", incidents)).append('\n');
        sb.append("- Approvals:");
        String sep = " ";
        for (Map.Entry<String, String> e : m.approvals().entrySet()) {
            sb.append(sep).append(e.getKey()).append(": ").append(e.getValue());
            sep = "; ";
        }
        sb.append('\n');
        sb.append("- Artifact: `").append(m.artifactDigest()).append("`\n");
        sb.append("- Policy digest: `").append(m.policyDigest()).append("`\n");
        section(sb, "Changes", "To fill in: what changed in this version and why.");
        section(sb, "Risks", "To fill in: what could go wrong, for whom, and how it is detected.");
        section(sb, "Limitations", "To fill in: known limitations of this version.");
        section(sb, "Validation after the change", "To fill in: checks after the change. At least:"
                + " the router serves " + m.version() + " with artifact digest "
                + m.artifactDigest() + " and policy digest " + m.policyDigest()
                + " (ReleaseManifest.verify returns no mismatch).");
        String alias = m.rollback().alias();
        String to = m.rollback().toVersion();
        section(sb, alias == null ? "Backout plan: route traffic back to " + to
                : "Backout plan: move alias " + alias + " back to " + to,
                "To fill in: steps, who decides, and the checks after the backout.");
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, String body) {
        sb.append("\n## ").append(title).append("\n\n").append(body).append('\n');
    }

    /**
     * @param basisPoints candidate weight in basis points
     * @return the percentage, e.g. {@code 5%} or {@code 0.5%}
     */
    static String percent(int basisPoints) {
        return BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString() + "%";
    }

    private static String duration(Duration d) {
        if (d.toSecondsPart() == 0 && d.toNanosPart() == 0) {
            return d.toMinutes() + " min";
        }
        return d.toString();
    }
}

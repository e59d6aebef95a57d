package dev.releaserouter.governance.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutPlan;
import dev.releaserouter.rollout.RolloutStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ReleaseArtifactsTest {

    private static final byte[] POLICY_BYTES = ReleaseManifestTest.resource("release/gates.json");
    private static final Policy POLICY = Policy.parse(POLICY_BYTES, "file:/etc/router/gates.json");

    @TempDir
    Path tmp;

    private static ReleaseManifest manifest() {
        return ReleaseManifestTest.valid().build();
    }

    private static RolloutPlan plan() {
        return RolloutPlan.builder().model("risk-default").stableVersion("v2.2.4")
                .candidateVersion("v2.3.0").stages(500, 2500, 10_000)
                .checkpointDuration(Duration.ofMinutes(30)).minSamples(200).policy(POLICY)
                .build();
    }

    private static RolloutDecision decision(int stage, RolloutAction action) {
        return new RolloutDecision(Instant.parse("2026-01-05T10:00:00Z").plusSeconds(stage),
                "rollout-bot", "risk-default", "v2.3.0", stage, 500, action,
                RolloutStatus.RUNNING, List.of("all criteria pass"), null, POLICY.digest(),
                false);
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Test
    void write_producesTheLayout_withTheRightContent() throws IOException {
        Path dir = tmp.resolve("risk-default/v2.3.0");
        List<RolloutDecision> decisions = List.of(decision(0, RolloutAction.PROCEED),
                decision(1, RolloutAction.PROCEED));
        List<Path> written = ReleaseArtifacts.write(dir, manifest(), POLICY, POLICY_BYTES,
                plan(), decisions);

        assertThat(written).containsExactly(dir.resolve("release_manifest.json"),
                dir.resolve("policy_snapshot/gates.json"),
                dir.resolve("policy_snapshot/SHA256SUMS"), dir.resolve("canary_plan.md"),
                dir.resolve("release_notes.md"), dir.resolve("rollout_decisions.jsonl"));
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile)).containsExactlyInAnyOrderElementsOf(
                    written);
        }
        assertThat(read(written.get(0))).isEqualTo(ReleaseManifestTest.golden());
        assertThat(ReleaseManifest.load(written.get(0))).isEqualTo(manifest());
        assertThat(Files.readAllBytes(written.get(1))).isEqualTo(POLICY_BYTES);
        assertThat(read(written.get(2))).isEqualTo(ReleaseManifestTest.POLICY
                + "  gates.json\n");

        String canary = read(written.get(3));
        assertThat(canary).startsWith("# Canary plan: risk-default v2.3.0\n")
                .contains("| 1 | 5% |", "| 2 | 25% |", "| 3 | 100% |",
                        "Checkpoint duration: 30 min", "Minimum samples per arm per checkpoint:"
                                + " 200", "- p95_latency\n", "- error_rate\n",
                        "Target version: v2.2.4", "Alias: production", "CHG-10234",
                        POLICY.digest(), "5%→25%→100%", "Stable version: v2.2.4");

        String notes = read(written.get(4));
        assertThat(notes).startsWith("# Release notes: risk-default v2.3.0\n")
                .contains("Change ticket: CHG-10234", "security: maria.s",
                        "product: raphael.f", "## Changes\n", "## Risks\n",
                        "## Limitations\n", "## Validation after the change\n",
                        "## Backout plan: move alias production back to v2.2.4\n");

        List<String> lines = Files.readAllLines(written.get(5));
        assertThat(lines).hasSize(2);
        JsonNode first = JsonMapper.builder().build().readTree(lines.get(0));
        assertThat(first.get("type").asString()).isEqualTo("rollout_decision");
        assertThat(first.get("candidate").asString()).isEqualTo("v2.3.0");
        assertThat(first.get("policy_sha256").asString()).isEqualTo(POLICY.digest());
    }

    @Test
    void write_withoutPlanOrDecisions_saysSo() throws IOException {
        ReleaseManifest m = manifest().toBuilder().rollback("v2.2.4", null).canary(null)
                .build();
        Policy policy = Policy.parse(POLICY_BYTES, "classpath:release/../odd name.json");
        List<Path> written = ReleaseArtifacts.write(tmp, m, policy, POLICY_BYTES, null,
                List.of());
        assertThat(written.get(1)).isEqualTo(tmp.resolve("policy_snapshot/policy.json"));
        assertThat(read(tmp.resolve("canary_plan.md"))).contains("No rollout plan was given.",
                "Alias: none");
        assertThat(read(tmp.resolve("release_notes.md")))
                .contains("## Backout plan: route traffic back to v2.2.4\n");
        assertThat(Files.size(tmp.resolve("rollout_decisions.jsonl"))).isZero();
    }

    @Test
    void policyDigestMismatch_isRefused_andNothingIsWritten() {
        byte[] other = new String(POLICY_BYTES, StandardCharsets.UTF_8).replace("120", "150")
                .getBytes(StandardCharsets.UTF_8);
        Path dir = tmp.resolve("r");
        assertThatThrownBy(() -> ReleaseArtifacts.write(dir, manifest(), POLICY, other, plan(),
                List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(POLICY.digest()).hasMessageContaining("policy file bytes");

        Policy otherPolicy = Policy.parse(other, "gates.json");
        assertThatThrownBy(() -> ReleaseArtifacts.write(dir, manifest(), otherPolicy, other,
                null, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policy_digest: the manifest says "
                        + ReleaseManifestTest.POLICY)
                .hasMessageContaining(otherPolicy.digest());
        assertThat(dir).doesNotExist();
    }

    @Test
    void planOrDecisionForAnotherRelease_isRefused() {
        RolloutPlan otherPlan = RolloutPlan.builder().model("risk-default")
                .stableVersion("v2.2.4").candidateVersion("v2.4.0").stages(10_000)
                .policy(POLICY).build();
        assertThatThrownBy(() -> ReleaseArtifacts.write(tmp, manifest(), POLICY, POLICY_BYTES,
                otherPlan, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("v2.4.0");
        RolloutDecision d = decision(0, RolloutAction.PROCEED);
        RolloutDecision foreign = new RolloutDecision(d.time(), d.actor(), "churn",
                d.candidate(), 0, 500, d.action(), d.status(), d.reasons(), null,
                d.policyDigest(), false);
        assertThatThrownBy(() -> ReleaseArtifacts.write(tmp, manifest(), POLICY, POLICY_BYTES,
                null, List.of(d, foreign))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("decisions[1]").hasMessageContaining("churn");
    }

    @Test
    void rerun_withTheSameManifest_isIdempotent_andRefreshesDecisions() throws IOException {
        ReleaseArtifacts.write(tmp, manifest(), POLICY, POLICY_BYTES, plan(),
                List.of(decision(0, RolloutAction.PROCEED)));
        List<Path> again = ReleaseArtifacts.write(tmp, manifest(), POLICY, POLICY_BYTES, plan(),
                List.of(decision(0, RolloutAction.PROCEED),
                        decision(1, RolloutAction.PROCEED)));
        assertThat(again).hasSize(6);
        assertThat(Files.readAllLines(tmp.resolve("rollout_decisions.jsonl"))).hasSize(2);
        try (Stream<Path> files = Files.walk(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void rerun_withAnotherManifest_isRefused_andLeavesTheDirectoryAlone() throws IOException {
        ReleaseArtifacts.write(tmp, manifest(), POLICY, POLICY_BYTES, plan(), List.of());
        byte[] before = Files.readAllBytes(tmp.resolve("release_manifest.json"));
        ReleaseManifest changed = manifest().toBuilder().changeTicket("CHG-99999").build();
        assertThatThrownBy(() -> ReleaseArtifacts.write(tmp, changed, POLICY, POLICY_BYTES,
                plan(), List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("release_manifest.json")
                .hasMessageContaining("another release manifest");
        assertThat(Files.readAllBytes(tmp.resolve("release_manifest.json"))).isEqualTo(before);
        assertThat(read(tmp.resolve("release_notes.md"))).contains("CHG-10234")
                .doesNotContain("CHG-99999");
    }
}

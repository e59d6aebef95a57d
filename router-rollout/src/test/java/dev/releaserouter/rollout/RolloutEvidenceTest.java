package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.rollout.gates.GateDecision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "No evidence, no promotion" (seed 004 §1, §5): the evidence on record in the state store. */
class RolloutEvidenceTest {

    @TempDir
    Path dir;

    private final RolloutFixture f = new RolloutFixture();

    @Test
    void evidence_afterAProceed_isTheLastCanaryVerdict_ofThatVersionOnly() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        RolloutStateStore store = new FileRolloutStateStore(dir);
        assertThat(store.evidence("churn", "v2")).get().satisfies(e -> {
            assertThat(e.canaryVerdict()).isNull();
            assertThat(e.canaryProceeded()).isFalse();
        });

        f.checkpoint(c, 100, 60, 0);

        assertThat(store.evidence("churn", "v2")).get().satisfies(e -> {
            assertThat(e.canaryVerdict()).isEqualTo(GateDecision.PROCEED);
            assertThat(e.canaryProceeded()).isTrue();
            assertThat(e.shadowVerdict()).isNull();
            assertThat(e.shadowPassed()).isFalse();
            assertThat(e.status()).isEqualTo(RolloutStatus.RUNNING);
        });
        assertThat(store.evidence("churn", "v3")).isEmpty();
        assertThat(store.evidence("fraud", "v2")).isEmpty();
    }

    @Test
    void evidence_afterAHold_isHold() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        f.checkpoint(c, 100, 200, 0); // p95 above the SLO: ALERT, holds
        assertThat(new FileRolloutStateStore(dir).evidence("churn", "v2")).get()
                .satisfies(e -> assertThat(e.canaryVerdict()).isEqualTo(GateDecision.HOLD));
    }

    @Test
    void evidence_isKeptByTheInMemoryStoreToo() {
        RolloutStateStore store = RolloutStateStore.inMemory();
        RolloutController c = RolloutController.start(f.admin, f.measurements,
                f.plan(RolloutFixture.POLICY).build(), store, f.clock, "bot");
        f.checkpoint(c, 100, 60, 0);
        assertThat(store.evidence("churn", "v2")).get()
                .satisfies(e -> assertThat(e.canaryProceeded()).isTrue());
    }

    @Test
    void stateFile_roundTripsTheEvidence_andAnOlderFileWithoutItReadsAsNone()
            throws IOException {
        FileRolloutStateStore store = new FileRolloutStateStore(dir);
        RolloutState s = new RolloutState("churn", "v2", 1, Instant.parse("2026-01-01T00:00:00Z"),
                RolloutStatus.ROLLED_BACK, "abc", ShadowVerdict.Result.PASS, GateDecision.ROLLBACK,
                BackoutVerification.Result.PENDING);
        store.save(s);
        assertThat(store.load("churn")).contains(s);
        assertThat(Files.readString(store.stateFile("churn"))).contains(
                "\"shadow_verdict\":\"PASS\"", "\"canary_verdict\":\"ROLLBACK\"",
                "\"backout_verification\":\"PENDING\"");

        Files.writeString(store.stateFile("churn"), "{\"model\":\"churn\",\"candidate\":\"v2\","
                + "\"stage_index\":1,\"checkpoint_start\":\"2026-01-01T00:00:00Z\","
                + "\"status\":\"RUNNING\",\"policy_sha256\":\"abc\"}\n");
        assertThat(store.load("churn")).get().satisfies(old -> {
            assertThat(old.shadowVerdict()).isNull();
            assertThat(old.canaryVerdict()).isNull();
            assertThat(old.backoutVerification()).isNull();
        });
    }
}

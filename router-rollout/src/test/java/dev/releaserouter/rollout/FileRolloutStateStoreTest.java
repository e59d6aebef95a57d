package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The default store: a state file per model, replaced atomically, and a JSONL decision log. */
class FileRolloutStateStoreTest {

    @TempDir
    Path dir;

    private static final RolloutState STATE = new RolloutState("churn", "v2", 1,
            Instant.parse("2026-01-01T00:10:00Z"), RolloutStatus.RUNNING, "abc123");

    @Test
    void save_thenLoad_roundTrips_andLeavesNoTemporaryFile() throws Exception {
        FileRolloutStateStore store = new FileRolloutStateStore(dir);
        assertThat(store.load("churn")).isEmpty();
        store.save(STATE);
        store.save(new RolloutState("churn", "v2", 2, STATE.checkpointStart(),
                RolloutStatus.PAUSED, "abc123"));
        assertThat(new FileRolloutStateStore(dir).load("churn")).get()
                .extracting(RolloutState::stageIndex, RolloutState::status)
                .containsExactly(2, RolloutStatus.PAUSED);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactly("churn.rollout.json");
        }
    }

    @Test
    void stateFile_isReadableJson() throws Exception {
        FileRolloutStateStore store = new FileRolloutStateStore(dir);
        store.save(STATE);
        JsonNode o = JsonMapper.builder().build()
                .readTree(Files.readString(store.stateFile("churn")));
        assertThat(o.get("stage_index").asInt()).isEqualTo(1);
        assertThat(o.get("checkpoint_start").asString()).isEqualTo("2026-01-01T00:10:00Z");
        assertThat(o.get("status").asString()).isEqualTo("RUNNING");
        assertThat(o.get("policy_sha256").asString()).isEqualTo("abc123");
    }

    @Test
    void modelNames_areEncodedIntoSafeFileNames() {
        FileRolloutStateStore store = new FileRolloutStateStore(dir);
        assertThat(store.stateFile("../evil").getParent()).isEqualTo(dir);
    }

    @Test
    void aCorruptStateFile_failsNamingTheFile() throws Exception {
        FileRolloutStateStore store = new FileRolloutStateStore(dir);
        Files.writeString(store.stateFile("churn"), "{\"model\": \"churn\"}");
        assertThatThrownBy(() -> store.load("churn"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("churn.rollout.json");
    }

    @Test
    void append_writesOneJsonLinePerDecision() throws Exception {
        FileRolloutStateStore store = new FileRolloutStateStore(dir);
        Instant t = Instant.parse("2026-01-01T00:10:00Z");
        store.append(new RolloutDecision(t, "rollout-bot", "churn", "v2", 0, 500,
                RolloutAction.HOLD, RolloutStatus.RUNNING, List.of("p95: ALERT (x)"),
                "{\"decision\":\"HOLD\"}", "abc123", false));
        store.append(new RolloutDecision(t, "alice", "churn", "v2", 0, 500,
                RolloutAction.PAUSE, RolloutStatus.PAUSED, List.of("looking"), null, "abc123",
                false));
        List<String> lines = Files.readAllLines(store.decisionsFile());
        assertThat(lines).hasSize(2);
        JsonNode first = JsonMapper.builder().build().readTree(lines.get(0));
        assertThat(first.get("type").asString()).isEqualTo("rollout_decision");
        assertThat(first.get("decision").asString()).isEqualTo("HOLD");
        assertThat(first.get("stage_bp").asInt()).isEqualTo(500);
        assertThat(first.get("reasons").get(0).asString()).isEqualTo("p95: ALERT (x)");
        assertThat(first.get("verdict").get("decision").asString()).isEqualTo("HOLD");
        assertThat(lines.get(1)).contains("\"verdict\":null", "\"actor\":\"alice\"");
    }
}

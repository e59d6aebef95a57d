package dev.releaserouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.replay.store.JsonlPairStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code Main.run} over a real JSON Lines store in a temporary directory. */
class ReplayFromStoreTest {

    @TempDir
    Path pairs;

    @TempDir
    Path work;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private void store(List<ShadowPair> list) {
        try (JsonlPairStore store = JsonlPairStore.builder(pairs).maxFileBytes(4 * 1024)
                .build()) {
            list.forEach(store::append);
        }
    }

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void replay_ofAStoreDirectory_writesShadowEvalJson_andExitsByVerdict() throws IOException {
        store(ReplayCommandTest.pairs("churn", 200, 0));
        Path file = work.resolve("shadow_eval.json");

        int status = run("replay", "--pairs", pairs.toString(), "--out", file.toString(),
                "--score-field", "score");

        assertThat(status).isEqualTo(Main.PASS);
        JsonNode json = JsonMapper.builder().build().readTree(Files.readString(file));
        assertThat(json.get("verdict").asString()).isEqualTo("PASS");
        assertThat(json.get("model").asString()).isEqualTo("churn");
        assertThat(json.get("measurements").get("calls").asInt()).isEqualTo(200);
        assertThat(json.get("measurements").get("psi").get("value").asDouble()).isZero();
    }

    @Test
    void replay_ofAFailingCandidate_exitsOne() {
        store(ReplayCommandTest.pairs("churn", 200, 20));

        int status = run("replay", "--pairs", pairs.toString(), "--out",
                work.resolve("e.json").toString());

        assertThat(status).isEqualTo(Main.FAIL);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("match_rate").contains("FAIL");
    }

    @Test
    void replay_throughATarget_readsTheStoredInputs() throws IOException {
        store(ReplayCommandTest.pairs("churn", 120, 0));
        Path file = work.resolve("e.json");

        int status = run("replay", "--pairs", pairs.toString(), "--out", file.toString(),
                "--target", ReplayCommandTest.EchoScore.class.getName(), "--target-version",
                "v3", "--min-samples", "120");

        assertThat(status).isEqualTo(Main.PASS);
        JsonNode json = JsonMapper.builder().build().readTree(Files.readString(file));
        assertThat(json.get("candidate_version").asString()).isEqualTo("v3");
        assertThat(json.get("measurements").get("match_rate").asDouble()).isEqualTo(1.0);
    }
}

package dev.releaserouter.replay;

import static dev.releaserouter.replay.eval.TestPairs.failed;
import static dev.releaserouter.replay.eval.TestPairs.scores;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.replay.eval.ShadowEvaluation;
import dev.releaserouter.replay.store.JsonlPairStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Pairs written by the JSON Lines store evaluate and replay as the pairs themselves do. */
class ReplayStoreRoundTripTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void storedPairs_readBack_evaluateAndReplayLikeTheOriginals() {
        List<ShadowPair> pairs = new ArrayList<>();
        Map<Integer, JsonNode> candidateOutputs = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            double stable = (i % 30) / 30.0;
            double candidate = stable + (i % 20 == 0 ? 0.2 : 0.005);
            pairs.add(scores(i, stable, candidate)
                    .match(Math.abs(candidate - stable) <= 0.01)
                    .stableLatencyNanos(1_000_000 + 10_000L * i)
                    .candidateLatencyNanos(1_100_000 + 10_000L * i)
                    .build());
            candidateOutputs.put(i, JSON.readTree(Double.toString(candidate)));
        }
        pairs.add(failed(300, ShadowOutcome.TIMEOUT).build());
        // Small files, so that reading crosses rotated (gzipped) files.
        try (JsonlPairStore store = JsonlPairStore.builder(dir).maxFileBytes(8 * 1024).build()) {
            pairs.forEach(store::append);
        }
        Replayer<JsonNode> replayer = Replayer.<JsonNode>builder()
                .target("v3", input -> candidateOutputs.get(input.get("i").asInt()))
                .tolerance(0.01)
                .timeout(Duration.ofSeconds(30))
                .build();

        ShadowEvaluation original = replayer.evaluateStored(pairs.stream());
        ShadowEvaluation stored;
        ShadowEvaluation replayed;
        try (Stream<ShadowPair> read = JsonlPairStore.read(dir)) {
            stored = replayer.evaluateStored(read);
        }
        try (Stream<ShadowPair> read = JsonlPairStore.read(dir)) {
            replayed = replayer.run(read.filter(p -> p.outcome() == ShadowOutcome.SUCCESS));
        }

        assertThat(stored).isEqualTo(original);
        assertThat(stored.toJson()).isEqualTo(original.toJson());
        assertThat(original.measurements().calls()).isEqualTo(301);
        assertThat(replayed.measurements().matchRate())
                .isEqualTo(original.measurements().matchRate()).isEqualTo(0.95);
        assertThat(replayed.measurements().psi()).isEqualTo(original.measurements().psi());
        assertThat(replayed.measurements().scoreDelta())
                .isEqualTo(original.measurements().scoreDelta());
    }
}

package dev.releaserouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.replay.ReplayTarget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/** The replay command from arguments to exit status, reading pairs through a test source. */
class ReplayCommandTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private List<ShadowPair> pairs;

    @BeforeEach
    void storeMatchingPairs() {
        pairs = pairs("churn", 200, 0);
    }

    /** n score pairs of a model; the first {@code mismatches} candidates differ by 0.5. */
    static List<ShadowPair> pairs(String model, int n, int mismatches) {
        List<ShadowPair> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double stable = (i % 20) / 20.0;
            double candidate = i < mismatches ? stable + 0.5 : stable;
            list.add(ShadowPair.builder()
                    .time(Instant.parse("2026-03-01T12:00:00Z").plusSeconds(i))
                    .model(model)
                    .stableVersion("v1")
                    .candidateVersion("v2")
                    .entityKeyHash(Integer.toHexString(i))
                    .inputJson("{\"i\":" + i + ",\"score\":" + stable + "}")
                    .stableOutputJson("{\"score\":" + stable + "}")
                    .candidateOutputJson("{\"score\":" + candidate + "}")
                    .outcome(ShadowOutcome.SUCCESS)
                    .match(stable == candidate)
                    .delta(candidate - stable)
                    .stableLatencyNanos(1_000_000)
                    .candidateLatencyNanos(1_050_000)
                    .build());
        }
        return list;
    }

    private int run(String... args) {
        return new ReplayCommand(utf8(out), utf8(err), d -> pairs.stream()).run(args);
    }

    private static PrintStream utf8(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private JsonNode written(Path file) throws IOException {
        return JSON.readTree(Files.readString(file));
    }

    @Test
    void matchingStoredOutputs_pass_writeTheJson_andExitZero() throws IOException {
        Path file = dir.resolve("eval.json");

        int status = run("--pairs", dir.toString(), "--out", file.toString(),
                "--score-field", "score");

        assertThat(status).isEqualTo(Main.PASS);
        assertThat(written(file).get("verdict").asString()).isEqualTo("PASS");
        assertThat(written(file).get("measurements").get("psi").get("samples").asInt())
                .isEqualTo(200);
        assertThat(out()).contains("shadow evaluation of model 'churn' v1 -> v2: PASS")
                .contains("match_rate").contains("wrote " + file);
        assertThat(err()).isEmpty();
    }

    @Test
    void tooManyMismatches_fail_andExitOne() throws IOException {
        pairs = pairs("churn", 200, 11); // 189 / 200 = 0.945
        Path file = dir.resolve("eval.json");

        int status = run("--pairs", dir.toString(), "--out=" + file);

        assertThat(status).isEqualTo(Main.FAIL);
        assertThat(written(file).get("criteria").get(0).get("status").asString())
                .isEqualTo("FAIL");
    }

    @Test
    void criteriaFlags_changeTheThresholds() throws IOException {
        pairs = pairs("churn", 200, 11);
        Path file = dir.resolve("eval.json");

        int status = run("--pairs", dir.toString(), "--out", file.toString(),
                "--min-match", "0.9", "--max-psi", "off", "--max-abs-mean-delta", "0.1");

        assertThat(status).isEqualTo(Main.PASS);
        // the flags build the shadow policy's params (schema 2: "policy" replaces "thresholds")
        JsonNode params = written(file).get("policy").get("params");
        assertThat(params.get("sla.min_match_rate").asDouble()).isEqualTo(0.9);
        assertThat(params.has("sla.max_psi")).isFalse();
        assertThat(params.get("sla.max_abs_mean_delta").asDouble()).isEqualTo(0.1);
    }

    @Test
    void fewerPairsThanMinSamples_lackData_andExitTwo() {
        pairs = pairs("churn", 50, 0);

        int status = run("--pairs", dir.toString(), "--out", dir.resolve("e.json").toString());

        assertThat(status).isEqualTo(Main.NOT_ENOUGH_DATA);
        assertThat(out()).contains("NOT_ENOUGH_DATA");
    }

    @Test
    void noSelectedPairs_lackData() {
        int status = run("--pairs", dir.toString(), "--out", dir.resolve("e.json").toString(),
                "--model", "nothing-by-this-name");

        assertThat(status).isEqualTo(Main.NOT_ENOUGH_DATA);
        assertThat(out()).contains("shadow evaluation of no pairs: NOT_ENOUGH_DATA (0 calls)");
    }

    @Test
    void mixedModels_areUnusable_untilOneIsSelected() {
        pairs = new ArrayList<>(pairs("churn", 150, 0));
        pairs.addAll(pairs("fraud", 150, 0));
        String file = dir.resolve("e.json").toString();

        assertThat(run("--pairs", dir.toString(), "--out", file)).isEqualTo(Main.DATA_ERROR);
        assertThat(err()).contains("model 'churn'").contains("model 'fraud'");
        assertThat(run("--pairs", dir.toString(), "--out", file, "--model", "fraud",
                "--min-samples", "150")).isEqualTo(Main.PASS);
    }

    @Test
    void target_replaysTheInputs_throughTheNamedClass() throws IOException {
        Path file = dir.resolve("eval.json");

        int status = run("--pairs", dir.toString(), "--out", file.toString(), "--target",
                EchoScore.class.getName(), "--score-field", "score", "--timeout-ms", "30000");

        assertThat(status).isEqualTo(Main.PASS);
        JsonNode json = written(file);
        assertThat(json.get("candidate_version").asString())
                .isEqualTo("ReplayCommandTest$EchoScore");
        assertThat(json.get("measurements").get("matches").asInt()).isEqualTo(200);
    }

    @Test
    void target_thatThrows_fails_onTheFailureRate() throws IOException {
        Path file = dir.resolve("eval.json");

        int status = run("--pairs", dir.toString(), "--out", file.toString(), "--target",
                Broken.class.getName(), "--target-version", "v9");

        assertThat(status).isEqualTo(Main.FAIL);
        JsonNode json = written(file);
        assertThat(json.get("candidate_version").asString()).isEqualTo("v9");
        assertThat(json.get("measurements").get("outcomes").get("error").asInt())
                .isEqualTo(200);
    }

    @Test
    void target_whoseConstructorThrows_isUnusable() {
        assertThat(run("--pairs", dir.toString(), "--target", Unbuildable.class.getName()))
                .isEqualTo(Main.DATA_ERROR);
        assertThat(err()).contains("its constructor threw");
    }

    @Test
    void unwritableOut_isAnIoError() {
        String file = dir.resolve("missing-dir").resolve("eval.json").toString();

        assertThat(run("--pairs", dir.toString(), "--out", file)).isEqualTo(Main.IO_ERROR);
        assertThat(err()).contains("cannot write --out");
    }

    @Test
    void usageErrors_nameTheFlagAndTheValue() {
        String pairsDir = dir.toString();

        assertThat(run("--pairs", pairsDir, "--min-match", "1.5")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("replay: --min-match 1.5: minMatchRate must be between 0"
                + " and 1, but was 1.5");
        assertUsage("--max-failure-rate abc: not a number", "--pairs", pairsDir,
                "--max-failure-rate", "abc");
        assertUsage("--max-psi x: not a number (nor 'off')", "--pairs", pairsDir,
                "--max-psi", "x");
        assertUsage("--min-samples 0: must be a whole number >= 1", "--pairs", pairsDir,
                "--min-samples", "0");
        assertUsage("--timeout-ms 1.5: must be a whole number >= 1", "--pairs", pairsDir,
                "--timeout-ms", "1.5");
        assertUsage("--tolerance -1: tolerance must be a finite number >= 0, but was -1.0",
                "--pairs", pairsDir, "--tolerance", "-1");
        assertUsage("--pairs DIR is required", "--out", "x.json");
        assertUsage("--pairs /no/such/dir: not a directory", "--pairs", "/no/such/dir");
        assertUsage("unknown option --min-matches", "--pairs", pairsDir, "--min-matches",
                "0.9");
        assertUsage("--out needs a value", "--pairs", pairsDir, "--out");
        assertUsage("--model is given twice", "--pairs", pairsDir, "--model", "a", "--model",
                "b");
        assertUsage("unexpected argument 'now'", "--pairs", pairsDir, "now");
        assertUsage("--target com.example.Nope: no such class on the class path", "--pairs",
                pairsDir, "--target", "com.example.Nope");
        assertUsage("--target java.lang.String: does not implement", "--pairs", pairsDir,
                "--target", "java.lang.String");
        assertUsage("--target " + Hidden.class.getName() + ": needs to be a public concrete"
                + " class", "--pairs", pairsDir, "--target", Hidden.class.getName());
    }

    private void assertUsage(String message, String... args) {
        err.reset();

        assertThat(run(args)).as(String.join(" ", args)).isEqualTo(Main.USAGE);
        assertThat(err()).contains("replay: " + message)
                .contains("release-router-cli replay --help");
    }

    @Test
    void number_printsSixSignificantDigits() {
        assertThat(ReplayCommand.number(0.96875)).isEqualTo("0.96875");
        assertThat(ReplayCommand.number(1.0 / 3)).isEqualTo("0.333333");
        assertThat(ReplayCommand.number(15.0)).isEqualTo("15");
        assertThat(ReplayCommand.number(Double.NaN)).isEqualTo("n/a");
        assertThat(ReplayCommand.number(Double.POSITIVE_INFINITY)).isEqualTo("inf");
    }

    /** Answers the stable score it finds in the input: the same as the stored outputs. */
    public static final class EchoScore implements ReplayTarget {
        /** Creates the target. */
        public EchoScore() {}

        @Override
        public JsonNode apply(JsonNode input) {
            return JsonNodeFactory.instance.objectNode().put("score",
                    input.get("score").asDouble());
        }
    }

    /** Always throws. */
    public static final class Broken implements ReplayTarget {
        /** Creates the target. */
        public Broken() {}

        @Override
        public JsonNode apply(JsonNode input) {
            throw new IllegalStateException("broken");
        }
    }

    /** Cannot be constructed. */
    public static final class Unbuildable implements ReplayTarget {
        /** Throws. */
        public Unbuildable() {
            throw new IllegalStateException("no model file");
        }

        @Override
        public JsonNode apply(JsonNode input) {
            return input;
        }
    }

    /** Has no public constructor. */
    public static final class Hidden implements ReplayTarget {
        private Hidden() {}

        @Override
        public JsonNode apply(JsonNode input) {
            return input;
        }
    }
}

package dev.releaserouter.replay.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import dev.releaserouter.api.shadow.PolicyViolation;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.replay.Replayer;
import dev.releaserouter.replay.masking.Masker;
import dev.releaserouter.replay.masking.MaskingRules;
import dev.releaserouter.replay.validation.JsonSchemaValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** staging_report.json from a staging suite replayed through a candidate (seed 001 §6). */
class StagingReportTest {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    static final String SUITE = """
            # the staging suite of churn v3
            {"name": "ok-email", "input": {"ms": 10, "note": "ana@example.com"}}
            {"name": "ok-plain", "input": {"ms": 30}, "expect": "valid"}

            {"name": "negative-ms", "input": {"ms": -5}, "expect": "invalid"}
            {"name": "out-of-range", "input": {"ms": 20, "score": 2.0}}
            """;

    final AtomicLong nanos = new AtomicLong();

    /** Takes input.ms (ms of the ticker), refuses a negative one, answers input.score. */
    JsonNode target(JsonNode input) {
        int ms = input.get("ms").asInt();
        nanos.addAndGet(Math.abs(ms) * 1_000_000L);
        if (ms < 0) {
            throw new IllegalArgumentException("ms must be >= 0");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("score", input.has("score") ? input.get("score").asDouble() : 0.5);
        out.put("reason", input.has("note") ? input.get("note").asString() : "none");
        return out;
    }

    Replayer<JsonNode> replayer() {
        JsonSchemaValidator<JsonNode> contract = JsonSchemaValidator.<JsonNode>builder(
                        "{\"properties\": {\"score\": {\"maximum\": 1}}}")
                .policy("no_email_in_reason", PolicyViolation.Severity.CRITICAL,
                        "{\"properties\": {\"reason\": {\"not\": {\"pattern\": \"@\"}}}}")
                .build();
        return Replayer.<JsonNode>builder()
                .target("v3", this::target)
                .decoder(n -> n)
                .validator(contract)
                .ticker(nanos::get)
                .clock(Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC))
                .build();
    }

    static Masker masker() {
        return MaskingRules.builder("0123456789abcdef".getBytes(StandardCharsets.UTF_8))
                .build();
    }

    StagingReport run(Path dir) throws Exception {
        Path file = dir.resolve("churn-v3.suite.jsonl");
        Files.writeString(file, SUITE, StandardCharsets.UTF_8);
        return replayer().staging(StagingSuite.read(file), masker());
    }

    @Test
    void report_saysWhichCasesMetTheirExpectation(@TempDir Path dir) throws Exception {
        StagingReport r = run(dir);

        assertThat(r.suite()).isEqualTo("churn-v3.suite.jsonl");
        assertThat(r.version()).isEqualTo("v3");
        assertThat(r.results()).extracting(StagingReport.CaseResult::outcome).containsExactly(
                ShadowOutcome.SUCCESS, ShadowOutcome.SUCCESS, ShadowOutcome.ERROR,
                ShadowOutcome.INVALID_OUTPUT);
        assertThat(r.passed()).isFalse();
        assertThat(r.failures()).extracting(StagingReport.CaseResult::name)
                .containsExactly("out-of-range");
        assertThat(r.errorRate()).isEqualTo(1 / 3.0); // 3 valid cases, one answered invalidly
    }

    @Test
    void report_givesLatencyQuantilesThroughputAndViolations(@TempDir Path dir)
            throws Exception {
        StagingReport r = run(dir);

        // R: quantile(c(5, 10, 20, 30), c(.5, .95, .99), type = 7) -> 15, 28.5, 29.7
        assertThat(r.latency().count()).isEqualTo(4);
        assertThat(r.latency().p50Ms()).isCloseTo(15.0, within(1e-9));
        assertThat(r.latency().p95Ms()).isCloseTo(28.5, within(1e-9));
        assertThat(r.latency().p99Ms()).isCloseTo(29.7, within(1e-9));
        assertThat(r.resources().wallMillis()).isCloseTo(65.0, within(1e-9));
        assertThat(r.callsPerSecond()).isCloseTo(4 * 1000 / 65.0, within(1e-9));
        assertThat(r.violations().critical()).isEqualTo(1); // ok-email's reason has an '@'
        assertThat(r.violations().byPolicy()).containsOnlyKeys("no_email_in_reason");
    }

    @Test
    void json_hasTheSeedsContents_withMaskedSamplesOnly(@TempDir Path dir) throws Exception {
        String json = run(dir).toJson();
        JsonNode n = MAPPER.readTree(json);

        assertThat(json).doesNotContain("ana@example.com");
        assertThat(n.get("schema_version").asInt()).isEqualTo(1);
        assertThat(n.get("verdict").asString()).isEqualTo("FAIL");
        assertThat(n.get("started_at").asString()).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(n.get("outcomes")).isEqualTo(MAPPER.readTree(
                "{\"success\": 2, \"error\": 1, \"timeout\": 0, \"invalid_output\": 1}"));
        assertThat(n.at("/latency_ms/p95").asDouble()).isCloseTo(28.5, within(1e-9));
        assertThat(n.at("/resources/wall_ms").asDouble()).isCloseTo(65.0, within(1e-9));
        assertThat(n.at("/resources/heap_used_mb_after").asDouble()).isPositive();
        assertThat(n.get("failures")).isEqualTo(MAPPER.readTree("[{\"name\": \"out-of-range\","
                + " \"expect\": \"valid\", \"outcome\": \"invalid_output\","
                + " \"error\": \"schema: /score maximum\"}]"));
        assertThat(n.at("/samples/valid/0/name").asString()).isEqualTo("ok-email");
        assertThat(n.at("/samples/valid/0/input/note").asString()).isEqualTo("[EMAIL]");
        assertThat(n.at("/samples/valid/0/output/reason").asString()).isEqualTo("[EMAIL]");
        assertThat(n.at("/samples/invalid")).hasSize(2);
        assertThat(n.at("/samples/invalid/0/error").asString())
                .isEqualTo("java.lang.IllegalArgumentException");
        assertThat(n.at("/policy_violations/critical").asInt()).isEqualTo(1);
        assertThat(json).endsWith("}\n");
    }

    @Test
    void suite_refusesABadLine_namingTheFileTheLineAndTheField(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"input\": 1}\n{\"name\": \"x\"}\n", StandardCharsets.UTF_8);
        assertThatIllegalArgumentException().isThrownBy(() -> StagingSuite.read(file))
                .withMessage(file + ": line 2: /input is missing");

        Files.writeString(file, "{\"input\": 1, \"expect\": \"maybe\"}\n",
                StandardCharsets.UTF_8);
        assertThatIllegalArgumentException().isThrownBy(() -> StagingSuite.read(file))
                .withMessage(file + ": line 1: /expect must be \"valid\" or \"invalid\","
                        + " but was \"maybe\"");

        Files.writeString(file, "{\"name\": \"a\", \"input\": 1}\n{\"name\": \"a\", \"input\":"
                + " 2}\n", StandardCharsets.UTF_8);
        assertThatIllegalArgumentException().isThrownBy(() -> StagingSuite.read(file))
                .withMessage("staging suite 'bad.jsonl': case name 'a' is used twice");
    }

    @Test
    void staging_withoutATarget_isRefused() {
        Replayer<JsonNode> none = Replayer.<JsonNode>builder().build();
        StagingSuite suite = new StagingSuite("s", java.util.List.of());
        org.assertj.core.api.Assertions.assertThatIllegalStateException()
                .isThrownBy(() -> none.staging(suite, masker()))
                .withMessageStartingWith("no target");
    }
}

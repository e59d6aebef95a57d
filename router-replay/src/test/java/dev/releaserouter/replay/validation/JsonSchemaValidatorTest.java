package dev.releaserouter.replay.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.releaserouter.api.shadow.PolicyViolation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Output contracts from JSON Schema (seed 001 §3.1) and named policies (seed 001 §4). */
class JsonSchemaValidatorTest {

    /** Seed 001 §7.2, verbatim. */
    static final String SEED_SCHEMA = """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "type": "object",
              "required": ["score","version","trace_id"],
              "properties": {
                "score": {"type":"number","minimum":0,"maximum":1},
                "version": {"type":"string"},
                "trace_id": {"type":"string"}
              }
            }
            """;

    /** A guardrail: the free-text reason must not look like an e-mail address. */
    static final String NO_EMAIL_IN_REASON = """
            {"properties": {"reason": {"type": "string", "not": {"pattern": "@"}}}}
            """;

    record Answer(double score, String version, String trace_id, String reason) {}

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    static JsonNode json(String text) {
        return MAPPER.readTree(text);
    }

    @Test
    void contract_acceptsAnOutputThatFollowsTheSeedSchema() {
        JsonSchemaValidator<Answer> v = JsonSchemaValidator.of(SEED_SCHEMA);
        assertThat(v.problem(new Answer(0.42, "v2", "t-1", "churn"))).isNull();
    }

    @Test
    void contract_rejectsAScoreOutOfRange_namingThePointerAndTheKeyword_neverTheValue() {
        JsonSchemaValidator<Answer> v = JsonSchemaValidator.of(SEED_SCHEMA);
        String problem = v.problem(new Answer(1.5, "v2", "t-1", "churn"));
        assertThat(problem).isEqualTo("schema: /score maximum");
        assertThat(problem).doesNotContain("1.5");
    }

    @Test
    void contract_rejectsMissingFields_andCountsTheOtherErrors() {
        JsonSchemaValidator<JsonNode> v = JsonSchemaValidator.of(SEED_SCHEMA);
        assertThat(v.problem(json("{\"score\": \"high\"}")))
                .startsWith("schema: ").contains("(+");
        assertThat(v.problem(json("{\"score\": 0.1, \"version\": \"v2\"}")))
                .isEqualTo("schema: / required");
    }

    @Test
    void contract_rejectsNull_andNonObjects() {
        JsonSchemaValidator<Object> v = JsonSchemaValidator.of(SEED_SCHEMA);
        assertThat(v.problem(null)).isEqualTo("schema: / type");
        assertThat(v.problem(Map.of("score", 0.5))).startsWith("schema: / required");
    }

    @Test
    void jsonTextOutputs_areParsed_whenAskedTo() {
        JsonSchemaValidator<String> v = JsonSchemaValidator.<String>builder(SEED_SCHEMA)
                .outputsAreJsonText().build();
        assertThat(v.problem("{\"score\":0.3,\"version\":\"v2\",\"trace_id\":\"t\"}")).isNull();
        assertThat(v.problem("{not json")).startsWith("not convertible to JSON: ");
    }

    @Test
    void policies_reportNamedViolations_withTheirSeverity_whateverTheContractSays() {
        JsonSchemaValidator<Answer> v = JsonSchemaValidator.<Answer>builder(SEED_SCHEMA)
                .policy("no_email_in_reason", PolicyViolation.Severity.CRITICAL,
                        NO_EMAIL_IN_REASON)
                .policy("confident", PolicyViolation.Severity.WARNING,
                        "{\"properties\": {\"score\": {\"not\": {\"exclusiveMinimum\": 0.4,"
                                + " \"exclusiveMaximum\": 0.6}}}}")
                .build();

        assertThat(v.violations(new Answer(0.9, "v2", "t", "churn"))).isEmpty();
        assertThat(v.violations(new Answer(0.5, "v2", "t", "ana@example.com")))
                .containsExactly(PolicyViolation.critical("no_email_in_reason"),
                        PolicyViolation.warning("confident"));
        // invalid by contract (score > 1), still checked against the policies
        assertThat(v.violations(new Answer(1.5, "v2", "t", "ana@example.com")))
                .containsExactly(PolicyViolation.critical("no_email_in_reason"));
        assertThat(v.policies()).extracting(PolicyViolation::policy)
                .containsExactly("no_email_in_reason", "confident");
    }

    @Test
    void build_failsFast_namingThePolicyAndTheLine_onABrokenSchema() {
        assertThatIllegalArgumentException().isThrownBy(() -> JsonSchemaValidator
                        .builder(SEED_SCHEMA)
                        .policy("tone", PolicyViolation.Severity.WARNING, "{\n  \"type\": }")
                        .build())
                .withMessageStartingWith("policy 'tone' is not valid JSON at line 2, column");
        assertThatIllegalArgumentException().isThrownBy(() -> JsonSchemaValidator.of("[1]"))
                .withMessage("contract schema must be a JSON Schema (an object or a boolean),"
                        + " but was ARRAY");
        assertThatIllegalArgumentException().isThrownBy(() -> JsonSchemaValidator
                        .builder(SEED_SCHEMA).policy("Bad Name", PolicyViolation.Severity.WARNING,
                                "{}"))
                .withMessageContaining("'Bad Name'");
        assertThatIllegalArgumentException().isThrownBy(() -> JsonSchemaValidator
                        .builder(SEED_SCHEMA)
                        .policy("tone", PolicyViolation.Severity.WARNING, "{}")
                        .policy("tone", PolicyViolation.Severity.CRITICAL, "{}"))
                .withMessage("policy 'tone' is already defined");
    }

    @Test
    void builder_fromAFile_namesTheFileInErrors(@TempDir Path dir) throws Exception {
        Path ok = dir.resolve("contract.schema.json");
        Files.writeString(ok, SEED_SCHEMA, StandardCharsets.UTF_8);
        assertThat(JsonSchemaValidator.<Answer>builder(ok).build()
                .problem(new Answer(0.2, "v", "t", "r"))).isNull();

        Path bad = dir.resolve("bad.schema.json");
        Files.writeString(bad, "{", StandardCharsets.UTF_8);
        assertThatIllegalArgumentException().isThrownBy(() -> JsonSchemaValidator.builder(bad)
                .build()).withMessageStartingWith("contract schema " + bad + " is not valid JSON");
    }
}

package dev.releaserouter.core.flags;

import static dev.releaserouter.core.flags.FlagFileParserTest.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.core.flags.internal.FlagFileParser;
import dev.releaserouter.core.flags.internal.FlagFileWriter;
import dev.releaserouter.core.testing.Docs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps {@code docs/flag-file.schema.json}, {@code docs/examples/} and {@code docs/flag-file.md}
 * true to the parser.
 */
class FlagFileDocsTest {

    static final String SOURCE = "file:/etc/router/flags.json";

    static Path docs;
    static JsonNode schema;

    @BeforeAll
    static void readSchema() {
        docs = docsDir();
        schema = JsonMapper.builder().build().readTree(docs.resolve("flag-file.schema.json"));
    }

    /** The repository's docs folder, found upwards from the module the tests run in. */
    static Path docsDir() {
        return Docs.dir();
    }

    static List<String> properties(JsonNode object) {
        return new ArrayList<>(object.get("properties").propertyNames());
    }

    static JsonNode def(String name) {
        return schema.get("$defs").get(name);
    }

    @Test
    void schema_declaresTheFieldsTheParserAccepts_perObject() {
        assertThat(properties(schema)).containsExactlyElementsOf(FlagFileParser.TOP_LEVEL_FIELDS);
        Map<String, List<String>> objects = Map.of(
                "model", FlagFileParser.MODEL_FIELDS,
                "version", FlagFileParser.VERSION_FIELDS,
                "budget", FlagFileParser.BUDGET_FIELDS,
                "segments", FlagFileParser.SEGMENT_FIELDS,
                "modelKill", FlagFileParser.MODEL_KILL_FIELDS,
                "globalKill", FlagFileParser.GLOBAL_KILL_FIELDS,
                "shortForm", FlagFileParser.SHORT_FORM_FIELDS,
                "shadow", FlagFileParser.SHADOW_FIELDS);
        objects.forEach((name, fields) ->
                assertThat(properties(def(name))).as(name).containsExactlyElementsOf(fields));
    }

    @Test
    void schema_closesEveryObject_asTheParserRejectsUnknownFields() {
        assertThat(schema.get("additionalProperties").booleanValue()).isFalse();
        schema.get("$defs").properties().stream()
                .filter(def -> def.getValue().has("properties"))
                .forEach(def -> assertThat(def.getValue().get("additionalProperties").asBoolean())
                        .as(def.getKey()).isFalse());
    }

    @Test
    void schema_agreesOnShortFormPrefixVersionAndStages() {
        assertThat(schema.get("patternProperties").propertyNames()).singleElement()
                .satisfies(p -> assertThat(p).startsWith("^" + FlagFileParser.SHORT_FORM_PREFIX));
        assertThat(schema.at("/properties/schema_version/const").intValue())
                .isEqualTo(FlagFileParser.SCHEMA_VERSION);
        String stage = def("version").at("/properties/stage/pattern").stringValue();
        for (Stage s : Stage.values()) {
            assertThat(s.name()).matches(stage);
            assertThat(s.name().toLowerCase(Locale.ROOT)).matches(stage);
        }
    }

    static Stream<Path> examples() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(docsDir().resolve("examples"))) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleFile_parses_andRoundTrips(Path example) throws IOException {
        RouterConfig config = FlagFileParser.parse(Files.readAllBytes(example),
                "file:" + example);

        assertThat(config.models()).isNotEmpty();
        assertThat(FlagFileParser.parse(FlagFileWriter.toJson(config), "canonical"))
                .isEqualTo(config);
    }

    /** Each documented error message, with the file that produces it. */
    static Stream<Arguments> documentedErrors() {
        return Stream.of(
                Arguments.of(q("{'models': {'churn': {'stable': 'v1', 'versions': "
                                + "{'v1': {}, 'v2': {'weight': 120}}}}}"),
                        "file:/etc/router/flags.json: at /models/churn/versions/v2/weight: weight"
                                + " must be between 0 and 100 (percent), but was 120"),
                Arguments.of(q("{'model:fraud': {'canary_weight': 5.125}}"),
                        "file:/etc/router/flags.json: at /model:fraud/canary_weight: weight may"
                                + " have at most two decimals (0.01% granularity), but was 5.125"),
                Arguments.of(q("{'models': {'churn': {'stable': 'v1', 'versions': "
                                + "{'v1': {}, 'v2': {'wieght': 5}}}}}"),
                        q("file:/etc/router/flags.json: at /models/churn/versions/v2/wieght:"
                                + " unknown field 'wieght'; expected one of [stage, weight,"
                                + " reserve, artifact_digest, budget], but was 5")),
                Arguments.of(q("{'models': {'churn': {'stable': 'v1', 'versions': {'v1': {},"
                                + " 'v2': {'weight': 5}}, 'kill': {'versions': ['v3']}}}}"),
                        q("file:/etc/router/flags.json: at /models/churn/kill/versions/0:"
                                + " unknown version; known: [v1, v2], but was 'v3'")),
                Arguments.of(q("{\n  'model:fraud': {\n    'canary_weight': 5,\n"
                                + "    'canary_weight': 50\n  }\n}"),
                        q("file:/etc/router/flags.json: at /model:fraud/canary_weight: duplicate"
                                + " key 'canary_weight' at line 4, column 20; a key may appear"
                                + " only once per object, but was 'canary_weight'")),
                Arguments.of(q("{\n  'model:fraud': {\n    'canary_weight': 5,\n    'kill': tr"),
                        "file:/etc/router/flags.json: at /model:fraud/kill: the JSON ends too"
                                + " early (a truncated or partial write?) at line 4, column 13:"
                                + " Unrecognized token 'tr': was expecting (JSON String, Number,"
                                + " Array, Object or token 'null', 'true' or 'false'), but was"
                                + " \"kill\": tr"),
                Arguments.of("", "file:/etc/router/flags.json: at /: the flag file is empty"),
                Arguments.of(q("{'models': {'fraud': {'stable': 'v1', 'versions': {'v1': {}}}},"
                                + " 'model:fraud': {'canary_weight': 5}}"),
                        q("file:/etc/router/flags.json: at /model:fraud: model 'fraud' is defined"
                                + " twice, at /models/fraud and at /model:fraud; use either the"
                                + " long form or the short form, but was 'fraud'")));
    }

    @ParameterizedTest
    @MethodSource("documentedErrors")
    void documentedErrorMessage_isWhatTheParserSays(String file, String message)
            throws IOException {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> FlagFileParser.parse(file, SOURCE));

        assertThat(e.getMessage()).isEqualTo(message);
        assertThat(Files.readString(docs.resolve("flag-file.md"))).contains(message);
    }
}

package dev.releaserouter.core.flags;

import static dev.releaserouter.core.flags.FlagFileParserTest.SOURCE;
import static dev.releaserouter.core.flags.FlagFileParserTest.assertLocated;
import static dev.releaserouter.core.flags.FlagFileParserTest.parse;
import static dev.releaserouter.core.flags.FlagFileParserTest.parseError;
import static dev.releaserouter.core.flags.FlagFileParserTest.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.releaserouter.api.config.Condition;
import dev.releaserouter.api.config.Condition.Operator;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.TargetingRule;
import dev.releaserouter.core.flags.internal.FlagFileParser;
import dev.releaserouter.core.flags.internal.FlagFileWriter;
import dev.releaserouter.core.testing.Docs;
import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Targeting rules in flag files ({@code /models/<name>/targeting}): read, written back, and every
 * configuration error named by file, JSON pointer and bad value.
 */
class FlagFileTargetingTest {

    /** churn with v1 and v2 (and v3 when asked) and the given targeting array. */
    static String withTargeting(String rules) {
        return "{'models': {'churn': {'stable': 'v1', 'versions': {'v1': {}, 'v2': {}},"
                + " 'targeting': " + rules + "}}}";
    }

    @Test
    void targeting_isReadInOrder_withEveryOperator() {
        RouterConfig c = parse(withTargeting("[{'id': 'a', 'when': ["
                + "{'field': 'tenant', 'op': 'in', 'values': ['retail-br', 'retail-mx']},"
                + "{'field': 'region', 'op': 'not_in', 'values': ['EU']},"
                + "{'field': 'channel', 'op': 'equals', 'value': 'app'},"
                + "{'field': 'product', 'op': 'prefix', 'values': ['loan-', 'card-']},"
                + "{'field': 'attributes.app_version', 'op': 'semver', 'value': '^2.1'},"
                + "{'field': 'attributes.score', 'op': 'lt', 'value': 0.9},"
                + "{'field': 'attributes.score', 'op': 'lte', 'value': '0.90'},"
                + "{'field': 'attributes.age', 'op': 'gt', 'value': 17},"
                + "{'field': 'attributes.age', 'op': 'gte', 'value': -1.5}],"
                + " 'weights': {'v2': 12.5}},"
                + " {'id': 'b', 'when': [{'field': 'region', 'op': 'equals', 'value': 'LATAM'}],"
                + " 'weights': {'v1': 75, 'v2': 25}}]"));
        ModelConfig m = c.model("churn");
        assertThat(m.targeting()).extracting(TargetingRule::id).containsExactly("a", "b");
        TargetingRule a = m.targeting().get(0);
        assertThat(a.weightBasisPoints("v2")).isEqualTo(1250);
        assertThat(a.conditions()).extracting(Condition::operator).containsExactly(Operator.IN,
                Operator.NOT_IN, Operator.EQUALS, Operator.PREFIX, Operator.SEMVER, Operator.LT,
                Operator.LTE, Operator.GT, Operator.GTE);
        assertThat(a.conditions().get(5).values()).containsExactly("0.9");
        assertThat(a.conditions().get(8).values()).containsExactly("-1.5");
        assertThat(m.targeting().get(1).weightBasisPoints("v1")).isEqualTo(7500);
    }

    @Test
    void targeting_roundTripsThroughTheWriter() {
        RouterConfig c = parse(withTargeting("[{'id': 'a', 'when': ["
                + "{'field': 'tenant', 'op': 'in', 'values': ['z', 'a']},"
                + "{'field': 'attributes.score', 'op': 'gte', 'value': 0.70}],"
                + " 'weights': {'v2': 5}}]"));
        String json = FlagFileWriter.toJson(c);
        assertThat(FlagFileParser.parse(json, "canonical")).isEqualTo(c);
        assertThat(FlagFileWriter.toJson(c.model("churn").targeting().get(0))).isEqualTo(q(
                "{'id':'a','when':[{'field':'tenant','op':'in','values':['z','a']},"
                        + "{'field':'attributes.score','op':'gte','value':'0.70'}],"
                        + "'weights':{'v2':5}}"));
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("[{'id': 'a', 'when': [{'field': 'tenant', 'op': 'like',"
                        + " 'values': ['x']}], 'weights': {'v2': 5}}]",
                        "/models/churn/targeting/0/when/0/op", "'like'", "unknown operator"),
                Arguments.of("[{'id': 'a', 'when': [{'field': 'attributes.v', 'op': 'semver',"
                        + " 'value': '>=1.2.3.4'}], 'weights': {'v2': 5}}]",
                        "/models/churn/targeting/0/when/0/value", "'>=1.2.3.4'",
                        "not a semver range"),
                Arguments.of("[{'id': 'a', 'when': [{'field': 'attributes.n', 'op': 'gt',"
                        + " 'value': '1e3'}], 'weights': {'v2': 5}}]",
                        "/models/churn/targeting/0/when/0/value", "'1e3'",
                        "plain decimal number"),
                Arguments.of("[{'id': 'a', 'when': [{'field': 'tennant', 'op': 'in',"
                        + " 'values': ['x']}], 'weights': {'v2': 5}}]",
                        "/models/churn/targeting/0/when/0/field", "'tennant'", "unknown field"),
                Arguments.of("[{'id': 'a', 'when': [{'field': 'tenant', 'op': 'in',"
                        + " 'value': 'x'}], 'weights': {'v2': 5}}]",
                        "/models/churn/targeting/0/when/0/value", "'x'", "takes 'values'"),
                Arguments.of("[{'id': 'a', 'when': [{'field': 'tenant', 'op': 'in',"
                        + " 'values': ['x']}], 'weights': {'v9': 5}}]",
                        "/models/churn/targeting/0/weights/v9", "'v9'", "unknown version"),
                Arguments.of("[{'id': 'a', 'when': [{'field': 'tenant', 'op': 'in',"
                        + " 'values': ['x']}], 'weights': {'v1': 90, 'v2': 5}}]",
                        "/models/churn/targeting/0/weights/v1", "90", "add up to 100%"),
                Arguments.of("[{'id': 'a', 'when': [{'field': 'tenant', 'op': 'in',"
                        + " 'values': ['x']}], 'weights': {'v2': 5.001}}]",
                        "/models/churn/targeting/0/weights/v2", "5.001", "two decimals"),
                Arguments.of("[{'id': 'a', 'when': [], 'weights': {'v2': 5}}]",
                        "/models/churn/targeting/0/when", "[]", "non-empty array"),
                Arguments.of("[{'id': 'a', 'when': [{'field': 'tenant', 'op': 'in',"
                        + " 'values': ['x']}], 'weights': {'v2': 5}},"
                        + " {'id': 'a', 'when': [{'field': 'tenant', 'op': 'in',"
                        + " 'values': ['y']}], 'weights': {'v2': 5}}]",
                        "/models/churn/targeting/1/id", "'a'", "duplicate rule id"),
                Arguments.of("{'id': 'a'}", "/models/churn/targeting", "{'id':'a'}",
                        "must be an array"),
                Arguments.of("[{'id': 'a', 'when': [{'field': 'tenant', 'op': 'in',"
                        + " 'values': ['x']}], 'weight': {'v2': 5}}]",
                        "/models/churn/targeting/0/weight", "{'v2':5}", "unknown field"));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void badTargeting_failsNamingFilePointerAndValue(String rules, String pointer, String value,
            String problem) {
        ConfigException e = parseError(withTargeting(rules));
        assertLocated(e, pointer, value);
        assertThat(e.problem()).contains(q(problem));
    }

    @Test
    void ruleAboveTheCandidatesReserve_failsNamingTheRulesWeight() {
        ConfigException e = parseError("{'models': {'churn': {'stable': 'v1', 'versions':"
                + " {'v1': {}, 'v2': {'reserve': 10}}, 'targeting': [{'id': 'a', 'when':"
                + " [{'field': 'tenant', 'op': 'in', 'values': ['x']}],"
                + " 'weights': {'v2': 25}}]}}}");
        assertLocated(e, "/models/churn/targeting/0/weights/v2", "25");
        assertThat(e.problem()).contains("reserve of 10%");
    }

    /** The errors docs/targeting.md shows are what the parser says. */
    static Stream<Arguments> documentedErrors() {
        return Stream.of(
                Arguments.of(withTargeting("[{'id': 'a', 'when': [{'field': 'tenant',"
                        + " 'op': 'like', 'values': ['x']}], 'weights': {'v2': 5}}]"),
                        q("file:/etc/router/flags.json: at /models/churn/targeting/0/when/0/op:"
                                + " unknown operator; expected one of [in, not_in, equals, prefix,"
                                + " semver, lt, lte, gt, gte], but was 'like'")),
                Arguments.of(withTargeting("[{'id': 'a', 'when': [{'field': 'attributes.v',"
                        + " 'op': 'semver', 'value': '>=2.1 <3.0.x.1'}], 'weights': {'v2': 5}}]"),
                        q("file:/etc/router/flags.json: at /models/churn/targeting/0/when/0/value:"
                                + " not a semver range (bad version '3.0.x.1'); expected e.g."
                                + " '>=2.1.0 <3', '^2.1', '~1.4.2', '1.x', '1.2 - 2.3', '^1 || ^3',"
                                + " but was '>=2.1 <3.0.x.1'")),
                Arguments.of(withTargeting("[{'id': 'a', 'when': [{'field': 'tenant',"
                        + " 'op': 'in', 'values': ['x']}], 'weights': {'v1': 90, 'v2': 5}}]"),
                        "file:/etc/router/flags.json: at /models/churn/targeting/0/weights/v1:"
                                + " weights must add up to 100%: the stable weight is what the"
                                + " candidates leave (95); omit it or make it match, but was 90"),
                Arguments.of(withTargeting("[{'id': 'a', 'when': [{'field': 'tenant',"
                        + " 'op': 'in', 'values': ['x']}], 'weights': {'v9': 5}}]"),
                        q("file:/etc/router/flags.json: at /models/churn/targeting/0/weights/v9:"
                                + " unknown version; known: [v1, v2], but was 'v9'")));
    }

    @ParameterizedTest
    @MethodSource("documentedErrors")
    void documentedErrorMessage_isWhatTheParserSays(String file, String message)
            throws IOException {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> FlagFileParser.parse(q(file), SOURCE));
        assertThat(e.getMessage()).isEqualTo(message);
        assertThat(Files.readString(Docs.dir().resolve("targeting.md"))).contains(message);
    }

    @Test
    void schema_declaresTheRuleAndConditionFields_andTheOperators() {
        JsonNode defs = JsonMapper.builder().build()
                .readTree(Docs.dir().resolve("flag-file.schema.json")).get("$defs");
        assertThat(defs.get("rule").get("properties").propertyNames())
                .containsExactlyElementsOf(FlagFileParser.RULE_FIELDS);
        assertThat(defs.get("condition").get("properties").propertyNames())
                .containsExactlyElementsOf(FlagFileParser.CONDITION_FIELDS);
        assertThat(defs.get("condition").at("/properties/op/enum").valueStream()
                .map(JsonNode::stringValue).toList())
                .containsExactlyElementsOf(Operator.jsonNames());
        assertThat(defs.get("model").get("properties").has("targeting")).isTrue();
    }
}

package dev.releaserouter.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

class JsonOutputsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    @Test
    void equal_comparesNumbersByValue_andObjectsWhateverTheirFieldOrder() {
        assertThat(JsonOutputs.equal(json("1"), json("1.0"), 0)).isTrue();
        assertThat(JsonOutputs.equal(json("{\"a\":1,\"b\":[1,2]}"),
                json("{\"b\":[1,2.0],\"a\":1}"), 0)).isTrue();
        assertThat(JsonOutputs.equal(json("[1,2]"), json("[2,1]"), 0)).isFalse();
        assertThat(JsonOutputs.equal(json("{\"a\":1}"), json("{\"a\":1,\"b\":2}"), 0)).isFalse();
        assertThat(JsonOutputs.equal(json("\"1\""), json("1"), 0)).isFalse();
    }

    @Test
    void equal_exactlyWithoutTolerance_evenForLongsBeyondDoublePrecision() {
        assertThat(JsonOutputs.equal(json("9007199254740993"), json("9007199254740992"), 0))
                .isFalse();
    }

    @Test
    void equal_withATolerance_matchesNumbersWithinIt_includingTheBound() {
        assertThat(JsonOutputs.equal(json("{\"score\":0.5}"), json("{\"score\":0.75}"), 0.25))
                .isTrue();
        assertThat(JsonOutputs.equal(json("{\"score\":0.5}"), json("{\"score\":0.76}"), 0.25))
                .isFalse();
    }

    @Test
    void nonFiniteNumber_pointsAtTheFirstNaNOrInfinity() {
        JsonNodeFactory f = JsonNodeFactory.instance;

        assertThat(JsonOutputs.nonFiniteNumber(f.numberNode(Double.NaN))).isEqualTo("");
        assertThat(JsonOutputs.nonFiniteNumber(f.objectNode().set("a/b",
                f.arrayNode().add(1).add(Double.NEGATIVE_INFINITY)))).isEqualTo("/a~1b/1");
        assertThat(JsonOutputs.nonFiniteNumber(json("{\"a\":[1,2.5,\"x\"]}"))).isNull();
    }
}

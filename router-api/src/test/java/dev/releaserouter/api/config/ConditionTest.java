package dev.releaserouter.api.config;

import static dev.releaserouter.api.config.ModelConfigTest.assertConfigError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.config.Condition.Operator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each operator on present and missing values, and the errors that name the field. */
class ConditionTest {

    private static final RouteRequest RETAIL_BR = RouteRequest.builder("churn", "c-1")
            .tenant("retail-br").region("LATAM").channel("app").product("loans")
            .attribute("app_version", "2.4.1").attribute("score", "0.75").build();
    private static final RouteRequest BARE = RouteRequest.of("churn", "c-2");

    @Test
    void in_andNotIn_onTheTenant() {
        assertThat(Condition.in("tenant", "retail-br", "retail-mx").matches(RETAIL_BR)).isTrue();
        assertThat(Condition.in("tenant", "retail-mx").matches(RETAIL_BR)).isFalse();
        assertThat(Condition.notIn("tenant", "retail-mx").matches(RETAIL_BR)).isTrue();
        assertThat(Condition.notIn("tenant", "retail-br").matches(RETAIL_BR)).isFalse();
    }

    @Test
    void missingValue_matchesOnlyNotIn() {
        for (Condition c : List.of(Condition.in("tenant", "retail-br"),
                Condition.equalTo("region", "LATAM"), Condition.prefix("channel", "a"),
                Condition.semver("attributes.app_version", "*"),
                Condition.compare("attributes.score", Operator.GTE, "0"))) {
            assertThat(c.matches(BARE)).as(c.toString()).isFalse();
        }
        assertThat(Condition.notIn("tenant", "retail-br").matches(BARE)).isTrue();
    }

    @Test
    void equals_prefix_andEachSegmentField() {
        assertThat(Condition.equalTo("region", "LATAM").matches(RETAIL_BR)).isTrue();
        assertThat(Condition.equalTo("region", "latam").matches(RETAIL_BR)).as("case-sensitive")
                .isFalse();
        assertThat(Condition.prefix("tenant", "corp-", "retail-").matches(RETAIL_BR)).isTrue();
        assertThat(Condition.prefix("tenant", "corp-").matches(RETAIL_BR)).isFalse();
        assertThat(Condition.equalTo("channel", "app").matches(RETAIL_BR)).isTrue();
        assertThat(Condition.equalTo("product", "loans").matches(RETAIL_BR)).isTrue();
        assertThat(Condition.equalTo("product", "loans").dimension()).isEqualTo(Dimension.PRODUCT);
    }

    @Test
    void semver_andNumericComparisons_onAttributes() {
        assertThat(Condition.semver("attributes.app_version", ">=2.1.0 <3").matches(RETAIL_BR))
                .isTrue();
        assertThat(Condition.semver("attributes.app_version", "^2.5").matches(RETAIL_BR))
                .isFalse();
        Condition c = Condition.compare("attributes.score", Operator.GT, "0.7");
        assertThat(c.attribute()).isEqualTo("score");
        assertThat(c.matches(RETAIL_BR)).isTrue();
        assertThat(Condition.compare("attributes.score", Operator.LT, "0.75").matches(RETAIL_BR))
                .isFalse();
        assertThat(Condition.compare("attributes.score", Operator.LTE, "0.750").matches(RETAIL_BR))
                .isTrue();
        assertThat(Condition.compare("attributes.score", Operator.GTE, "0.76").matches(RETAIL_BR))
                .isFalse();
        assertThat(Condition.compare("tenant", Operator.GT, "1").matches(RETAIL_BR))
                .as("a value that is not a number matches no comparison").isFalse();
    }

    @Test
    void errors_nameTheFieldAndTheValue() {
        assertConfigError(() -> Condition.in("tennant", "x"), "/field", "tennant",
                "unknown field");
        assertConfigError(() -> Condition.in("attributes.", "x"), "/field", "attributes.",
                "unknown field");
        assertConfigError(() -> Condition.in("tenant"), "/values", null, "at least one value");
        assertConfigError(() -> Condition.in("tenant", "a", " "), "/values/1", " ", "non-blank");
        assertConfigError(() -> Condition.in("tenant", "a", "a"), "/values/1", "a", "duplicate");
        assertConfigError(() -> Condition.of("tenant", Operator.EQUALS, List.of("a", "b")),
                "/value", "[a, b]", "exactly one value");
        assertConfigError(() -> Condition.semver("attributes.v", ">=1.2.3.4"), "/value",
                ">=1.2.3.4", "not a semver range");
        assertConfigError(() -> Condition.compare("attributes.v", Operator.GT, "1e3"), "/value",
                "1e3", "plain decimal number");
        assertConfigError(() -> Condition.compare("attributes.v", Operator.IN, "1"), "/op", "in",
                "lt, lte, gt, gte");
    }

    @Test
    void operators_haveTheirFlagFileNames() {
        assertThat(Operator.jsonNames()).containsExactly("in", "not_in", "equals", "prefix",
                "semver", "lt", "lte", "gt", "gte");
        assertThat(Operator.fromJsonName("not_in")).isEqualTo(Operator.NOT_IN);
        assertThat(Operator.fromJsonName("nope")).isNull();
        assertThat(Condition.in("tenant", "a", "b").toString()).isEqualTo("tenant in [a, b]");
        assertThat(Condition.in("tenant", "a")).isEqualTo(Condition.in("tenant", "a"))
                .hasSameHashCodeAs(Condition.in("tenant", "a"));
    }
}

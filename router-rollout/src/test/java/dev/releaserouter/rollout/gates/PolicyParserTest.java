package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.releaserouter.api.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyParserTest {

    private static ConfigException parseError(String json) {
        return catchThrowableOfType(ConfigException.class,
                () -> Policy.parse(json.getBytes(StandardCharsets.UTF_8), "file:/etc/gates.json"));
    }

    @Test
    void parse_readsEveryTopLevelField() {
        Policy p = Policies.json("{\"name\": \"promo\", \"min_window\": \"2h\","
                + " \"min_samples\": 500, \"aliases\": {\"v2\": \"candidate\"},"
                + " \"params\": {\"slo\": {\"p95_ms\": 120}, \"budget\": 0.4},"
                + " \"criteria\": [{\"name\": \"p95\", \"expr\": \"v2.p95_ms <= slo.p95_ms\","
                + " \"severity\": \"critical\", \"consecutive_windows\": 3}]}");
        assertThat(p.name()).isEqualTo("promo");
        assertThat(p.minWindow()).isEqualTo(Duration.ofHours(2));
        assertThat(p.minSamples()).isEqualTo(500);
        assertThat(p.aliases()).containsEntry("v2", "candidate").hasSize(1);
        assertThat(p.params()).containsEntry("slo.p95_ms", 120.0).containsEntry("budget", 0.4);
        assertThat(p.criterionNames()).containsExactly("p95");
        assertThat(p.source()).isEqualTo("test.json");
        assertThat(p.digest()).hasSize(64);
    }

    @Test
    void isoDurations_areAccepted() {
        assertThat(Policies.json("{\"min_window\": \"PT30M\", \"criteria\": [{\"name\": \"a\","
                + " \"expr\": \"1 < 2\", \"severity\": \"ALERT\"}]}").minWindow())
                .isEqualTo(Duration.ofMinutes(30));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // json | pointer | value | problem
        "{\"criteria\": [{\"name\": \"a\", \"expr\": \"candidate.x <= 1\", \"severity\":"
            + " \"WARN\"}]}"
            + "|/criteria/0/severity|\"WARN\"|severity must be ALERT or CRITICAL",
        "{\"criteria\": [{\"name\": \"a\", \"expr\": \"(candidate.x <= 1\", \"severity\":"
            + " \"ALERT\"}]}"
            + "|/criteria/0/expr|(candidate.x <= 1|'(' at column 1 is never closed",
        "{\"criteria\": [{\"name\": \"a\", \"expr\": \"candidate.x <= slo.p95\","
            + " \"severity\": \"ALERT\"}]}"
            + "|/criteria/0/expr|candidate.x <= slo.p95|nor a name in params [] (column 16)",
        "{\"criteria\": [{\"name\": \"a\", \"expr\": \"log(candidate.x) <= 1\", \"severity\":"
            + " \"ALERT\"}]}"
            + "|/criteria/0/expr|log(candidate.x) <= 1|unknown function 'log'",
        "{\"criteria\": [{\"name\": \"a\", \"expr\": \"candidate.p95.ms <= 1\", \"severity\":"
            + " \"ALERT\"}]}"
            + "|/criteria/0/expr|candidate.p95.ms <= 1|unknown metric syntax",
        "{\"criteria\": [{\"name\": \"a\", \"expr\": \"v2.p95_ms <= 1\", \"severity\": \"ALERT\"}]}"
            + "|/criteria/0/expr|v2.p95_ms <= 1|unknown param 'v2.p95_ms'",
        "{\"criteria\": [{\"name\": \"a\", \"expr\": \"1 < 2\", \"severity\": \"ALERT\","
            + " \"treshold\": 1}]}"
            + "|/criteria/0/treshold|treshold|unknown field",
        "{\"criteria\": [{\"name\": \"a\", \"type\": \"bayes\", \"severity\": \"ALERT\"}]}"
            + "|/criteria/0/type|\"bayes\"|unknown criterion type",
        "{\"criteria\": [{\"name\": \"a\", \"type\": \"psi\", \"severity\": \"ALERT\"}]}"
            + "|/criteria/0/max||max is required",
        "{\"criteria\": [{\"name\": \"a\", \"type\": \"non_inferiority\", \"metric\": \"c\","
            + " \"margin\": -1, \"severity\": \"ALERT\"}]}"
            + "|/criteria/0/margin|-1|margin must not be negative",
        "{\"criteria\": [{\"name\": \"a\", \"type\": \"sequential\", \"metric\": \"c\","
            + " \"alpha\": 1.5, \"severity\": \"ALERT\"}]}"
            + "|/criteria/0/alpha|1.5|alpha must be in (0, 1",
        "{\"criteria\": [{\"name\": \"a\", \"type\": \"sequential\", \"metric\": \"c\","
            + " \"kind\": \"continuous\", \"severity\": \"ALERT\"}]}"
            + "|/criteria/0/mixing_sd||mixing_sd is required",
        "{\"criteria\": [{\"name\": \"a\", \"type\": \"relative_increase\", \"metric\":"
            + " \"v2.mae\", \"max_pct\": 20, \"severity\": \"ALERT\"}]}"
            + "|/criteria/0/metric|\"v2.mae\"|unknown metric syntax",
        "{\"criteria\": [{\"name\": \"a\", \"type\": \"relative_increase\", \"metric\":"
            + " \"mae\", \"max_pct\": \"nope\", \"severity\": \"ALERT\"}]}"
            + "|/criteria/0/max_pct|\"nope\"|unknown param",
        "{\"criteria\": [{\"name\": \"a\", \"expr\": \"1 < 2\", \"severity\": \"ALERT\","
            + " \"consecutive_windows\": 0}]}"
            + "|/criteria/0/consecutive_windows|0|between 1 and 1000",
        "{\"criteria\": [{\"name\": \"a\", \"expr\": \"1 < 2\", \"fail_when\": \"1 > 2\","
            + " \"severity\": \"ALERT\"}]}"
            + "|/criteria/0||exactly one of",
        "{\"criteria\": [{\"name\": \"a\", \"expr\": \"1 < 2\", \"severity\": \"ALERT\"},"
            + " {\"name\": \"a\", \"expr\": \"1 < 2\", \"severity\": \"ALERT\"}]}"
            + "|/criteria/1/name|\"a\"|duplicate criterion name",
        "{\"criteria\": []}|/criteria|[]|non-empty array",
        "{\"min_window\": \"2 hours\", \"criteria\": [{\"name\": \"a\", \"expr\": \"1 < 2\","
            + " \"severity\": \"ALERT\"}]}"
            + "|/min_window|\"2 hours\"|ISO-8601 duration",
        "{\"min_samples\": -5, \"criteria\": [{\"name\": \"a\", \"expr\": \"1 < 2\","
            + " \"severity\": \"ALERT\"}]}"
            + "|/min_samples|-5|whole number",
        "{\"aliases\": {\"v2\": \"canary\"}, \"criteria\": [{\"name\": \"a\", \"expr\": \"1 <"
            + " 2\", \"severity\": \"ALERT\"}]}"
            + "|/aliases/v2|\"canary\"|must name \"stable\" or \"candidate\"",
        "{\"params\": {\"candidate\": 1}, \"criteria\": [{\"name\": \"a\", \"expr\": \"1 <"
            + " 2\", \"severity\": \"ALERT\"}]}"
            + "|/params/candidate|candidate|cannot be named like an arm",
        "{\"params\": {\"slo\": {\"p95\": \"fast\"}}, \"criteria\": [{\"name\": \"a\","
            + " \"expr\": \"1 < 2\", \"severity\": \"ALERT\"}]}"
            + "|/params/slo/p95|\"fast\"|finite number",
        "{\"criteria\": [{\"name\": \"a\", \"expr\": \"1 <"
            + " 2\"}]}|/criteria/0/severity||severity is required"})
    void badPolicy_failsFast_namingFilePointerAndValue(String json, String pointer,
            String value, String problem) {
        ConfigException e = parseError(json);
        assertThat(e).as("no exception for %s", json).isNotNull();
        assertThat(e.source()).isEqualTo("file:/etc/gates.json");
        assertThat(e.pointer()).isEqualTo(pointer);
        if (value == null) {
            assertThat(e.value()).isNull();
        } else {
            assertThat(e.value()).isEqualTo(value);
        }
        assertThat(e.problem()).contains(problem);
        assertThat(e.getMessage()).contains("file:/etc/gates.json").contains(pointer);
    }

    @Test
    void policyLargerThanTheLimit_isRefusedBeforeParsing_namingItsSize() {
        byte[] big = ("name: " + "1e999999999".repeat(30_000)).getBytes(StandardCharsets.UTF_8);
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> Policy.parse(big, "big.yaml"));
        assertThat(e.source()).isEqualTo("big.yaml");
        assertThat(e.getMessage()).contains(big.length + " bytes, more than the 262144");
    }

    @Test
    void malformedJson_andDuplicateKeys_andEmptyFiles_fail() {
        assertThat(parseError("{\"criteria\": [").problem()).startsWith("not well-formed JSON");
        assertThat(parseError("{\"name\": \"a\", \"name\": \"b\", \"criteria\": []}").problem())
                .contains("Duplicate");
        assertThat(parseError("  \n").problem()).contains("empty");
        assertThat(parseError("[1]").problem()).contains("JSON object");
    }
}

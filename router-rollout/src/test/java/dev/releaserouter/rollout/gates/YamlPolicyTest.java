package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlPolicyTest {

    private static final String YAML = String.join("\n",
            "name: latency",
            "min_samples: 5",
            "criteria:",
            "  - name: p95",
            "    expr: \"candidate.p95_ms <= 120\"",
            "    severity: CRITICAL",
            "    consecutive_windows: 3",
            "");

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void formatOf_followsTheFileExtension() {
        assertThat(Policy.Format.of("gates.yaml")).isEqualTo(Policy.Format.YAML);
        assertThat(Policy.Format.of("file:/etc/GATES.YML")).isEqualTo(Policy.Format.YAML);
        assertThat(Policy.Format.of("gates.json")).isEqualTo(Policy.Format.JSON);
        assertThat(Policy.Format.of("gates")).isEqualTo(Policy.Format.JSON);
    }

    @Test
    void yamlPolicy_evaluatesLikeItsJsonTwin_butHasItsOwnDigest() {
        Policy yaml = Policy.parse(utf8(YAML), "gates.yaml");
        Policy json = Policy.parse(utf8("{\"name\": \"latency\", \"min_samples\": 5, "
                + "\"criteria\": [{\"name\": \"p95\", \"expr\": \"candidate.p95_ms <= 120\", "
                + "\"severity\": \"CRITICAL\", \"consecutive_windows\": 3}]}"), "gates.json");
        assertThat(yaml.criterionNames()).isEqualTo(json.criterionNames());
        assertThat(yaml.minSamples()).isEqualTo(5);
        assertThat(yaml.digest()).isEqualTo(Policy.digestOf(utf8(YAML)))
                .isNotEqualTo(json.digest());
        MapInput slow = MapInput.of().samples("stable", 5).samples("candidate", 5)
                .set("candidate.p95_ms", 130);
        GateHistory yamlHistory = GateHistory.empty();
        GateHistory jsonHistory = GateHistory.empty();
        for (int i = 1; i <= 3; i++) {
            GateVerdict y = PolicyEvaluator.evaluate(yaml, slow, yamlHistory);
            GateVerdict j = PolicyEvaluator.evaluate(json, slow, jsonHistory);
            assertThat(y.decision()).as("window " + i).isEqualTo(j.decision())
                    .isEqualTo(i < 3 ? GateDecision.HOLD : GateDecision.ROLLBACK);
            yamlHistory = yamlHistory.append(y);
            jsonHistory = jsonHistory.append(j);
        }
    }

    @Test
    void explicitFormat_winsOverTheSourceName() {
        Policy p = Policy.parse(utf8(YAML), "inline-policy", Policy.Format.YAML);
        assertThat(p.name()).isEqualTo("latency");
        assertThatThrownBy(() -> Policy.parse(utf8(YAML), "inline-policy"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not well-formed JSON");
    }

    @Test
    void badValue_isReportedWithTheFileAndTheJsonPointer() {
        String bad = YAML.replace("severity: CRITICAL", "severity: FATAL");
        assertThatThrownBy(() -> Policy.parse(utf8(bad), "classpath:gates.yml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("classpath:gates.yml")
                .hasMessageContaining("/criteria/0/severity")
                .hasMessageContaining("FATAL");
    }

    @Test
    void malformedYaml_namesTheLine() {
        assertThatThrownBy(() -> Policy.parse(utf8("criteria:\n  - name: [unclosed\n"),
                "gates.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not well-formed YAML")
                .hasMessageContaining("line ");
    }

    @Test
    void duplicateKeys_areRefused() {
        assertThatThrownBy(() -> Policy.parse(utf8("name: a\nname: b\ncriteria: []\n"),
                "gates.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("name");
    }

    @Test
    void aYamlScalarOrList_isNotAPolicy() {
        assertThatThrownBy(() -> Policy.parse(utf8("- a\n- b\n"), "gates.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be a YAML mapping");
    }

    @Test
    void load_readsYamlFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gates.yml");
        Files.writeString(file, YAML, StandardCharsets.UTF_8);
        Policy p = Policy.load(file);
        assertThat(p.source()).endsWith("gates.yml");
        assertThat(p.criterionNames()).containsExactly("p95");
    }
}

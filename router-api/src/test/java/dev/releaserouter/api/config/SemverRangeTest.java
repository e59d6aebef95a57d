package dev.releaserouter.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Semver ranges against npm's reference implementation. The expected table
 * {@code targeting/semver-node-7.8.5.tsv} was computed by node-semver 7.8.5 (the copy npm
 * bundles) with {@code node semver-node.js > semver-node-7.8.5.tsv} in
 * {@code src/test/resources/targeting}: {@code semver.satisfies(version, range,
 * {includePrerelease: true})} for every range of {@code semver-ranges.txt} and version of
 * {@code semver-versions.txt}, and {@code ERR} where {@code semver.validRange} rejects the range.
 */
class SemverRangeTest {

    @Test
    void contains_agreesWithNodeSemver_onEveryRangeAndVersionOfTheTable() throws IOException {
        List<String> disagreements = new ArrayList<>();
        int rows = 0;
        int errors = 0;
        for (String line : resource("semver-node-7.8.5.tsv")) {
            String[] cols = line.split("\t", -1);
            rows++;
            if (cols[0].equals("ERR")) {
                errors++;
                boolean rejected;
                try {
                    SemverRange.parse(cols[1]);
                    rejected = false;
                } catch (ConfigException e) {
                    rejected = true;
                }
                if (!rejected) {
                    disagreements.add("range accepted, node rejects it: " + cols[1]);
                }
                continue;
            }
            boolean expected = Boolean.parseBoolean(cols[0]);
            if (SemverRange.parse(cols[1]).contains(cols[2]) != expected) {
                disagreements.add(cols[2] + " in '" + cols[1] + "' should be " + expected);
            }
        }
        assertThat(rows).as("rows of the table").isGreaterThan(1_500);
        assertThat(errors).as("ranges node rejects").isEqualTo(3);
        assertThat(disagreements).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1.2.3.4", "^01.2", ">=1.2.3 - 2", "1.x.3", "1.2.3-",
        "1.2.3-beta..1", "1 - 2 - 3"})
    void parse_notARange_failsNamingTheText(String range) {
        assertThatThrownBy(() -> SemverRange.parse(range))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.value()).isEqualTo(range);
                    assertThat(e.problem()).contains("not a semver range");
                });
    }

    @Test
    void parse_longerThanTheLimit_isRejected() {
        String range = ">=1.0.0 ".repeat(200);
        assertThatThrownBy(() -> SemverRange.parse(range))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.problem()).contains("at most 1000 characters"));
    }

    @Test
    void contains_nullOrNotAVersion_isFalse() {
        SemverRange any = SemverRange.parse("*");
        assertThat(any.contains(null)).isFalse();
        assertThat(any.contains("")).isFalse();
        assertThat(any.contains("1.2")).isFalse();
        assertThat(any.contains("9007199254740992.0.0")).as("beyond 2^53 - 1").isFalse();
        assertThat(any.contains("9007199254740991.0.0")).isTrue();
        assertThat(any.toString()).isEqualTo("*");
    }

    private static List<String> resource(String name) throws IOException {
        try (InputStream in = Objects.requireNonNull(
                SemverRangeTest.class.getResourceAsStream("/targeting/" + name), name)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines().filter(l -> !l.isEmpty()).toList();
        }
    }
}

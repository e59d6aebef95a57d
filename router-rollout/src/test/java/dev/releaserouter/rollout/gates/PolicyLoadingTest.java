package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.config.ConfigException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoadingTest {

    @Test
    void fromClasspath_readsTheResource_andNamesItInErrors() {
        Policy p = Policy.fromClasspath("gates/minimal.json", getClass().getClassLoader());
        assertThat(p.source()).isEqualTo("classpath:gates/minimal.json");
        assertThat(p.name()).isEqualTo("minimal");
        assertThat(PolicyEvaluator.evaluate(p, MapInput.of().set("candidate.error_rate", 0.1))
                .decision()).isEqualTo(GateDecision.ROLLBACK);
        assertThatThrownBy(() -> Policy.fromClasspath("gates/missing.json",
                getClass().getClassLoader()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("classpath:gates/missing.json");
    }

    @Test
    void load_namesTheFileInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gates.json");
        Files.writeString(file, "{\"criteria\": [{\"name\": \"a\", \"expr\": \"x.y <= 1\","
                + " \"severity\": \"ALERT\"}]}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Policy.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toUri().toString())
                .hasMessageContaining("/criteria/0/expr")
                .hasMessageContaining("unknown param 'x.y'");
        assertThatThrownBy(() -> Policy.load(dir.resolve("absent.json")))
                .isInstanceOf(UncheckedIOException.class);
    }
}

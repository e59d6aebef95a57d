package dev.releaserouter.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigExceptionTest {

    @Test
    void pointerToken_escapesTildeBeforeSlash_asRfc6901Says() {
        assertThat(ConfigException.pointerToken("churn")).isEqualTo("churn");
        assertThat(ConfigException.pointerToken("a/b")).isEqualTo("a~1b");
        assertThat(ConfigException.pointerToken("a~b")).isEqualTo("a~0b");
        // "~1" written literally must not read back as "/": the tilde is escaped first.
        assertThat(ConfigException.pointerToken("~1")).isEqualTo("~01");
        assertThat(ConfigException.pointerToken("")).isEqualTo("");
    }

    @Test
    void locatedIn_prefixesThePointerWithTheEscapedEnclosingName() {
        ConfigException e = new ConfigException("/weight", 120, "too big")
                .locatedIn("flags.json", "/models/" + ConfigException.pointerToken("fraud/v"));
        assertThat(e.pointer()).isEqualTo("/models/fraud~1v/weight");
        assertThat(e.source()).isEqualTo("flags.json");
    }
}

package dev.releaserouter.core.exposure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.core.testing.RecordingLogger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;

class Slf4jExposureSinkTest {

    @Test
    void record_logsOneInfoEventWithTheFieldsAsKeyValues() {
        RecordingLogger logger = new RecordingLogger(true, false);

        new Slf4jExposureSink(logger).record(ExposureJsonTest.GOLDEN.get(0));

        LoggingEvent e = logger.events.get(0);
        assertThat(e.getLevel()).isEqualTo(Level.INFO);
        assertThat(keyValues(e)).containsExactly(
                Map.entry("time", "2026-03-01T12:00:00.123Z"),
                Map.entry("model", "churn"),
                Map.entry("version", "v2"),
                Map.entry("role", "candidate"),
                Map.entry("reason", "canary_bucket"),
                Map.entry("bucket", 417),
                Map.entry("config_revision", 3L),
                Map.entry("entity",
                        "1907d6ad5885918627501d8a19493cbb730286ae1572808681da227cb5984cf6"),
                Map.entry("entity_encoding", "hmac_sha256"),
                Map.entry("tenant", "acme"),
                Map.entry("region", "BR"),
                Map.entry("channel", "app"),
                Map.entry("attr.app_version", "5.2.0"),
                Map.entry("attr.plan", "gold"));
        assertThat(e.getMessage()).isEqualTo("exposure {} {} {}");
    }

    @Test
    void record_controlCharactersInTheEntity_areEscapedToKeepOneLine() {
        RecordingLogger logger = new RecordingLogger(true, false);

        new Slf4jExposureSink(logger).record(ExposureJsonTest.GOLDEN.get(1));

        assertThat(keyValues(logger.events.get(0))).contains(
                Map.entry("entity", "customer-\"42\"\\n"), Map.entry("product", "loans"))
                .doesNotContainKeys("bucket", "tenant");
    }

    @Test
    void record_infoDisabled_logsNothing() {
        RecordingLogger logger = new RecordingLogger(false, false);

        new Slf4jExposureSink(logger).record(
                ExposureEvent.builder("churn", "v1", "c").build());

        assertThat(logger.events).isEmpty();
    }

    private static Map<String, Object> keyValues(LoggingEvent event) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (KeyValuePair pair : event.getKeyValuePairs()) {
            values.put(pair.key, pair.value);
        }
        return values;
    }
}

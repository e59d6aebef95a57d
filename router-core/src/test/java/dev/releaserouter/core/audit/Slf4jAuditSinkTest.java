package dev.releaserouter.core.audit;

import static dev.releaserouter.core.audit.AuditLogs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.core.testing.RecordingLogger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.MessageFormatter;

class Slf4jAuditSinkTest {

    private static final AuditEvent EVENT = new AuditEvent(T0, "alice", "weight.set",
            "churn/v2", "{\"v2\":500}", "{\"v2\":2500}", "ramp up", "CHG-1024", 7);

    @Test
    void record_logsOneInfoEventWithEveryFieldAsKeyValues() {
        RecordingLogger logger = new RecordingLogger(true, false);

        new Slf4jAuditSink(logger).record(EVENT);

        assertThat(logger.events).hasSize(1);
        LoggingEvent logged = logger.events.get(0);
        assertThat(logged.getLevel()).isEqualTo(Level.INFO);
        assertThat(keyValues(logged)).containsExactly(
                Map.entry("time", "2026-03-01T12:00:00Z"),
                Map.entry("actor", "alice"),
                Map.entry("action", "weight.set"),
                Map.entry("target", "churn/v2"),
                Map.entry("before", "{\"v2\":500}"),
                Map.entry("after", "{\"v2\":2500}"),
                Map.entry("reason", "ramp up"),
                Map.entry("ticket", "CHG-1024"),
                Map.entry("revision", 7L));
        assertThat(message(logged)).isEqualTo("weight.set churn/v2 by alice (revision 7): ramp up");
    }

    @Test
    void record_absentBeforeAfterAndTicket_areLeftOut() {
        RecordingLogger logger = new RecordingLogger(true, false);

        new Slf4jAuditSink(logger).record(
                new AuditEvent(T0, "ops", "kill.on", "churn/*", null, null, "incident", null, 8));

        assertThat(keyValues(logger.events.get(0)))
                .containsOnlyKeys("time", "actor", "action", "target", "reason", "revision");
    }

    @Test
    void record_lineBreaksAndControlCharacters_areEscapedToKeepOneLine() {
        RecordingLogger logger = new RecordingLogger(true, false);

        new Slf4jAuditSink(logger).record(new AuditEvent(T0, "eve\nINFO forged", "kill.on",
                "t", "a\rb", null, "why\tnot\u0007\u2028", null, 1));

        LoggingEvent logged = logger.events.get(0);
        assertThat(keyValues(logged)).contains(
                Map.entry("actor", "eve\\nINFO forged"),
                Map.entry("before", "a\\rb"),
                Map.entry("reason", "why\\tnot\\u0007\\u2028"));
        assertThat(message(logged)).doesNotContain("\n", "\r", "\t");
    }

    @Test
    void record_loggerThatThrows_doesNotThrow() {
        RecordingLogger logger = new RecordingLogger(true, true);

        assertThatCode(() -> new Slf4jAuditSink(logger).record(EVENT)).doesNotThrowAnyException();
    }

    @Test
    void record_infoDisabled_logsNothing() {
        RecordingLogger logger = new RecordingLogger(false, false);

        new Slf4jAuditSink(logger).record(EVENT);

        assertThat(logger.events).isEmpty();
    }

    @Test
    void defaultSink_logsToTheAuditLoggerWithoutThrowing() {
        Slf4jAuditSink sink = new Slf4jAuditSink();

        assertThatCode(() -> sink.record(EVENT)).doesNotThrowAnyException();
        assertThat(sink).hasToString("Slf4jAuditSink[dev.releaserouter.audit]");
    }

    private static Map<String, Object> keyValues(LoggingEvent event) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (KeyValuePair pair : event.getKeyValuePairs()) {
            values.put(pair.key, pair.value);
        }
        return values;
    }

    private static String message(LoggingEvent event) {
        return MessageFormatter.basicArrayFormat(event.getMessage(),
                event.getArgumentArray());
    }
}

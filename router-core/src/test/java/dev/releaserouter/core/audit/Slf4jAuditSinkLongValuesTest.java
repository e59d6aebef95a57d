package dev.releaserouter.core.audit;

import static dev.releaserouter.core.audit.AuditLogs.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.core.testing.RecordingLogger;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.LoggingEvent;

/**
 * A huge change (a flag file with a new 700,000-entry deny list) is logged as one line of bounded
 * length, saying how much was left out; the durable sink keeps the whole change.
 */
class Slf4jAuditSinkLongValuesTest {

    @Test
    void record_hugeBeforeAndAfter_isLoggedAsOneLineOfAtMost8Kb_sayingWhatWasLeftOut() {
        RecordingLogger logger =
                new RecordingLogger(true, false);
        String after = "{\"/models/churn/deny/tenants\":{\"added\":[" + "\"vip-tenant-1234\","
                .repeat(3_000_000) + "\"x\"]}}";

        new Slf4jAuditSink(logger).record(new AuditEvent(T0, "source:file:/f", "config.reload",
                "file:/f", "{}", after, "flag source changed", null, 2));

        LoggingEvent logged = logger.events.get(0);
        Map<String, Object> kv = new HashMap<>();
        for (KeyValuePair p : logged.getKeyValuePairs()) {
            kv.put(p.key, p.value);
        }
        String shown = (String) kv.get("after");
        assertThat(shown.length()).as("length of the logged after").isLessThanOrEqualTo(4_200);
        assertThat(shown).startsWith("{\"/models/churn/deny/tenants\":{\"added\":[\"vip-tenant")
                .contains("more characters").contains(String.format("%,d", after.length()));
        int line = kv.values().stream().mapToInt(v -> String.valueOf(v).length()).sum();
        assertThat(line).isLessThanOrEqualTo(8 * 1024);
        assertThat(kv.get("before")).isEqualTo("{}");
    }
}

package dev.releaserouter.core.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.core.audit.internal.AuditEntryCodec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file format is a wire contract (docs/audit.md): these bytes and hashes were computed
 * independently (Python's hashlib and json.dumps(ensure_ascii=False, separators=(',', ':'))) and
 * must never change.
 */
class AuditWireFormatTest {

    static final AuditEvent FIRST = new AuditEvent(Instant.parse("2026-03-01T12:00:00Z"),
            "alice", "weight.set", "churn/v2", "{\"v2\":500}", "{\"v2\":2500}",
            "ramp up after a clean canary", "CHG-1024", 7);

    static final String FIRST_HASH =
            "5558f0fcb4a9f28e9a6001afaf165251d348e44fe0092a72d6202272f112c076";

    static final String FIRST_LINE = """
            {"seq":1,"time":"2026-03-01T12:00:00Z","actor":"alice","action":"weight.set",\
            "target":"churn/v2","before":"{\\"v2\\":500}","after":"{\\"v2\\":2500}",\
            "reason":"ramp up after a clean canary","ticket":"CHG-1024","revision":7,\
            "prev":"0000000000000000000000000000000000000000000000000000000000000000",\
            "hash":"5558f0fcb4a9f28e9a6001afaf165251d348e44fe0092a72d6202272f112c076"}
            """;

    static final AuditEvent SECOND = new AuditEvent(
            Instant.parse("2026-03-01T12:00:00.123456789Z"), "zo\u00eb", "kill.on", "churn/*",
            null, null, "tab\t nl\n cr\r bs\b ff\f nul\0 us\u001f del\u007f quote\" backslash\\"
                    + " slash/ ls\u2028 emoji\uD83D\uDE00",
            null, -3);

    static final String SECOND_LINE = """
            {"seq":2,"time":"2026-03-01T12:00:00.123456789Z","actor":"zo\u00eb",\
            "action":"kill.on","target":"churn/*","before":null,"after":null,\
            "reason":"tab\\t nl\\n cr\\r bs\\b ff\\f nul\\u0000 us\\u001f del\u007f quote\\"\
             backslash\\\\ slash/ ls\u2028 emoji\uD83D\uDE00","ticket":null,"revision":-3,\
            "prev":"5558f0fcb4a9f28e9a6001afaf165251d348e44fe0092a72d6202272f112c076",\
            "hash":"025cb8c22587c51d3811489b4ec63ec648502d52950fa82f35622f4de30195eb"}
            """;

    @TempDir
    Path dir;

    @Test
    void firstEntry_isWrittenAsThesePinnedBytes() {
        Path log = AuditLogs.write(dir.resolve("audit.jsonl"), List.of(FIRST));

        assertThat(AuditLogs.bytes(log)).isEqualTo(FIRST_LINE.getBytes(UTF_8));
        assertThat(JsonlAuditSink.verify(log).lastHash()).isEqualTo(FIRST_HASH);
    }

    @Test
    void escapesAndNonAscii_areWrittenAsThesePinnedBytes() {
        Path log = AuditLogs.write(dir.resolve("audit.jsonl"), List.of(FIRST, SECOND));

        assertThat(new String(AuditLogs.bytes(log), UTF_8)).isEqualTo(FIRST_LINE + SECOND_LINE);
        assertThat(JsonlAuditSink.read(log)).containsExactly(FIRST, SECOND);
    }

    @Test
    void hash_isTheSha256OfTheLineWithoutItsHashField() {
        String line = FIRST_LINE.strip();
        String body = line.substring(0, line.length() - 75) + "}";

        assertThat(line.substring(line.length() - 75, line.length() - 66))
                .isEqualTo(",\"hash\":\"");
        assertThat(AuditEntryCodec.sha256Hex(body)).isEqualTo(FIRST_HASH);
    }

    @Test
    void unpairedSurrogate_isEscapedSoTheFileStaysValidUtf8() {
        AuditEvent event = new AuditEvent(FIRST.time(), "a", "b", "x\uD800y\uDC00", null, null,
                "r", null, 0);

        Path log = AuditLogs.write(dir.resolve("audit.jsonl"), List.of(event));

        assertThat(AuditLogs.textLines(log).get(0))
                .contains("\"target\":\"x\\ud800y\\udc00\"");
        assertThat(JsonlAuditSink.read(log)).containsExactly(event);
        assertThat(JsonlAuditSink.verify(log).ok()).isTrue();
    }
}

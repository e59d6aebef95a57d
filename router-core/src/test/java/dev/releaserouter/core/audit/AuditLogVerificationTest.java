package dev.releaserouter.core.audit;

import static dev.releaserouter.core.audit.AuditLogs.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.core.audit.internal.AuditEntryCodec;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogVerificationTest {

    @TempDir
    Path dir;

    private Path log;
    private List<String> lines;

    @BeforeEach
    void writeFiveEntries() {
        log = AuditLogs.write(dir.resolve("audit.jsonl"), events(5));
        lines = new ArrayList<>(AuditLogs.textLines(log));
    }

    @Test
    void verify_untouchedLog_isOkAndReportsTheLastHash() {
        AuditVerification result = JsonlAuditSink.verify(log);

        assertThat(result.ok()).isTrue();
        assertThat(result.entries()).isEqualTo(5);
        assertThat(result.lastHash()).isEqualTo(hashOf(lines.get(4)));
        assertThat(result).hasToString("audit log valid: 5 entries, last hash "
                + result.lastHash());
    }

    @Test
    void verify_emptyFile_isOkWithNoEntries() {
        AuditLogs.writeBytes(log, new byte[0]);

        AuditVerification result = JsonlAuditSink.verify(log);

        assertThat(result.ok()).isTrue();
        assertThat(result.entries()).isZero();
        assertThat(result.lastHash()).isEqualTo(AuditEntryCodec.GENESIS_HASH);
    }

    @Test
    void verify_missingFile_throwsUncheckedIOException() {
        assertThatThrownBy(() -> JsonlAuditSink.verify(dir.resolve("nope.jsonl")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("nope.jsonl");
    }

    @Test
    void verify_editedValue_failsAtThatLineWithHashMismatch() {
        lines.set(2, lines.get(2).replace("\"reason\":\"ramp step 3\"", "\"reason\":\"oops\""));
        AuditLogs.rewriteText(log, lines);

        assertFailsAt(3, "hash mismatch: the entry was edited");
    }

    @Test
    void verify_editedEntryWithRecomputedHash_failsAtTheNextLine() {
        lines.set(2, rehash(lines.get(2).replace("ramp step 3", "nothing to see")));
        AuditLogs.rewriteText(log, lines);

        assertFailsAt(4, "prev does not match the hash of line 3");
    }

    @Test
    void verify_lastEntryEditedWithRecomputedHash_changesTheLastHash() {
        String anchored = JsonlAuditSink.verify(log).lastHash();
        lines.set(4, rehash(lines.get(4).replace("ramp step 5", "nothing to see")));
        AuditLogs.rewriteText(log, lines);

        AuditVerification result = JsonlAuditSink.verify(log);

        assertThat(result.ok()).isTrue();
        assertThat(result.lastHash()).isNotEqualTo(anchored);
    }

    @Test
    void verify_whitespaceAddedToAnEntry_failsAtThatLineAsNotCanonical() {
        lines.set(1, lines.get(1).replace("{\"seq\":2,", "{\"seq\": 2,"));
        AuditLogs.rewriteText(log, lines);

        assertFailsAt(2, "not in canonical form");
    }

    @Test
    void verify_removedEntry_failsAtTheLineItUsedToBe() {
        lines.remove(1);
        AuditLogs.rewriteText(log, lines);

        assertFailsAt(2, "expected seq 2 but found 3");
    }

    @Test
    void verify_removedFirstEntry_failsAtLineOne() {
        lines.remove(0);
        AuditLogs.rewriteText(log, lines);

        assertFailsAt(1, "expected seq 1 but found 2");
    }

    @Test
    void verify_reorderedEntries_failsAtTheFirstMovedLine() {
        Collections.swap(lines, 2, 3);
        AuditLogs.rewriteText(log, lines);

        assertFailsAt(3, "expected seq 3 but found 4");
    }

    @Test
    void verify_insertedCopyOfAnEntry_failsAtTheInsertedLine() {
        lines.add(3, lines.get(1));
        AuditLogs.rewriteText(log, lines);

        assertFailsAt(4, "expected seq 4 but found 2");
    }

    @Test
    void verify_insertedForgedEntryWithAValidHash_failsAtTheLineAfterIt() {
        String forged = rehash(lines.get(2)
                .replace("ramp step 3", "forged")
                .replace("{\"seq\":3,", "{\"seq\":4,")
                .replace(hashOf(lines.get(1)), hashOf(lines.get(2))));
        lines.add(3, forged);
        AuditLogs.rewriteText(log, lines);

        assertFailsAt(5, "expected seq 5 but found 4");
    }

    @Test
    void verify_lineThatIsNotJson_failsAtThatLine() {
        lines.set(3, "this is not json");
        AuditLogs.rewriteText(log, lines);

        assertFailsAt(4, "malformed entry: not JSON");
    }

    @Test
    void verify_emptyLine_failsAtThatLine() {
        lines.add(2, "");
        AuditLogs.rewriteText(log, lines);

        assertFailsAt(3, "malformed entry: empty line");
    }

    @Test
    void verify_missingField_failsAtThatLine() {
        lines.set(0, lines.get(0).replace("\"ticket\":null,", ""));
        AuditLogs.rewriteText(log, lines);

        assertFailsAt(1, "malformed entry: expected the fields");
    }

    @Test
    void verify_invalidUtf8_failsAtThatLine() {
        List<byte[]> raw = new ArrayList<>(AuditLogs.lines(log));
        byte[] line = raw.get(1);
        line[20] = (byte) 0xC3; // a lead byte followed by ASCII
        AuditLogs.rewrite(log, raw);

        assertFailsAt(2, "malformed entry: not valid UTF-8");
    }

    @Test
    void verify_truncatedTail_failsAtTheIncompleteLastLine() {
        byte[] bytes = AuditLogs.bytes(log);
        AuditLogs.writeBytes(log, Arrays.copyOf(bytes, bytes.length - 1));

        assertFailsAt(5, "the last line is incomplete (no trailing newline)");
    }

    @Test
    void read_incompleteLastLine_throwsNamingTheFileAndLine() {
        byte[] bytes = AuditLogs.bytes(log);
        AuditLogs.writeBytes(log, Arrays.copyOf(bytes, bytes.length - 30));

        assertThatThrownBy(() -> JsonlAuditSink.read(log))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(log + ": line 5: the last line is incomplete");
    }

    private void assertFailsAt(int line, String message) {
        AuditVerification result = JsonlAuditSink.verify(log);

        assertThat(result.ok()).as(result.toString()).isFalse();
        assertThat(result.line()).isEqualTo(line);
        assertThat(result.entries()).isEqualTo(line - 1);
        assertThat(result.message()).contains(message);
        assertThat(result.lastHash()).isEqualTo(
                line == 1 ? AuditEntryCodec.GENESIS_HASH : hashOf(lines.get(line - 2)));
        assertThat(result).hasToString("audit log invalid at line " + line + ": "
                + result.message());
    }

    private static String hashOf(String line) {
        return line.substring(line.length() - 66, line.length() - 2);
    }

    /** What a forger would do: recompute the line's own hash by the documented rule. */
    private static String rehash(String line) {
        String body = line.substring(0, line.length() - 75) + "}";
        return body.substring(0, body.length() - 1) + ",\"hash\":\""
                + AuditEntryCodec.sha256Hex(body) + "\"}";
    }
}

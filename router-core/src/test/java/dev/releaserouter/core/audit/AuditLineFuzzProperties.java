package dev.releaserouter.core.audit;

import static dev.releaserouter.core.audit.AuditLogs.event;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.releaserouter.core.audit.internal.AuditEntryCodec;
import dev.releaserouter.core.testing.Fuzz;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing (issue 12): an audit line, random or mutated from a valid one, either parses or throws
 * {@link IllegalArgumentException}; a log holding it either verifies or reports a break
 * ({@code verify} never throws), {@code read} returns or throws {@link IllegalStateException},
 * and {@code open} opens or refuses with {@link IllegalStateException}; each within 2 s and 64 MB
 * per input, never another Throwable.
 */
class AuditLineFuzzProperties {

    static final List<String> LINES = validLines();
    static Path dir;

    static List<String> validLines() {
        String prev = AuditEntryCodec.GENESIS_HASH;
        String[] lines = new String[3];
        for (int n = 1; n <= 3; n++) {
            String body = AuditEntryCodec.body(n, event(n), prev);
            String hash = AuditEntryCodec.sha256Hex(body);
            byte[] line = AuditEntryCodec.line(body, hash);
            lines[n - 1] = new String(line, 0, line.length - 1, UTF_8);
            prev = hash;
        }
        return List.of(lines);
    }

    @BeforeContainer
    static void createDir() throws IOException {
        dir = Files.createTempDirectory("audit-fuzz");
    }

    @AfterContainer
    static void deleteDir() {
        AuditLogs.deleteTree(dir);
    }

    @Provide
    Arbitrary<byte[]> lines() {
        return Fuzz.around(LINES.get(1));
    }

    @Property(tries = 2000)
    void parse_anyLine_parsesOrThrowsIllegalArgumentException(@ForAll("lines") byte[] line) {
        Fuzz.bounded(line, () -> AuditEntryCodec.parse(line), IllegalArgumentException.class);
    }

    @Property(tries = 300)
    void verifyReadAndOpen_aLogWithAFuzzedMiddleLine_neverThrowAnythingUndocumented(
            @ForAll("lines") byte[] line) throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        log.writeBytes((LINES.get(0) + "\n").getBytes(UTF_8));
        log.writeBytes(line);
        log.write('\n');
        log.writeBytes((LINES.get(2) + "\n").getBytes(UTF_8));
        Path file = dir.resolve("audit.jsonl");
        Files.write(file, log.toByteArray());
        Fuzz.bounded(line, () -> JsonlAuditSink.verify(file));
        Fuzz.bounded(line, () -> JsonlAuditSink.read(file), IllegalStateException.class);
        Fuzz.bounded(line, () -> JsonlAuditSink.open(file).close(),
                IllegalStateException.class);
    }

    @Property(tries = 200)
    void verify_aFuzzedLastLine_reportsOrAccepts_neverThrows(@ForAll("lines") byte[] line)
            throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        log.writeBytes((LINES.get(0) + "\n").getBytes(UTF_8));
        log.writeBytes(line); // maybe no newline: a torn last line
        Path file = dir.resolve("tail.jsonl");
        Files.write(file, log.toByteArray());
        Fuzz.bounded(line, () -> JsonlAuditSink.verify(file));
        Fuzz.bounded(line, () -> JsonlAuditSink.open(file).close(),
                IllegalStateException.class);
    }
}

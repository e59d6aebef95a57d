package dev.releaserouter.core.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.core.audit.internal.AuditEntryCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class AuditChainProperties {

    @Property(tries = 300)
    void anyByteChangedInOneEntry_isDetectedAtThatLine(
            @ForAll @Size(min = 1, max = 8) List<@From("events") AuditEvent> events,
            @ForAll int linePick, @ForAll int offsetPick, @ForAll byte replacement) {
        withLog(events, log -> {
            List<byte[]> lines = new ArrayList<>(AuditLogs.lines(log));
            int index = Math.floorMod(linePick, lines.size());
            byte[] line = lines.get(index);
            int offset = Math.floorMod(offsetPick, line.length);
            Assume.that(line[offset] != replacement && replacement != '\n');
            line[offset] = replacement;
            AuditLogs.rewrite(log, lines);

            AuditVerification result = JsonlAuditSink.verify(log);

            assertThat(result.ok()).isFalse();
            assertThat(result.line()).as(result.toString()).isEqualTo(index + 1);
        });
    }

    @Property(tries = 200)
    void anyEntryButTheLastRemoved_isDetectedAtItsLine(
            @ForAll @Size(min = 2, max = 8) List<@From("events") AuditEvent> events,
            @ForAll int pick) {
        withLog(events, log -> {
            List<byte[]> lines = new ArrayList<>(AuditLogs.lines(log));
            int index = Math.floorMod(pick, lines.size() - 1);
            lines.remove(index);
            AuditLogs.rewrite(log, lines);

            assertThat(JsonlAuditSink.verify(log).line()).isEqualTo(index + 1);
        });
    }

    @Property(tries = 200)
    void anyTwoEntriesSwapped_isDetectedAtTheFirstOfThem(
            @ForAll @Size(min = 2, max = 8) List<@From("events") AuditEvent> events,
            @ForAll int first, @ForAll int second) {
        withLog(events, log -> {
            List<byte[]> lines = new ArrayList<>(AuditLogs.lines(log));
            int a = Math.floorMod(first, lines.size());
            int b = Math.floorMod(second, lines.size());
            Assume.that(a != b && !Arrays.equals(lines.get(a), lines.get(b)));
            Collections.swap(lines, a, b);
            AuditLogs.rewrite(log, lines);

            assertThat(JsonlAuditSink.verify(log).line()).isEqualTo(Math.min(a, b) + 1);
        });
    }

    @Property(tries = 300)
    void anyEvent_roundTripsAndHashesByTheDocumentedRule(
            @ForAll @Size(min = 1, max = 3) List<@From("events") AuditEvent> events) {
        withLog(events, log -> {
            assertThat(JsonlAuditSink.read(log)).isEqualTo(events);
            assertThat(JsonlAuditSink.verify(log).ok()).isTrue();
            String prev = AuditEntryCodec.GENESIS_HASH;
            for (byte[] bytes : AuditLogs.lines(log)) {
                String line = new String(bytes, UTF_8);
                String body = line.substring(0, line.length() - 75) + "}";
                String hash = line.substring(line.length() - 66, line.length() - 2);
                assertThat(AuditEntryCodec.sha256Hex(body)).isEqualTo(hash);
                assertThat(body).endsWith(",\"prev\":\"" + prev + "\"}");
                prev = hash;
            }
        });
    }

    @Provide
    Arbitrary<AuditEvent> events() {
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12),
                Arbitraries.strings().all().ofMaxLength(12),
                Arbitraries.strings().withChars("\"\\/\n\r\t\b\f\u0000\u001f\u007f\u2028é😀")
                        .ofMaxLength(12));
        Arbitrary<String> nullable = text.injectNull(0.3);
        Arbitrary<Instant> time = Combinators.combine(
                        Arbitraries.longs().between(0, 32_503_680_000L),
                        Arbitraries.longs().between(0, 999_999_999))
                .as(Instant::ofEpochSecond);
        Arbitrary<Stamp> stamp = Combinators.combine(time, Arbitraries.longs()).as(Stamp::new);
        return Combinators.combine(stamp, text, text, text, nullable, nullable, text, nullable)
                .as((s, actor, action, target, before, after, reason, ticket) -> new AuditEvent(
                        s.time(), actor, action, target, before, after, reason, ticket,
                        s.revision()));
    }

    private record Stamp(Instant time, long revision) {}

    private static void withLog(List<AuditEvent> events, Consumer<Path> test) {
        Path dir;
        try {
            dir = Files.createTempDirectory("audit-property");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            test.accept(AuditLogs.write(dir.resolve("audit.jsonl"), events));
        } finally {
            AuditLogs.deleteTree(dir);
        }
    }
}

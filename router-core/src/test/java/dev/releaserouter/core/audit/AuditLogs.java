package dev.releaserouter.core.audit;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.releaserouter.api.audit.AuditEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Test helpers: sample events, writing a log, and editing its lines as bytes. */
final class AuditLogs {

    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private AuditLogs() {}

    /** @return a distinct, realistic event number {@code n} */
    static AuditEvent event(int n) {
        return new AuditEvent(T0.plusSeconds(n), "alice", "weight.set", "churn/v2",
                "{\"v2\":" + n + "}", "{\"v2\":" + (n + 1) + "}", "ramp step " + n,
                n % 2 == 0 ? "CHG-" + n : null, n);
    }

    /** @return events 1..count */
    static List<AuditEvent> events(int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            events.add(event(n));
        }
        return events;
    }

    /** Records the events to a new log at {@code file} and closes it. */
    static Path write(Path file, List<AuditEvent> events) {
        try (JsonlAuditSink sink = JsonlAuditSink.open(file)) {
            events.forEach(sink::record);
        }
        return file;
    }

    /** @return the file's lines as bytes, without their {@code '\n'} */
    static List<byte[]> lines(Path file) {
        byte[] all = bytes(file);
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                lines.add(Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        if (start < all.length) {
            throw new IllegalStateException("last line has no newline");
        }
        return lines;
    }

    /** @return the file's lines as text */
    static List<String> textLines(Path file) {
        return lines(file).stream().map(b -> new String(b, UTF_8)).toList();
    }

    /** Replaces the file with these lines, each followed by {@code '\n'}. */
    static void rewrite(Path file, List<byte[]> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] line : lines) {
            out.writeBytes(line);
            out.write('\n');
        }
        writeBytes(file, out.toByteArray());
    }

    /** Replaces the file with these text lines, each followed by {@code '\n'}. */
    static void rewriteText(Path file, List<String> lines) {
        rewrite(file, lines.stream().map(l -> l.getBytes(UTF_8)).toList());
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeBytes(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory tree (for jqwik properties, which have no {@code @TempDir}). */
    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

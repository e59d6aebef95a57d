package dev.releaserouter.core.audit;

import static dev.releaserouter.core.audit.AuditLogs.event;
import static dev.releaserouter.core.audit.AuditLogs.events;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.releaserouter.api.audit.AuditEvent;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class JsonlAuditSinkTest {

    @TempDir
    Path dir;

    @Test
    void record_manyEvents_chainVerifiesAndReadsBackInOrder() {
        Path log = dir.resolve("audit.jsonl");
        List<AuditEvent> events = events(50);

        AuditLogs.write(log, events);

        AuditVerification result = JsonlAuditSink.verify(log);
        assertThat(result.ok()).as(result.toString()).isTrue();
        assertThat(result.entries()).isEqualTo(50);
        assertThat(result.line()).isZero();
        assertThat(result.message()).isEmpty();
        assertThat(JsonlAuditSink.read(log)).containsExactlyElementsOf(events);
    }

    @Test
    void record_entries_haveConsecutiveSeqAndEachPrevIsTheHashBefore() {
        Path log = AuditLogs.write(dir.resolve("audit.jsonl"), events(3));

        List<String> lines = AuditLogs.textLines(log);

        assertThat(lines).hasSize(3);
        String previous = "0".repeat(64);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            assertThat(line).startsWith("{\"seq\":" + (i + 1) + ",")
                    .contains(",\"prev\":\"" + previous + "\",");
            previous = line.substring(line.length() - 66, line.length() - 2);
        }
    }

    @Test
    void record_whenItReturns_theLineIsInTheFileAndTailIsUpdated() {
        Path log = dir.resolve("audit.jsonl");
        try (JsonlAuditSink sink = JsonlAuditSink.open(log)) {
            assertThat(sink.lastSeq()).isZero();
            assertThat(sink.lastHash()).isEqualTo("0".repeat(64));

            sink.record(event(1));

            assertThat(JsonlAuditSink.read(log)).containsExactly(event(1));
            assertThat(sink.lastSeq()).isEqualTo(1);
            assertThat(sink.lastHash()).isEqualTo(JsonlAuditSink.verify(log).lastHash());
        }
    }

    @Test
    void open_missingParentDirectories_createsThem() {
        Path log = dir.resolve("a/b/c/audit.jsonl");

        try (JsonlAuditSink sink = JsonlAuditSink.open(log)) {
            sink.record(event(1));
            assertThat(sink.file()).isEqualTo(log.toAbsolutePath());
        }

        assertThat(JsonlAuditSink.verify(log).entries()).isEqualTo(1);
    }

    @Test
    void open_existingLog_continuesTheChainFromItsLastEntry() {
        Path log = AuditLogs.write(dir.resolve("audit.jsonl"), events(5));
        String lastHash = JsonlAuditSink.verify(log).lastHash();

        try (JsonlAuditSink sink = JsonlAuditSink.open(log)) {
            assertThat(sink.lastSeq()).isEqualTo(5);
            assertThat(sink.lastHash()).isEqualTo(lastHash);
            sink.record(event(6));
            sink.record(event(7));
        }

        assertThat(JsonlAuditSink.verify(log).ok()).isTrue();
        assertThat(JsonlAuditSink.read(log)).containsExactlyElementsOf(events(7));
        assertThat(AuditLogs.textLines(log).get(5))
                .startsWith("{\"seq\":6,").contains("\"prev\":\"" + lastHash + "\"");
    }

    @Test
    void open_lastLineWithoutNewline_refusesNamingTheFileAndLine() {
        Path log = AuditLogs.write(dir.resolve("audit.jsonl"), events(3));
        byte[] bytes = AuditLogs.bytes(log);
        AuditLogs.writeBytes(log, Arrays.copyOf(bytes, bytes.length - 20));

        assertThatThrownBy(() -> JsonlAuditSink.open(log))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(log.toAbsolutePath().toString())
                .hasMessageContaining("line 3 is incomplete");
        assertThat(AuditLogs.bytes(log)).hasSize(bytes.length - 20);
    }

    @Test
    void open_lastEntryEdited_refusesNamingTheFileAndLine() {
        Path log = AuditLogs.write(dir.resolve("audit.jsonl"), events(3));
        List<String> lines = new ArrayList<>(AuditLogs.textLines(log));
        lines.set(2, lines.get(2).replace("alice", "mallory"));
        AuditLogs.rewriteText(log, lines);

        assertThatThrownBy(() -> JsonlAuditSink.open(log))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(log.toAbsolutePath() + ": line 3: the last entry's hash");
    }

    @Test
    void open_lastLineNotAnEntry_refusesNamingTheFileAndLine() {
        Path log = AuditLogs.write(dir.resolve("audit.jsonl"), events(2));
        AuditLogs.writeBytes(log, (new String(AuditLogs.bytes(log), UTF_8) + "oops\n")
                .getBytes(UTF_8));

        assertThatThrownBy(() -> JsonlAuditSink.open(log))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(log.toAbsolutePath() + ": line 3: the last entry is"
                        + " malformed");
    }

    @Test
    void open_fileAlreadyOpenBySink_refusesASecondWriter() {
        Path log = dir.resolve("audit.jsonl");
        try (JsonlAuditSink first = JsonlAuditSink.open(log)) {
            assertThatThrownBy(() -> JsonlAuditSink.open(log))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already open");
            first.record(event(1));
        }
        try (JsonlAuditSink again = JsonlAuditSink.open(log)) {
            again.record(event(2));
        }
        assertThat(JsonlAuditSink.verify(log).entries()).isEqualTo(2);
    }

    @Test
    void open_parentIsARegularFile_throwsUncheckedIOException() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");

        assertThatThrownBy(() -> JsonlAuditSink.open(notADirectory.resolve("audit.jsonl")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot open audit log");
    }

    @Test
    void record_afterClose_throwsUncheckedIOExceptionAndCloseIsIdempotent() {
        JsonlAuditSink sink = JsonlAuditSink.open(dir.resolve("audit.jsonl"));
        sink.close();
        sink.close();

        assertThatThrownBy(() -> sink.record(event(1)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("is closed");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void record_onADeviceWithNoSpaceLeft_throwsUncheckedIOException() {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "/dev/full is not writable here");

        try (JsonlAuditSink sink = JsonlAuditSink.open(full)) {
            assertThatThrownBy(() -> sink.record(event(1)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("cannot write audit entry 1 to /dev/full");
            assertThatThrownBy(() -> sink.record(event(1)))
                    .isInstanceOf(UncheckedIOException.class);
        }
    }

    @Test
    void record_writeFailsMidLine_throwsTruncatesThePartialLineAndLaterRecordsContinue() {
        Path log = dir.resolve("audit.jsonl");
        FaultyFile[] file = new FaultyFile[1];
        try (JsonlAuditSink sink = JsonlAuditSink.open(log, f -> file[0] = new FaultyFile(f))) {
            sink.record(event(1));
            file[0].failNextWrite = true;

            assertThatThrownBy(() -> sink.record(event(2)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("cannot write audit entry 2")
                    .hasRootCauseMessage("simulated: No space left on device");
            assertThat(JsonlAuditSink.verify(log).entries()).isEqualTo(1);

            sink.record(event(3));
        }
        assertThat(JsonlAuditSink.verify(log).ok()).isTrue();
        assertThat(JsonlAuditSink.read(log)).containsExactly(event(1), event(3));
    }

    @Test
    void record_writeFailsAndTruncationFails_refusesEveryLaterRecord() {
        Path log = dir.resolve("audit.jsonl");
        FaultyFile[] file = new FaultyFile[1];
        try (JsonlAuditSink sink = JsonlAuditSink.open(log, f -> file[0] = new FaultyFile(f))) {
            file[0].failNextWrite = true;
            file[0].failSetLength = true;
            assertThatThrownBy(() -> sink.record(event(1)))
                    .isInstanceOf(UncheckedIOException.class);

            assertThatThrownBy(() -> sink.record(event(2)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("failed earlier");
        }
        assertThatThrownBy(() -> JsonlAuditSink.open(log))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("line 1 is incomplete");
    }

    @Test
    void record_fromAnInterruptedThread_writesAndLeavesTheSinkUsable() {
        Path log = dir.resolve("audit.jsonl");
        try (JsonlAuditSink sink = JsonlAuditSink.open(log)) {
            Thread.currentThread().interrupt();
            try {
                sink.record(event(1));
            } finally {
                assertThat(Thread.interrupted()).as("interrupt status kept").isTrue();
            }
            sink.record(event(2));
        }
        assertThat(JsonlAuditSink.read(log)).containsExactly(event(1), event(2));
    }

    @Test
    void record_from16ThreadsAt200Each_leavesAValidChainWithNoLostOrDuplicatedEntry()
            throws Exception {
        Path log = dir.resolve("audit.jsonl");
        int threads = 16;
        int perThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (JsonlAuditSink sink = JsonlAuditSink.open(log)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String actor = "thread-" + t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int n = 0; n < perThread; n++) {
                        sink.record(new AuditEvent(AuditLogs.T0, actor, "weight.set", "m/v2",
                                null, null, "step", null, n));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
            assertThat(sink.lastSeq()).isEqualTo(threads * perThread);
        } finally {
            pool.shutdownNow();
        }

        AuditVerification result = JsonlAuditSink.verify(log);
        assertThat(result.ok()).as(result.toString()).isTrue();
        assertThat(result.entries()).isEqualTo(threads * perThread);
        Map<String, List<Long>> byActor = new HashMap<>();
        for (AuditEvent e : JsonlAuditSink.read(log)) {
            byActor.computeIfAbsent(e.actor(), a -> new ArrayList<>()).add(e.revision());
        }
        assertThat(byActor).hasSize(threads);
        List<Long> expected = LongStream.range(0, perThread).boxed().toList();
        byActor.values().forEach(revisions -> assertThat(revisions).isEqualTo(expected));
    }

    @Test
    void record_textNeedingEscapes_roundTripsAndWritesNonAsciiAsUtf8() {
        Path log = dir.resolve("audit.jsonl");
        AuditEvent tricky = new AuditEvent(AuditLogs.T0, "zoë \"the admin\"", "kill.on",
                "a\\b/c", "{\"k\":\"v\"}", null, "line1\nline2\ttab\u0000nul \u2028 😀 é",
                null, -1);

        AuditLogs.write(log, List.of(tricky));

        assertThat(JsonlAuditSink.read(log)).containsExactly(tricky);
        String line = AuditLogs.textLines(log).get(0);
        assertThat(line).contains("\"actor\":\"zoë \\\"the admin\\\"\"")
                .contains("\"target\":\"a\\\\b/c\"")
                .contains("\"before\":\"{\\\"k\\\":\\\"v\\\"}\"")
                .contains("\"after\":null")
                .contains("line1\\nline2\\ttab\\u0000nul \u2028 😀 é")
                .contains("\"revision\":-1");
    }

    /** A file whose next write can fail halfway, and whose truncation can fail. */
    static final class FaultyFile extends RandomAccessFile {
        boolean failNextWrite;
        boolean failSetLength;

        FaultyFile(File file) throws IOException {
            super(file, "rw");
        }

        @Override
        public void write(byte[] b) throws IOException {
            if (failNextWrite) {
                failNextWrite = false;
                super.write(b, 0, b.length / 2);
                throw new IOException("simulated: No space left on device");
            }
            super.write(b);
        }

        @Override
        public void setLength(long newLength) throws IOException {
            if (failSetLength) {
                throw new IOException("simulated: cannot truncate");
            }
            super.setLength(newLength);
        }
    }
}

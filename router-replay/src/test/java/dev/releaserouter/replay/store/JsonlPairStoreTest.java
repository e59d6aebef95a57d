package dev.releaserouter.replay.store;

import static dev.releaserouter.replay.store.Pairs.fileNames;
import static dev.releaserouter.replay.store.Pairs.pair;
import static dev.releaserouter.replay.store.Pairs.pairs;
import static dev.releaserouter.replay.store.Pairs.readAll;
import static dev.releaserouter.replay.store.Pairs.text;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlPairStoreTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void appendThenClose_readBackGivesEqualPairsInOrder() {
        List<ShadowPair> pairs = pairs(500);
        try (JsonlPairStore store = JsonlPairStore.builder(dir).build()) {
            pairs.forEach(p -> assertThat(store.append(p)).isTrue());
        }

        assertThat(readAll(dir)).containsExactlyElementsOf(pairs);
        assertThat(fileNames(dir)).hasSize(1).allMatch(
                n -> n.matches("shadow-pairs-\\d{8}-\\d{6}-000001\\.jsonl\\.gz"));
    }

    @Test
    void close_reportsCounts() {
        JsonlPairStore store = JsonlPairStore.builder(dir).build();
        pairs(10).forEach(store::append);

        store.close();

        assertThat(store.written()).isEqualTo(10);
        assertThat(store.dropped()).isZero();
        assertThat(store.writeErrors()).isZero();
        assertThat(store.toString()).contains("written 10");
    }

    /** The pair of the example line in docs/shadow.md. */
    static final ShadowPair DOCUMENTED = ShadowPair.builder()
            .time(Instant.parse("2026-01-02T03:04:05Z"))
            .model("scoring").stableVersion("v1").candidateVersion("v2")
            .entityKeyHash("ab12")
            .inputJson("{\"amount\": 10, \"email\": \"[EMAIL]\"}")
            .stableOutputJson("{\"score\":0.25}")
            .candidateOutputJson("{\"score\":0.5}")
            .outcome(ShadowOutcome.SUCCESS).match(false).delta(0.25)
            .stableLatencyNanos(1200).candidateLatencyNanos(3400)
            .build();

    @Test
    void line_hasTheDocumentedFormat() {
        try (JsonlPairStore store = JsonlPairStore.builder(dir).gzipRotated(false).build()) {
            store.append(DOCUMENTED);
        }

        assertThat(text(dir.resolve(fileNames(dir).get(0)))).isEqualTo("{\"time\":"
                + "\"2026-01-02T03:04:05Z\",\"model\":\"scoring\",\"stable_version\":\"v1\","
                + "\"candidate_version\":\"v2\",\"entity_key_hash\":\"ab12\","
                + "\"input\":{\"amount\":10,\"email\":\"[EMAIL]\"},"
                + "\"stable_output\":{\"score\":0.25},\"candidate_output\":{\"score\":0.5},"
                + "\"outcome\":\"SUCCESS\",\"match\":false,\"delta\":0.25,"
                + "\"stable_latency_ns\":1200,\"candidate_latency_ns\":3400,\"error\":null}\n");
    }

    @Test
    void line_nullsAndNaN_areJsonNull_andEmbeddedJsonIsReadBackCompact() {
        ShadowPair pair = ShadowPair.builder().time(Instant.EPOCH).model("m")
                .stableVersion("v1").candidateVersion("v2").entityKeyHash("h")
                .inputJson(" [1, {\"a\" : \"b\"}] ").outcome(ShadowOutcome.TIMEOUT).build();
        try (JsonlPairStore store = JsonlPairStore.builder(dir).gzipRotated(false).build()) {
            store.append(pair);
        }

        assertThat(text(dir.resolve(fileNames(dir).get(0)))).contains("\"input\":[1,{\"a\":"
                + "\"b\"}],\"stable_output\":null,\"candidate_output\":null,"
                + "\"outcome\":\"TIMEOUT\",\"match\":null,\"delta\":null,\"stable_latency_ns\":0,"
                + "\"candidate_latency_ns\":-1,\"error\":null}");
        ShadowPair read = readAll(dir).get(0);
        assertThat(read.inputJson()).isEqualTo("[1,{\"a\":\"b\"}]");
        assertThat(read.delta()).isEmpty();
        assertThat(read.match()).isEmpty();
        assertThat(read.stableOutputJson()).isNull();
    }

    @Test
    void rotation_startsNewFilesGzipsThemAndReadReturnsAllInOrder() {
        List<ShadowPair> pairs = pairs(300);
        long max = 4_000;
        try (JsonlPairStore store = JsonlPairStore.builder(dir).maxFileBytes(max).build()) {
            pairs.forEach(store::append);
        }

        List<String> names = fileNames(dir);
        assertThat(names).hasSizeGreaterThan(10).allMatch(n -> n.endsWith(".jsonl.gz"));
        for (int i = 0; i < names.size(); i++) {
            assertThat(names.get(i)).endsWith(String.format("-%06d.jsonl.gz", i + 1));
            assertThat(text(dir.resolve(names.get(i))).getBytes(UTF_8).length)
                    .isLessThanOrEqualTo((int) max);
        }
        assertThat(readAll(dir)).containsExactlyElementsOf(pairs);
    }

    @Test
    void rotation_withoutGzip_keepsPlainFiles() {
        List<ShadowPair> pairs = pairs(100);
        try (JsonlPairStore store = JsonlPairStore.builder(dir).maxFileBytes(3_000)
                .gzipRotated(false).filePrefix("pairs.v2").build()) {
            pairs.forEach(store::append);
        }

        assertThat(fileNames(dir)).hasSizeGreaterThan(3)
                .allMatch(n -> n.startsWith("pairs.v2-") && n.endsWith(".jsonl"));
        assertThat(readAll(dir)).containsExactlyElementsOf(pairs);
    }

    @Test
    void aLineLargerThanTheLimit_getsAFileOfItsOwn() {
        try (JsonlPairStore store = JsonlPairStore.builder(dir).maxFileBytes(10).build()) {
            pairs(3).forEach(store::append);
        }

        assertThat(fileNames(dir)).hasSize(3);
        assertThat(readAll(dir)).containsExactlyElementsOf(pairs(3));
    }

    @Test
    void fullBuffer_dropsAndCountsWithoutBlocking() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JsonlPairStore store = JsonlPairStore.builder(dir).bufferCapacity(2)
                .beforeWrite(() -> {
                    writing.countDown();
                    awaitUninterruptibly(release);
                })
                .build();
        try {
            assertThat(store.append(pair(0))).isTrue();
            assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue(); // writer holds pair 0
            assertThat(store.append(pair(1))).isTrue();
            assertThat(store.append(pair(2))).isTrue();

            long start = System.nanoTime();
            for (int i = 3; i < 1_003; i++) {
                assertThat(store.append(pair(i))).isFalse();
            }
            long took = System.nanoTime() - start;

            assertThat(store.dropped()).isEqualTo(1_000);
            assertThat(took).as("1000 dropped appends, ns").isLessThan(2_000_000_000L);
        } finally {
            release.countDown();
            store.close();
        }
        assertThat(readAll(dir)).containsExactlyElementsOf(pairs(3));
        assertThat(store.written()).isEqualTo(3);
    }

    @Test
    void close_withEightThreadsAppending_losesNothingAccepted() throws Exception {
        int threads = 8;
        JsonlPairStore store = JsonlPairStore.builder(dir).bufferCapacity(256)
                .maxFileBytes(64 * 1024).build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<List<Integer>>> accepted = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                accepted.add(pool.submit(() -> {
                    List<Integer> mine = new ArrayList<>();
                    start.await();
                    // Appends go on until after close() has returned, so close() races them.
                    for (int i = 0; !stop.get(); i++) {
                        int id = thread * 10_000_000 + i;
                        if (store.append(pair(id))) {
                            mine.add(id);
                        }
                    }
                    return mine;
                }));
            }
            start.await();
            Pairs.await(() -> store.written() > 2_000, DEADLINE, "2000 pairs are written");
            store.close();
            long droppedAtClose = store.dropped();
            Pairs.await(() -> store.dropped() > droppedAtClose, DEADLINE,
                    "appends after close are dropped");
            stop.set(true);
            Set<Integer> expected = new HashSet<>();
            for (Future<List<Integer>> f : accepted) {
                expected.addAll(f.get(60, TimeUnit.SECONDS));
            }

            List<ShadowPair> read = readAll(dir);
            Set<Integer> ids = new HashSet<>();
            for (ShadowPair p : read) {
                ids.add(Integer.parseInt(p.inputJson().replaceAll("^\\{\"i\":(\\d+),.*", "$1")));
            }
            assertThat(read).hasSize(expected.size());
            assertThat(ids).isEqualTo(expected);
            assertThat(store.written()).isEqualTo(expected.size());
            assertThat(store.writeErrors()).isZero();
        } finally {
            stop.set(true);
            pool.shutdownNow();
            store.close();
        }
    }

    @Test
    void eachThreadsPairs_areReadBackInTheOrderItAppendedThem() throws Exception {
        JsonlPairStore store = JsonlPairStore.builder(dir).bufferCapacity(100_000).build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        store.append(pair(thread * 10_000 + i));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            store.close();
        }

        List<ShadowPair> read = readAll(dir);
        assertThat(read).hasSize(8_000);
        for (int t = 0; t < 4; t++) {
            int thread = t;
            assertThat(read.stream().filter(p -> p.stableLatencyNanos() / 1_000 / 10_000 == thread))
                    .isSortedAccordingTo((a, b) -> Long.compare(a.stableLatencyNanos(),
                            b.stableLatencyNanos()));
        }
    }

    @Test
    void writeErrors_whenTheDirectoryIsGone_areCountedNotThrown() throws IOException {
        JsonlPairStore store = JsonlPairStore.builder(dir.resolve("pairs"))
                .maxFileBytes(2_000).build();
        pairs(20).forEach(store::append);
        Pairs.await(() -> store.written() == 20, DEADLINE, "20 pairs are written");
        deleteRecursively(dir.resolve("pairs"));
        Files.writeString(dir.resolve("pairs"), "not a directory"); // fails even for root

        for (int i = 20; i < 40; i++) {
            assertThat(store.append(pair(i))).isTrue();
        }
        Pairs.await(() -> store.writeErrors() > 0, DEADLINE, "a write error is counted");
        store.close();

        assertThat(store.writeErrors()).isGreaterThanOrEqualTo(20);
        assertThat(store.written()).isEqualTo(20);
        assertThat(store.dropped()).isZero();
    }

    @Test
    void aPairWhoseInputIsNotJson_isCountedAsAWriteError_andTheOthersAreWritten() {
        ShadowPair bad = ShadowPair.builder().time(Instant.EPOCH).model("m")
                .stableVersion("v1").candidateVersion("v2").entityKeyHash("h")
                .inputJson("{not json").outcome(ShadowOutcome.ERROR).build();
        JsonlPairStore store = JsonlPairStore.builder(dir).build();
        store.append(pair(1));
        store.append(bad);
        store.append(pair(2));
        store.close();

        assertThat(store.writeErrors()).isEqualTo(1);
        assertThat(readAll(dir)).containsExactly(pair(1), pair(2));
    }

    @Test
    void appendAfterClose_isDroppedAndCounted_andCloseIsIdempotent() {
        JsonlPairStore store = JsonlPairStore.builder(dir).build();
        store.close();

        assertThat(store.append(pair(1))).isFalse();
        assertThat(store.dropped()).isEqualTo(1);
        store.close();
        assertThat(fileNames(dir)).isEmpty();
    }

    @Test
    void writer_isOneDaemonThreadByName_thatStopsOnClose() throws Exception {
        AtomicReference<Thread> writer = new AtomicReference<>();
        CountDownLatch seen = new CountDownLatch(1);
        JsonlPairStore store = JsonlPairStore.builder(dir)
                .beforeWrite(() -> {
                    writer.set(Thread.currentThread());
                    seen.countDown();
                })
                .build();
        store.append(pair(1));
        assertThat(seen.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(writer.get().getName()).isEqualTo("release-router-pair-writer");
        assertThat(writer.get().isDaemon()).isTrue();
        store.close();
        assertThat(writer.get().isAlive()).isFalse();
    }

    @Test
    void aWriterThatDies_dropsLaterPairs_countsTheLostOnes_andCloseStillReturns() {
        JsonlPairStore store = JsonlPairStore.builder(dir)
                .beforeWrite(() -> {
                    throw new IllegalStateException("test: the writer breaks");
                })
                .build();
        AtomicInteger accepted = new AtomicInteger(store.append(pair(0)) ? 1 : 0);
        Pairs.await(() -> {
            if (store.append(pair(1))) {
                accepted.incrementAndGet();
                return false;
            }
            return true;
        }, DEADLINE, "appends are refused");

        store.close();

        assertThat(store.written()).isZero();
        assertThat(store.writeErrors()).as("accepted, then lost").isEqualTo(accepted.get());
        assertThat(store.dropped()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aWriterThatDiesWhileCloseWaits_countsOnlyTheLostPairs_notCloseItsEndMarker()
            throws InterruptedException {
        CountDownLatch fail = new CountDownLatch(1);
        JsonlPairStore store = JsonlPairStore.builder(dir)
                .beforeWrite(() -> {
                    try {
                        fail.await(); // holds pair 0 until close() has queued its end marker
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("test: the writer breaks");
                })
                .build();
        assertThat(store.append(pair(0))).isTrue();
        Thread closer = new Thread(store::close, "closer");
        closer.start();
        // close() offers its end marker before it joins the writer: WAITING means it is joined.
        Pairs.await(() -> closer.getState() == Thread.State.WAITING, DEADLINE,
                "close() waits for the writer");
        fail.countDown();
        closer.join(DEADLINE.toMillis());

        assertThat(closer.isAlive()).isFalse();
        assertThat(store.writeErrors()).as("pair 0, not the end marker").isEqualTo(1);
    }

    @Test
    void close_whenInterrupted_stillWritesEverythingAndKeepsTheInterrupt() {
        JsonlPairStore store = JsonlPairStore.builder(dir).build();
        pairs(100).forEach(store::append);

        Thread.currentThread().interrupt();
        try {
            store.close();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(readAll(dir)).containsExactlyElementsOf(pairs(100));
    }

    @Test
    void twoStoresInTheSameSecond_neverOverwriteEachOther() {
        Clock fixed = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC);
        try (JsonlPairStore a = JsonlPairStore.builder(dir).clock(fixed).build()) {
            pairs(3).forEach(a::append);
        }
        try (JsonlPairStore b = JsonlPairStore.builder(dir).clock(fixed).build()) {
            b.append(pair(3));
        }

        assertThat(fileNames(dir)).containsExactly(
                "shadow-pairs-20260304-050607-000001.jsonl.gz",
                "shadow-pairs-20260304-050607-000002.jsonl.gz");
        assertThat(readAll(dir)).containsExactlyElementsOf(pairs(4));
    }

    // ---- reading ------------------------------------------------------------------------------

    @Test
    void read_aMalformedLine_throwsNamingTheFileAndLine() throws IOException {
        try (JsonlPairStore store = JsonlPairStore.builder(dir).gzipRotated(false).build()) {
            pairs(3).forEach(store::append);
        }
        Path file = dir.resolve(fileNames(dir).get(0));
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(1, lines.get(1).replace("\"outcome\":\"ERROR\"", "\"outcome\":\"LATE\""));
        Files.write(file, lines);

        try (Stream<ShadowPair> read = JsonlPairStore.read(dir)) {
            assertThatThrownBy(read::toList)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("line 2")
                    .hasMessageContaining("outcome");
        }
    }

    @Test
    void read_truncatedJsonOrMissingField_throws() throws IOException {
        Files.writeString(dir.resolve("x.jsonl"), "{\"time\":\"2026-01-01T00:00:00Z\"}\n");
        Files.writeString(dir.resolve("y.jsonl"), "{\"time\":");

        assertThatThrownBy(() -> readAll(dir)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("x.jsonl: line 1: missing field 'model'");
        Files.delete(dir.resolve("x.jsonl"));
        assertThatThrownBy(() -> readAll(dir)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("y.jsonl: line 1: not JSON");
    }

    @Test
    void read_prefersTheGzipWhenARotationLeftBothFiles_andIgnoresOtherFiles()
            throws IOException {
        try (JsonlPairStore store = JsonlPairStore.builder(dir).gzipRotated(false).build()) {
            pairs(5).forEach(store::append);
        }
        String plain = fileNames(dir).get(0);
        byte[] content = Files.readAllBytes(dir.resolve(plain));
        try (OutputStream out = new GZIPOutputStream(
                Files.newOutputStream(dir.resolve(plain + ".gz")))) {
            out.write(content);
        }
        Files.writeString(dir.resolve(plain + ".gz.tmp"), "partial");
        Files.writeString(dir.resolve("notes.txt"), "not pairs");

        assertThat(readAll(dir)).containsExactlyElementsOf(pairs(5));
    }

    @Test
    void read_ofAMissingDirectory_throwsAtOnce() {
        assertThatThrownBy(() -> JsonlPairStore.read(dir.resolve("nope")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("nope");
    }

    @Test
    void read_ofAnEmptyDirectory_isEmpty() {
        assertThat(readAll(dir)).isEmpty();
    }

    @Test
    void read_isLazy_andClosingTheStreamEarlyIsFine() {
        try (JsonlPairStore store = JsonlPairStore.builder(dir).maxFileBytes(2_000).build()) {
            pairs(50).forEach(store::append);
        }

        try (Stream<ShadowPair> read = JsonlPairStore.read(dir)) {
            assertThat(read.limit(3).toList()).containsExactlyElementsOf(pairs(3));
        }
    }

    // ---- configuration ------------------------------------------------------------------------

    @Test
    void builder_rejectsBadSettings() throws IOException {
        assertThatThrownBy(() -> JsonlPairStore.builder(dir).maxFileBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxFileBytes must be positive, but was 0");
        assertThatThrownBy(() -> JsonlPairStore.builder(dir).bufferCapacity(-1))
                .hasMessage("bufferCapacity must be positive, but was -1");
        assertThatThrownBy(() -> JsonlPairStore.builder(dir).filePrefix("../x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonlPairStore.builder(dir).filePrefix(""))
                .isInstanceOf(IllegalArgumentException.class);
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> JsonlPairStore.builder(file).build())
                .isInstanceOf(UncheckedIOException.class);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }
}

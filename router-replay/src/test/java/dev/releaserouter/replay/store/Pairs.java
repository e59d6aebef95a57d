package dev.releaserouter.replay.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Test pairs and helpers for reading store directories. */
final class Pairs {

    static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456789Z");

    private Pairs() {}

    /** A pair exercising every field: nulls, NaN delta, each outcome, unicode, nesting. */
    static ShadowPair pair(int i) {
        return ShadowPair.builder()
                .time(T0.plusMillis(i))
                .model("model-" + i % 3)
                .stableVersion("v1")
                .candidateVersion("v2")
                .entityKeyHash(String.format("%064x", i))
                .inputJson("{\"i\":" + i + ",\"text\":\"olá [EMAIL] \\\"q\\\"\\n\","
                        + "\"xs\":[1.5,null,true,{\"k\":[]}]}")
                .stableOutputJson(i % 7 == 0 ? null : "{\"score\":" + (i / 4.0) + "}")
                .candidateOutputJson(i % 4 == 2 ? null : "[" + i + ",\"label\"]")
                .outcome(ShadowOutcome.values()[i % 4])
                .match(i % 3 == 0 ? null : i % 3 == 1)
                .delta(i % 5 == 0 ? Double.NaN : i / 8.0)
                .stableLatencyNanos(1_000L * i)
                .candidateLatencyNanos(i % 4 == 2 ? -1 : 2_000L * i)
                .error(i % 4 == 1 ? "java.lang.IllegalStateException" : null)
                .build();
    }

    static List<ShadowPair> pairs(int n) {
        return IntStream.range(0, n).mapToObj(Pairs::pair).toList();
    }

    static List<ShadowPair> readAll(Path directory) {
        try (Stream<ShadowPair> pairs = JsonlPairStore.read(directory)) {
            return pairs.toList();
        }
    }

    /** @return the names of the files in the directory, sorted */
    static List<String> fileNames(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the text of a file, decompressed if it is gzipped */
    static String text(Path file) {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for a condition a background thread brings about, failing after a deadline. */
    static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}

package dev.releaserouter.core.exposure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.core.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlExposureSinkTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");

    private static ExposureEvent event(int i) {
        // Fixed length, so that a file holds a known number of lines.
        return ExposureEvent.builder("churn", "v2", String.format("customer-%04d", i))
                .configRevision(7).build();
    }

    private static List<ExposureEvent> events(int n) {
        List<ExposureEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(event(i));
        }
        return out;
    }

    @Test
    void recordAndFlush_writeOneJsonLinePerEvent_readBackInOrder() throws IOException {
        try (JsonlExposureSink sink = JsonlExposureSink.builder(dir).clock(clock).build()) {
            events(3).forEach(sink::record);
            sink.flush();

            assertThat(Files.readAllLines(sink.activeFile()))
                    .containsExactly(ExposureJson.write(event(0)), ExposureJson.write(event(1)),
                            ExposureJson.write(event(2)));
        }
        assertThat(JsonlExposureSink.read(dir)).isEqualTo(events(3));
    }

    @Test
    void aFileAboutToPassMaxBytes_isRotated_andOldFilesBeyondMaxFilesAreDeleted() {
        int lineBytes = ExposureJson.write(event(0)).length() + 1;
        try (JsonlExposureSink sink = JsonlExposureSink.builder(dir).clock(clock)
                .maxFileBytes(Math.max(1024, lineBytes * 4L)).maxFiles(3).build()) {
            int perFile = (int) (Math.max(1024, lineBytes * 4L) / lineBytes);
            for (int i = 0; i < perFile * 6; i++) {
                if (i % perFile == 0) {
                    clock.advance(Duration.ofSeconds(1)); // distinct names
                }
                sink.record(event(i));
            }
            sink.flush();

            List<Path> files = JsonlExposureSink.files(dir, "exposures");
            assertThat(files).hasSize(4); // 3 rotated + the active one
            for (Path f : files) {
                assertThat(f.toFile().length()).isLessThanOrEqualTo(Math.max(1024, lineBytes * 4L));
            }
            assertThat(files.get(0).getFileName().toString())
                    .matches("exposures-20260301T1200\\d\\d\\.000Z\\.jsonl");
            List<ExposureEvent> kept = JsonlExposureSink.read(dir);
            assertThat(kept).hasSize(perFile * 4)
                    .isEqualTo(events(perFile * 6).subList(perFile * 2, perFile * 6));
        }
    }

    @Test
    void aFileOlderThanRotateEvery_isRotatedAtTheNextWrite() {
        try (JsonlExposureSink sink = JsonlExposureSink.builder(dir).clock(clock)
                .rotateEvery(Duration.ofHours(1)).build()) {
            sink.record(event(0));
            clock.advance(Duration.ofMinutes(59));
            sink.record(event(1));
            clock.advance(Duration.ofMinutes(1));
            sink.record(event(2));
            sink.flush();

            assertThat(JsonlExposureSink.files(dir, "exposures")).extracting(p -> p.getFileName()
                    .toString()).containsExactly("exposures-20260301T120000.000Z.jsonl",
                            "exposures.jsonl");
        }
        assertThat(JsonlExposureSink.read(dir)).isEqualTo(events(3));
    }

    @Test
    void reopening_afterACrashMidLine_cutsTheTornLineAndAppends() throws IOException {
        try (JsonlExposureSink sink = JsonlExposureSink.builder(dir).clock(clock).build()) {
            sink.record(event(0));
        }
        Files.writeString(dir.resolve("exposures.jsonl"), "{\"v\":1,\"time\":\"20",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        try (JsonlExposureSink sink = JsonlExposureSink.builder(dir).clock(clock).build()) {
            sink.record(event(1));
        }

        assertThat(JsonlExposureSink.read(dir)).isEqualTo(events(2));
    }

    @Test
    void read_aLineThatIsNotAnEvent_namesTheFileAndTheLine() throws IOException {
        Files.writeString(dir.resolve("exposures.jsonl"),
                ExposureJson.write(event(0)) + "\n{\"v\":1}\n");

        assertThatThrownBy(() -> JsonlExposureSink.read(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exposures.jsonl:2: ");
    }

    @Test
    void record_afterClose_throws_andCloseIsIdempotent() {
        JsonlExposureSink sink = JsonlExposureSink.builder(dir).build();
        sink.close();
        sink.close();

        assertThatThrownBy(() -> sink.record(event(0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void builder_badValues_areRefusedNamingTheField() {
        JsonlExposureSink.Builder b = JsonlExposureSink.builder(dir);

        assertThatThrownBy(() -> b.maxFileBytes(10)).hasMessageContaining("maxFileBytes")
                .hasMessageContaining("10");
        assertThatThrownBy(() -> b.maxFiles(0)).hasMessageContaining("maxFiles");
        assertThatThrownBy(() -> b.rotateEvery(Duration.ofSeconds(-1)))
                .hasMessageContaining("rotateEvery");
        assertThatThrownBy(() -> b.prefix("../x")).hasMessageContaining("'../x'");
    }
}

package dev.releaserouter.rollout.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.spi.WindowSummary;
import dev.releaserouter.core.testing.MutableClock;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Windows kept in a JSON Lines file: persistent, shared by writers, tolerant of bad lines. */
class JsonlMeasurementWindowStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void windowsAppended_areReadBack_byAStoreOpenedLaterOnTheSameDirectory() {
        MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
        ArmMeasurements arms = ArmMeasurements.builder().clock(clock)
                .windowStore(JsonlMeasurementWindowStore.open(dir)).source("pod-0").build();
        FleetTraffic.traffic(clock, 0.03, arms);
        MeasurementSnapshot live = arms.snapshot("churn", Duration.ofMinutes(11));

        List<WindowSummary> reopened = JsonlMeasurementWindowStore.open(dir)
                .read("churn", T0, T0.plus(Duration.ofHours(1)));

        assertThat(reopened).isNotEmpty();
        Map<String, List<ArmStats>> stats = ArmMeasurements.windowStats(reopened);
        assertThat(stats.keySet()).containsExactly("v1", "v2");
        for (String v : stats.keySet()) {
            long stored = stats.get(v).stream().mapToLong(ArmStats::requests).sum();
            long closedLive = live.windowStats(v).stream()
                    .filter(w -> !w.to().isAfter(reopened.get(reopened.size() - 1).end()))
                    .mapToLong(ArmStats::requests).sum();
            assertThat(stored).as(v).isEqualTo(closedLive).isPositive();
            assertThat(stats.get(v).get(0).p95Ms()).as(v).isPositive();
        }
        assertThat(JsonlMeasurementWindowStore.readAll(dir.resolve(
                JsonlMeasurementWindowStore.FILE))).containsExactlyElementsOf(reopened);
    }

    @Test
    void twoWritersSharingTheDirectory_eachReadTheMergeOfBoth() {
        JsonlMeasurementWindowStore a = JsonlMeasurementWindowStore.open(dir);
        JsonlMeasurementWindowStore b = JsonlMeasurementWindowStore.open(dir);

        a.append(window("pod-a", 0, 100, 3));
        b.append(window("pod-b", 0, 50, 1));
        b.append(window("pod-b", 1, 40, 0));

        List<WindowSummary> fromA = a.read("churn", T0, T0.plusSeconds(3600));
        assertThat(fromA).hasSize(2);
        assertThat(fromA.get(0).count("requests")).isEqualTo(150);
        assertThat(fromA.get(0).count("errors")).isEqualTo(4);
        assertThat(fromA.get(0).sources()).containsExactlyInAnyOrder("pod-a", "pod-b");
        assertThat(b.read("churn", T0, T0.plusSeconds(3600))).isEqualTo(fromA);
    }

    @Test
    void aRetriedAppend_replacesThatSourcesWindow_alsoAfterReopening() {
        JsonlMeasurementWindowStore store = JsonlMeasurementWindowStore.open(dir);
        store.append(window("pod-a", 0, 100, 3));
        store.append(window("pod-a", 0, 120, 4));

        assertThat(JsonlMeasurementWindowStore.open(dir).read("churn", T0, T0.plusSeconds(60))
                .get(0).count("requests")).isEqualTo(120);
    }

    @Test
    void badLines_areSkippedAndCounted_andAHalfWrittenLastLineWaitsForItsEnd() throws Exception {
        JsonlMeasurementWindowStore store = JsonlMeasurementWindowStore.open(dir);
        store.append(window("pod-a", 0, 100, 3));
        Path file = store.file();
        append(file, "{\"not\": \"a window\"}\nnot json at all\n");
        String next = WindowSummaryJson.encode(window("pod-b", 1, 10, 0));
        append(file, next.substring(0, 20));

        JsonlMeasurementWindowStore reader = JsonlMeasurementWindowStore.open(dir);
        assertThat(reader.read("churn", T0, T0.plusSeconds(3600))).hasSize(1);
        assertThat(reader.badLines()).isEqualTo(2);

        append(file, next.substring(20) + "\n");
        assertThat(reader.read("churn", T0, T0.plusSeconds(3600))).hasSize(2);
        assertThat(reader.badLines()).isEqualTo(2);
        assertThat(store.read("churn", T0, T0.plusSeconds(3600))).hasSize(2);
        assertThatThrownBy(() -> JsonlMeasurementWindowStore.readAll(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ":2: /counts must be an object, but was null");
    }

    @Test
    void readAll_ofAMissingFile_failsNamingIt() {
        Path missing = dir.resolve("nope.jsonl");
        assertThatThrownBy(() -> JsonlMeasurementWindowStore.readAll(missing))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(missing.toString());
    }

    @Test
    void windowStats_ofWindowsOfTwoModels_isRefused() {
        WindowSummary other = new WindowSummary(java.util.Set.of("pod-a"), "fraud", "v1", T0,
                Duration.ofMinutes(1), Map.of("requests", 1L), Map.of(), Map.of());
        assertThatThrownBy(() -> ArmMeasurements.windowStats(List.of(window("pod-a", 0, 1, 0),
                other))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fraud");
    }

    @Test
    void decode_ofAnObjectMissingAField_namesTheField() {
        assertThatThrownBy(() -> WindowSummaryJson.decode("{\"source\": \"a\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/counts");
    }

    private static WindowSummary window(String source, int minute, long requests, long errors) {
        return new WindowSummary(java.util.Set.of(source), "churn", "v2",
                T0.plusSeconds(60L * minute), Duration.ofMinutes(1),
                Map.of("requests", requests, "errors", errors), Map.of(), Map.of());
    }

    private static void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}

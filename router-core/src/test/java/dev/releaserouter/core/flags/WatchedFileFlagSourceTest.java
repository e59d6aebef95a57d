package dev.releaserouter.core.flags;

import static dev.releaserouter.core.flags.FlagFileParserTest.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.core.FlagSources;
import dev.releaserouter.core.flags.internal.WatchedFileFlagSource;
import dev.releaserouter.core.flags.internal.WatchedFileFlagSource.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watched file source, driven deterministically with {@code checkNow()}. */
class WatchedFileFlagSourceTest {

    static final String FIVE_PERCENT = q("{'model:churn': {'canary_weight': 5}}");
    static final String TEN_PERCENT = q("{'model:churn': {'canary_weight': 10}}");
    static final String KILLED = q("{'model:churn': {'canary_weight': 5, 'kill': true}}");

    @TempDir
    Path dir;

    WatchedFileFlagSource source;
    final RecordingListener listener = new RecordingListener();

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
    }

    WatchedFileFlagSource watched(Path file) {
        source = new WatchedFileFlagSource(file, Duration.ofMillis(250), null, false);
        return source;
    }

    /** Writes the file, loads it and starts watching it (without the thread). */
    Path watching(String content) throws IOException {
        Path file = Files.writeString(dir.resolve("flags.json"), content);
        watched(file).load();
        source.watch(listener);
        return file;
    }

    static int canaryWeight(RouterConfig config) {
        return config.model("churn").version("v2").weightBasisPoints();
    }

    @Test
    void load_readsTheFile_andNamesItAsTheSource() throws IOException {
        Path file = Files.writeString(dir.resolve("flags.json"), FIVE_PERCENT);

        RouterConfig config = watched(file).load();

        assertThat(canaryWeight(config)).isEqualTo(500);
        assertThat(source.description()).isEqualTo("file:" + file.toAbsolutePath());
    }

    @Test
    void checkNow_afterTheFileChanges_deliversTheNewConfig() throws IOException {
        Path file = watching(FIVE_PERCENT);

        Files.writeString(file, TEN_PERCENT);

        assertThat(source.checkNow()).isEqualTo(Outcome.CHANGED);
        assertThat(listener.changes()).singleElement()
                .satisfies(c -> assertThat(canaryWeight(c)).isEqualTo(1000));
        assertThat(listener.errors()).isEmpty();
    }

    @Test
    void checkNow_withoutChange_reportsNothing() throws IOException {
        Path file = watching(FIVE_PERCENT);

        assertThat(source.checkNow()).isEqualTo(Outcome.UNCHANGED);
        listener.assertNothingReported();
    }

    @Test
    void contentIdenticalRewrite_isNotReported() throws IOException {
        Path file = watching(FIVE_PERCENT);

        Files.writeString(file, FIVE_PERCENT);
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));

        assertThat(source.checkNow()).isEqualTo(Outcome.UNCHANGED);
        listener.assertNothingReported();
    }

    @Test
    void badContent_keepsTheLastGood_andIsReportedAndLoggedOnce() throws IOException {
        Path file = watching(FIVE_PERCENT);

        Files.writeString(file, q("{'model:churn': {'canary_weight': 120}}"));

        assertThat(source.checkNow()).isEqualTo(Outcome.REJECTED);
        assertThat(source.checkNow()).isEqualTo(Outcome.UNCHANGED);
        assertThat(source.checkNow()).isEqualTo(Outcome.UNCHANGED);
        assertThat(listener.changes()).isEmpty();
        assertThat(listener.errors()).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo(source.description());
            assertThat(e.pointer()).isEqualTo("/model:churn/canary_weight");
            assertThat(e.value()).isEqualTo("120");
        });
        assertThat(source.warningsLogged()).isEqualTo(1);
    }

    @Test
    void anotherBadContent_isReportedAgain_andGoodContentRecovers() throws IOException {
        Path file = watching(FIVE_PERCENT);

        Files.writeString(file, "");
        assertThat(source.checkNow()).isEqualTo(Outcome.REJECTED);
        Files.writeString(file, "{\"model:churn\": ");
        assertThat(source.checkNow()).isEqualTo(Outcome.REJECTED);
        Files.writeString(file, TEN_PERCENT);
        assertThat(source.checkNow()).isEqualTo(Outcome.CHANGED);

        assertThat(listener.errors()).extracting(ConfigException::problem).satisfiesExactly(
                p -> assertThat(p).isEqualTo("the flag file is empty"),
                p -> assertThat(p).startsWith("the JSON ends too early"));
        assertThat(listener.changes()).singleElement()
                .satisfies(c -> assertThat(canaryWeight(c)).isEqualTo(1000));
        assertThat(source.warningsLogged()).isEqualTo(2);
    }

    @Test
    void truncatedWriteThenCompleteWrite_rejectsThenLoads() throws IOException {
        Path file = watching(FIVE_PERCENT);

        Files.writeString(file, KILLED.substring(0, KILLED.length() / 2));
        assertThat(source.checkNow()).isEqualTo(Outcome.REJECTED);
        Files.writeString(file, KILLED);
        assertThat(source.checkNow()).isEqualTo(Outcome.CHANGED);

        assertThat(listener.errors()).hasSize(1);
        assertThat(listener.changes()).singleElement()
                .satisfies(c -> assertThat(c.model("churn").kills().all()).isTrue());
    }

    @Test
    void fileThatDisappears_isReportedOnce() throws IOException {
        Path file = watching(FIVE_PERCENT);

        Files.delete(file);

        assertThat(source.checkNow()).isEqualTo(Outcome.MISSING);
        assertThat(source.checkNow()).isEqualTo(Outcome.UNCHANGED);
        assertThat(listener.errors()).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo(source.description());
            assertThat(e.problem()).isEqualTo("the flag file disappeared");
        });
        assertThat(source.warningsLogged()).isEqualTo(1);
    }

    @Test
    void fileThatAppearsAfterStart_isLoaded_whenTheFallbackServedTheStart() throws IOException {
        Path file = dir.resolve("flags.json");
        RouterConfig fallback = RouterConfig.EMPTY;
        source = new WatchedFileFlagSource(file, Duration.ofMillis(250),
                FlagSources.inMemory(fallback), false);

        assertThat(source.load()).isEqualTo(fallback);
        source.watch(listener);
        assertThat(source.checkNow()).isEqualTo(Outcome.UNCHANGED);
        listener.assertNothingReported();

        Files.writeString(file, FIVE_PERCENT);

        assertThat(source.checkNow()).isEqualTo(Outcome.CHANGED);
        assertThat(listener.changes()).singleElement()
                .satisfies(c -> assertThat(canaryWeight(c)).isEqualTo(500));
    }

    @Test
    void missingFileWithoutFallback_failsLoad_namingTheFile() {
        Path file = dir.resolve("absent.json");

        assertThatThrownBy(() -> watched(file).load())
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isEqualTo("file:" + file.toAbsolutePath());
                    assertThat(e.pointer()).isEmpty();
                    assertThat(e.problem()).isEqualTo("the flag file does not exist");
                });
    }

    @Test
    void invalidFileAtStart_failsLoad_evenWithAFallback() throws IOException {
        Path file = Files.writeString(dir.resolve("flags.json"), "{");
        source = new WatchedFileFlagSource(file, Duration.ofMillis(250),
                FlagSources.inMemory(RouterConfig.EMPTY), false);

        assertThatThrownBy(source::load).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problem()).startsWith("the JSON ends too early"));
    }

    @Test
    void configMapSymlinkSwap_isSeen() throws IOException {
        // The layout the kubelet writes: flags.json -> ..data/flags.json, ..data -> ..<version>
        Path v1 = Files.createDirectory(dir.resolve("..2026_11_01"));
        Files.writeString(v1.resolve("flags.json"), FIVE_PERCENT);
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Path file = Files.createSymbolicLink(dir.resolve("flags.json"),
                Path.of("..data", "flags.json"));
        watched(file).load();
        source.watch(listener);

        Path v2 = Files.createDirectory(dir.resolve("..2026_11_02"));
        Files.writeString(v2.resolve("flags.json"), TEN_PERCENT);
        Path tmp = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
        Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);

        assertThat(source.checkNow()).isEqualTo(Outcome.CHANGED);
        assertThat(listener.changes()).singleElement()
                .satisfies(c -> assertThat(canaryWeight(c)).isEqualTo(1000));
    }

    @Test
    void watchingTwice_isRejected() throws IOException {
        Path file = Files.writeString(dir.resolve("flags.json"), FIVE_PERCENT);
        watched(file).watch(listener);

        assertThatThrownBy(() -> source.watch(listener))
                .isInstanceOf(IllegalStateException.class);
    }
}

package dev.releaserouter.core.flags;

import static dev.releaserouter.core.flags.WatchedFileFlagSourceTest.FIVE_PERCENT;
import static dev.releaserouter.core.flags.WatchedFileFlagSourceTest.KILLED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.core.FlagSources;
import dev.releaserouter.core.flags.internal.WatchedFileFlagSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlagSourcesTest {

    /**
     * A deadline for real file watching on a possibly busy machine: generous, polled. How fast a
     * kill switch is in force (32 ms at p50) is measured by router-benchmarks, not here.
     */
    static final Duration WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void classpath_loadsTheResourceOnce_andNamesIt() {
        FlagSource source = FlagSources.classpath("/flags/seed-short-form.json");

        RouterConfig first = source.load();

        assertThat(source.description()).isEqualTo("classpath:flags/seed-short-form.json");
        assertThat(first.model("churn")).isNotNull();
        assertThat(source.load()).isSameAs(first);
    }

    @Test
    void classpath_missingResource_failsLoad_namingIt() {
        FlagSource source = FlagSources.classpath("flags/absent.json",
                FlagSourcesTest.class.getClassLoader());

        assertThatThrownBy(source::load).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.source()).isEqualTo("classpath:flags/absent.json");
            assertThat(e.pointer()).isEmpty();
            assertThat(e.getMessage()).contains("flags/absent.json does not exist");
        });
    }

    @Test
    void inMemory_returnsTheGivenConfig() {
        FlagSource source = FlagSources.inMemory(RouterConfig.EMPTY);

        assertThat(source.load()).isSameAs(RouterConfig.EMPTY);
        assertThat(source.description()).isEqualTo("in-memory");
    }

    @Test
    void fileBuilder_rejectsANonPositivePollInterval() {
        assertThatThrownBy(() -> FlagSources.fileBuilder(dir.resolve("f.json"))
                .pollInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fileWithClasspathFallback_startsFromTheClasspath_whenTheFileIsMissing() {
        try (FlagSource source = FlagSources.fileBuilder(dir.resolve("flags.json"))
                .fallback(FlagSources.classpath("flags/seed-short-form.json"))
                .build()) {

            assertThat(source.load().model("churn")).isNotNull();
            assertThat(source.description()).startsWith("file:");
        }
    }

    @Test
    void killSwitchWrittenToTheFile_reachesTheListenerWithinOneSecond()
            throws IOException, InterruptedException {
        Path file = Files.writeString(dir.resolve("flags.json"), FIVE_PERCENT);
        RecordingListener listener = new RecordingListener();
        try (FlagSource source = FlagSources.file(file)) {
            assertThat(source.load().model("churn").kills().all()).isFalse();
            source.watch(listener);

            Files.writeString(file, KILLED);

            RouterConfig config = listener.await(RouterConfig.class,
                    c -> c.model("churn").kills().all(), WITHIN);
            assertThat(config.model("churn").kills().all()).isTrue();
            assertThat(listener.lastThread.getName())
                    .isEqualTo(WatchedFileFlagSource.THREAD_NAME);
            assertThat(listener.lastThread.isDaemon()).isTrue();
        }
        assertThat(listener.lastThread.isAlive()).as("watcher stopped by close()").isFalse();
    }

    @Test
    void truncatedWriteThenCompleteWrite_isRejectedThenLoaded_withoutARestart()
            throws IOException, InterruptedException {
        Path file = Files.writeString(dir.resolve("flags.json"), FIVE_PERCENT);
        RecordingListener listener = new RecordingListener();
        try (FlagSource source = FlagSources.fileBuilder(file)
                .pollInterval(Duration.ofMillis(100)).build()) {
            source.load();
            source.watch(listener);

            // Ends after "true", without the closing braces.
            Files.writeString(file, KILLED.substring(0, KILLED.length() - 2));
            ConfigException error = listener.await(ConfigException.class, e -> true, WITHIN);
            Files.writeString(file, KILLED);
            RouterConfig config = listener.await(RouterConfig.class, c -> true, WITHIN);

            assertThat(error.source()).isEqualTo(source.description());
            assertThat(error.problem()).startsWith("the JSON ends too early");
            assertThat(config.model("churn").kills().all()).isTrue();
            assertThat(listener.changes()).as("no half config delivered").hasSize(1);
        }
    }
}

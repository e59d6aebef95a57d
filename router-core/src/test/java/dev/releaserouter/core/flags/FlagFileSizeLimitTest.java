package dev.releaserouter.core.flags;

import static dev.releaserouter.core.testing.FlagFiles.WATCH_DEADLINE;
import static dev.releaserouter.core.testing.FlagFiles.await;
import static dev.releaserouter.core.testing.FlagFiles.replace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.core.FlagSources;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flag files have a size limit (16 MiB by default, configurable), checked before the file is
 * read into memory, with an error that names the file, its size, the limit and how to raise it.
 */
class FlagFileSizeLimitTest {

    static final RouteRequest REQ = RouteRequest.builder("churn", "customer-43")
            .tenant("retail-br").region("BR").build();

    @TempDir
    Path dir;
    Router router;
    FlagSource source;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
        if (source != null) {
            source.close();
        }
    }

    static String flags(String weight, boolean kill, int padding) {
        return "{\"models\": {\"churn\": {\"stable\": \"v1\", \"versions\": {"
                + "\"v1\": {\"stage\": \"approved\"},"
                + "\"v2\": {\"stage\": \"approved\", \"weight\": " + weight + "}},"
                + "\"kill\": " + kill + "}}}" + " ".repeat(padding);
    }

    @Test
    void defaultLimit_is16MiB() {
        assertThat(FlagSources.DEFAULT_MAX_SIZE).isEqualTo(16L * 1024 * 1024);
    }

    @Test
    void load_sparse20GbFile_isRejectedBeforeReading_namingSizeLimitAndHowToRaiseIt()
            throws IOException {
        Path file = dir.resolve("flags.json");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(20L * 1024 * 1024 * 1024); // sparse: no disk, but 20 GB to read
        }
        source = FlagSources.file(file);

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(source::load)
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isEqualTo("file:" + file.toAbsolutePath());
                    assertThat(e.problem()).contains("21,474,836,480 bytes")
                            .contains("16,777,216 bytes (16 MiB)").contains("maxSize")
                            .contains("router.flags.max-size");
                }));
    }

    @Test
    void load_fileOverAConfiguredLimit_isRejected_andOneAtTheLimitLoads() throws IOException {
        String content = flags("5", false, 0);
        Path file = Files.writeString(dir.resolve("flags.json"), content);

        FlagSource tight = FlagSources.fileBuilder(file).maxSize(content.length() - 1).build();
        assertThatThrownBy(tight::load).isInstanceOf(ConfigException.class)
                .hasMessageContaining("more than the limit of " + (content.length() - 1));
        tight.close();

        source = FlagSources.fileBuilder(file).maxSize(content.length()).build();
        assertThat(source.load().model("churn")).isNotNull();
    }

    @Test
    void maxSize_notPositive_isRejected() {
        assertThatThrownBy(() -> FlagSources.fileBuilder(dir.resolve("f.json")).maxSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSize");
    }

    @Test
    void reload_fileGrownOverTheLimit_isRejected_andALaterSmallKillSwitchIsApplied()
            throws IOException {
        Path file = Files.writeString(dir.resolve("flags.json"), flags("100", false, 0));
        source = FlagSources.fileBuilder(file).maxSize(4_096).build();
        router = ReleaseRouter.builder().flagSource(source).auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET).build();
        assertThat(router.decide(REQ).isCandidate()).isTrue();

        replace(file, flags("0", false, 10_000));
        await(() -> router.status().reloadFailures() == 1, WATCH_DEADLINE);
        assertThat(router.status().upToDate()).isFalse();
        assertThat(router.status().lastReloadError().problem()).contains("limit of 4,096 bytes");
        assertThat(router.decide(REQ).isCandidate()).as("the last good config").isTrue();

        replace(file, flags("100", true, 0));
        await(() -> router.decide(REQ).reason() == Reason.KILL_SWITCH, WATCH_DEADLINE);
        assertThat(router.status().upToDate()).isTrue();
    }

    @Test
    void classpath_resourceOverTheLimit_isRejected() {
        FlagSource cp = FlagSources.classpath("flags/size-limit.json",
                FlagFileSizeLimitTest.class.getClassLoader(), 10);
        assertThatThrownBy(cp::load).isInstanceOf(ConfigException.class)
                .hasMessageContaining("classpath:flags/size-limit.json")
                .hasMessageContaining("larger than the limit of 10 bytes");
    }
}

package dev.releaserouter.core.flags.internal;

import static dev.releaserouter.core.testing.FlagFiles.await;
import static dev.releaserouter.core.testing.FlagFiles.replace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.RouterStatus;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The flag watcher survives anything thrown while reading, parsing or applying a file: it is
 * counted, reported in {@code status()}, and a later good file (a kill switch) is applied. Uses
 * the real watcher thread; waits poll with generous deadlines and never sleep for correctness.
 */
class WatcherSurvivesTest {

    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final RouteRequest REQ = RouteRequest.builder("churn", "customer-43")
            .tenant("retail-br").region("BR").build();
    /** The weight that makes the injected parser throw. */
    static final String POISON = "42";

    @TempDir
    Path dir;
    Router router;
    WatchedFileFlagSource source;
    final RecordingAuditSink audit = new RecordingAuditSink();

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
        if (source != null) {
            source.close();
        }
    }

    static String flags(String weight, boolean kill) {
        return "{\"models\": {\"churn\": {\"stable\": \"v1\", \"versions\": {"
                + "\"v1\": {\"stage\": \"approved\"},"
                + "\"v2\": {\"stage\": \"approved\", \"weight\": " + weight + "}},"
                + "\"kill\": " + kill + "}}}";
    }

    static Stream<Arguments> errors() {
        return Stream.<Supplier<Throwable>>of(
                () -> new AssertionError("injected assertion"),
                () -> new OutOfMemoryError("injected: Java heap space"),
                () -> new StackOverflowError("injected"),
                () -> new NoClassDefFoundError("injected/Missing"),
                () -> new IllegalStateException("injected bug"))
                .map(s -> Arguments.of(s.get().getClass().getSimpleName(), s));
    }

    /** The real parser, except that a file with the poisoned weight throws the given error. */
    static WatchedFileFlagSource.Parser poisoned(Supplier<Throwable> error) {
        return (bytes, description) -> {
            if (new String(bytes, StandardCharsets.UTF_8).contains("\"weight\": " + POISON)) {
                Throwable t = error.get();
                if (t instanceof Error) {
                    throw (Error) t;
                }
                throw (RuntimeException) t;
            }
            return FlagFileParser.parse(bytes, description);
        };
    }

    Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("flags.json"), content);
    }

    Router start(Path file, WatchedFileFlagSource.Parser parser) {
        source = new WatchedFileFlagSource(file, Duration.ofMillis(50), null, true, parser);
        router = ReleaseRouter.builder().flagSource(source).auditSink(audit)
                .hashSecretHex(Configs.SECRET).build();
        return router;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void errorInTheParsePath_isCountedAndReported_andALaterKillSwitchIsApplied(String name,
            Supplier<Throwable> error) throws IOException {
        Path file = write(flags("100", false));
        start(file, poisoned(error));
        assertThat(router.decide(REQ).isCandidate()).isTrue();

        replace(file, flags(POISON, false));
        await(() -> router.status().reloadFailures() == 1, DEADLINE);
        RouterStatus failed = router.status();
        assertThat(failed.upToDate()).isFalse();
        assertThat(failed.watcherAlive()).isTrue();
        assertThat(failed.lastReloadError().source()).isEqualTo(source.description());
        assertThat(failed.lastReloadError()).hasRootCauseInstanceOf(error.get().getClass());
        assertThat(failed.lastReloadError().getMessage()).contains(name);
        assertThat(router.decide(REQ).isCandidate()).as("the last good config").isTrue();

        replace(file, flags("100", true));
        await(() -> router.decide(REQ).reason() == Reason.KILL_SWITCH, DEADLINE);
        RouterStatus after = router.status();
        assertThat(after.upToDate()).isTrue();
        assertThat(after.watcherAlive()).isTrue();
        assertThat(source.watcherThread().isAlive()).isTrue();
    }

    @Test
    void errorInTheParsePath_atLoad_isAConfigExceptionWithTheCause() throws IOException {
        Path file = write(flags(POISON, false));
        source = new WatchedFileFlagSource(file, Duration.ofMillis(50), null, false,
                poisoned(() -> new AssertionError("injected")));

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(source::load);

        assertThat(thrown).isInstanceOf(ConfigException.class)
                .hasCauseInstanceOf(AssertionError.class)
                .hasMessageContaining(source.description());
    }

    @Test
    void listenerThatThrowsAnError_doesNotStopTheWatcher() throws IOException {
        Path file = write(flags("10", false));
        source = new WatchedFileFlagSource(file, Duration.ofMillis(50), null, true,
                FlagFileParser::parse);
        source.load();
        AtomicInteger calls = new AtomicInteger();
        List<RouterConfig> seen = new CopyOnWriteArrayList<>();
        source.watch(new FlagSource.Listener() {
            @Override
            public void onChange(RouterConfig config) {
                if (calls.incrementAndGet() == 1) {
                    throw new AssertionError("injected listener failure");
                }
                seen.add(config);
            }

            @Override
            public void onError(ConfigException error) {
                throw new NoClassDefFoundError("injected");
            }
        });

        replace(file, flags("20", false));
        await(() -> calls.get() == 1, DEADLINE);
        replace(file, "{not json");
        replace(file, flags("30", false));
        await(() -> !seen.isEmpty(), DEADLINE);

        assertThat(seen.get(seen.size() - 1).model("churn").version("v2").weightBasisPoints())
                .isEqualTo(3_000);
        assertThat(source.watcherThread().isAlive()).isTrue();
        assertThat(source.watcherAlive()).isTrue();
    }

    @Test
    void watcherThatStopped_isReportedInStatus_asNotAliveAndNotUpToDate() throws IOException {
        Path file = write(flags("100", false));
        start(file, FlagFileParser::parse);
        assertThat(router.status().watcherAlive()).isTrue();
        assertThat(router.status().upToDate()).isTrue();

        // The one way left to stop it without close(): interrupt it from outside.
        Thread watcher = source.watcherThread();
        watcher.interrupt();
        await(() -> !watcher.isAlive(), DEADLINE);

        RouterStatus s = router.status();
        assertThat(s.watcherAlive()).isFalse();
        assertThat(s.upToDate()).isFalse();
        assertThat(s.toString()).contains("watcherAlive=false");
    }


}

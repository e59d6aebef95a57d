package dev.releaserouter.core.flags;

import static dev.releaserouter.core.testing.FlagFiles.await;
import static dev.releaserouter.core.testing.FlagFiles.replace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.FlagSources;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.flags.internal.FlagFileParser;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile numbers in every numeric field of a flag file: each is accepted or rejected with a
 * located {@link ConfigException} in bounded time and memory, at startup and on a hot reload,
 * and the watcher stays alive to apply the next good file. The time limits are generous bounds
 * against a hang (the bug took 6.5 s to minutes, or ended in OutOfMemoryError), not timing tests.
 */
class FlagFileNumbersTest {

    static final Duration BOUND = Duration.ofSeconds(5); // the fastest bad case took 6.5 s
    static final String SOURCE = "file:/etc/router/flags.json";

    /** The numbers of issue 12 and their relatives: tiny, huge, long, and exponent overflows. */
    static final List<String> HOSTILE = List.of(
            "1e-999999999", "1e-20000000", "-1e-999999999", "1e999999999", "1E+999999999",
            "0e999999999", "0e-999999999", "1e-2147483648", "1e2147483648", "1e99999999999",
            "5" + ".0".repeat(1) + "0".repeat(60), "0." + "0".repeat(900) + "1",
            "9".repeat(999), "1" + "0".repeat(400) + ".5", "-0.0", "1e-7", "5.001");

    /** Pointer of each numeric field, and the file that puts a number there. */
    static Stream<Arguments> fieldsAndNumbers() {
        List<Arguments> args = new ArrayList<>();
        for (String n : HOSTILE) {
            args.add(Arguments.of("/models/churn/versions/v2/weight", longForm("'weight': " + n,
                    "")));
            args.add(Arguments.of("/models/churn/versions/v2/reserve",
                    longForm("'reserve': " + n, "")));
            args.add(Arguments.of("/models/churn/versions/v2/budget/max_requests",
                    longForm("'weight': 5, 'budget': {'max_requests': " + n + "}", "")));
            args.add(Arguments.of("/models/churn/versions/v2/budget/max_value_share",
                    longForm("'weight': 5, 'budget': {'max_value_share': " + n + "}", "")));
            args.add(Arguments.of("/models/churn/shadow/sample",
                    longForm("'weight': 5", ", 'shadow': {'version': 'v2', 'sample': " + n + "}")));
            args.add(Arguments.of("/model:churn/canary_weight",
                    q("{'model:churn': {'canary_weight': " + n + "}}")));
            args.add(Arguments.of("/schema_version",
                    q("{'schema_version': " + n + ", 'model:churn': {'canary_weight': 5}}")));
        }
        return args.stream();
    }

    static String longForm(String v2, String extra) {
        return q("{'models': {'churn': {'stable': 'v1', 'versions': {'v1': {}, 'v2': {" + v2
                + "}}" + extra + "}}}");
    }

    static String q(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    @TempDir
    Path dir;
    Router router;
    final RecordingAuditSink audit = new RecordingAuditSink();

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    @ParameterizedTest
    @MethodSource("fieldsAndNumbers")
    void parse_hostileNumberInAnyNumericField_isAcceptedOrRejectedFast_withALocatedError(
            String pointer, String json) {
        Throwable thrown = assertTimeoutPreemptively(BOUND,
                () -> catchThrowable(() -> FlagFileParser.parse(json, SOURCE)));

        if (thrown != null) {
            assertThat(thrown).isInstanceOf(ConfigException.class);
            ConfigException e = (ConfigException) thrown;
            assertThat(e.source()).isEqualTo(SOURCE);
            assertThat(e.pointer()).isEqualTo(pointer);
            assertThat(e.value()).isNotNull().hasSizeLessThanOrEqualTo(210);
            assertThat(e.getMessage()).hasSizeLessThan(1_000);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e-999999999", "1e-20000000"})
    void startup_weightWithHugeExponent_failsFast_namingFilePointerAndValue(String weight)
            throws IOException {
        Path file = Files.writeString(dir.resolve("flags.json"), longForm("'weight': " + weight,
                ""));

        assertTimeoutPreemptively(BOUND, () -> assertThatThrownBy(() -> start(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isEqualTo("file:" + file.toAbsolutePath());
                    assertThat(e.pointer()).isEqualTo("/models/churn/versions/v2/weight");
                    assertThat(e.value()).isEqualToIgnoringCase(weight);
                    assertThat(e.problem()).contains("two decimals");
                }));
    }

    @Test
    void reload_weightWithHugeExponent_isRejectedFast_andALaterKillSwitchIsApplied()
            throws IOException {
        Path file = Files.writeString(dir.resolve("flags.json"), RouterFlags.flags("100", false));
        start(file);
        RouteRequest req = RouterFlags.REQ;
        assertThat(router.decide(req).isCandidate()).isTrue();

        replace(file, RouterFlags.flags("1e-999999999", false));
        await(() -> router.status().reloadFailures() == 1, Duration.ofSeconds(10));
        ConfigException e = router.status().lastReloadError();
        assertThat(e.pointer()).isEqualTo("/models/churn/versions/v2/weight");
        assertThat(e.value()).isEqualToIgnoringCase("1e-999999999");
        assertThat(router.status().upToDate()).isFalse();

        replace(file, RouterFlags.flags("100", true));
        await(() -> router.decide(req).reason() == Reason.KILL_SWITCH, Duration.ofSeconds(10));
        assertThat(router.status().upToDate()).isTrue();
    }

    Router start(Path file) {
        router = ReleaseRouter.builder().flagSource(FlagSources.file(file)).auditSink(audit)
                .hashSecretHex(Configs.SECRET).build();
        return router;
    }



    /** The flag file of {@code RouterFlagFileTest}: one model, v2 at a given weight. */
    static final class RouterFlags {
        static final RouteRequest REQ = RouteRequest.builder("churn", "customer-43")
                .tenant("retail-br").region("BR").build();

        static String flags(String weight, boolean kill) {
            return "{\"models\": {\"churn\": {\"stable\": \"v1\", \"versions\": {"
                    + "\"v1\": {\"stage\": \"approved\"},"
                    + "\"v2\": {\"stage\": \"approved\", \"weight\": " + weight + "}},"
                    + "\"kill\": " + kill + "}}}";
        }
    }
}

package dev.releaserouter.core;

import static dev.releaserouter.core.testing.FlagFiles.await;
import static dev.releaserouter.core.testing.FlagFiles.replace;
import static dev.releaserouter.core.testing.FlagFiles.WATCH_DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.io.IOException;
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

/** A router on a watched flag file, end to end through the public API. */
class RouterFlagFileTest {

    static final RouteRequest REQ = RouteRequest.builder("churn", "customer-43") // bucket 4939
            .tenant("retail-br").region("BR").build();

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

    static String flags(String weight, boolean kill) {
        return "{\"models\": {\"churn\": {\"stable\": \"v1\", \"versions\": {"
                + "\"v1\": {\"stage\": \"approved\"},"
                + "\"v2\": {\"stage\": \"approved\", \"weight\": " + weight + "}},"
                + "\"deny\": {\"tenants\": [\"vip_retail\"]}, \"kill\": " + kill + "}}}";
    }

    Router start(Path file) {
        router = ReleaseRouter.builder().flagSource(FlagSources.file(file)).auditSink(audit)
                .hashSecretHex(Configs.SECRET).build();
        return router;
    }




    @Test
    void killSwitchWrittenToTheFile_isInForce_andAudited() throws IOException {
        Path file = dir.resolve("flags.json");
        Files.writeString(file, flags("100", false));
        start(file);
        assertThat(router.decide(REQ).isCandidate()).isTrue();

        replace(file, flags("100", true));
        // How fast is measured by router-benchmarks (PropagationBenchmark: 32 ms at p50), not
        // here: a test's deadline only has to be generous enough for a loaded machine.
        await(() -> router.decide(REQ).reason() == Reason.KILL_SWITCH, WATCH_DEADLINE);
        assertThat(audit.last().action()).isEqualTo("config.reload");
        assertThat(audit.last().actor()).isEqualTo("source:file:" + file.toAbsolutePath());
        assertThat(audit.last().after()).contains("/models/churn/kill/all");
    }

    @Test
    void inPlaceWrite_isSeenToo() throws IOException {
        Path file = dir.resolve("flags.json");
        Files.writeString(file, flags("100", false));
        start(file);
        Files.writeString(file, flags("0", false)); // truncate and write in place
        await(() -> router.decide(REQ).reason() == Reason.STABLE_BUCKET, WATCH_DEADLINE);
    }

    @Test
    void badFile_keepsTheLastGoodConfig_namesFilePointerAndValue_thenRecovers()
            throws IOException {
        Path file = dir.resolve("flags.json");
        Files.writeString(file, flags("100", false));
        start(file);
        long rev = router.configRevision();

        replace(file, flags("120", false));
        await(() -> router.status().reloadFailures() == 1, WATCH_DEADLINE);
        ConfigException e = router.status().lastReloadError();
        assertThat(e.source()).isEqualTo("file:" + file.toAbsolutePath());
        assertThat(e.pointer()).isEqualTo("/models/churn/versions/v2/weight");
        assertThat(e.value()).isEqualTo("120");
        assertThat(router.configRevision()).isEqualTo(rev);
        assertThat(router.decide(REQ).isCandidate()).as("the last good config answers").isTrue();

        replace(file, flags("100", false).substring(0, 60)); // a truncated write
        await(() -> router.status().reloadFailures() == 2, WATCH_DEADLINE);
        assertThat(router.decide(REQ).isCandidate()).isTrue();

        replace(file, flags("0", false));
        await(() -> router.status().upToDate(), WATCH_DEADLINE);
        RouteDecision d = router.decide(REQ);
        assertThat(d.reason()).isEqualTo(Reason.STABLE_BUCKET);
        assertThat(d.configRevision()).isEqualTo(rev + 1);
    }

    @Test
    void invalidFileAtStart_failsFast() throws IOException {
        Path file = dir.resolve("flags.json");
        Files.writeString(file, flags("-5", false));
        assertThatThrownBy(() -> start(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("/models/churn/versions/v2/weight")
                .hasMessageContaining("-5");
    }

    @Test
    void theSeedsShortForm_loadsAsIs() throws IOException {
        Path file = dir.resolve("seed.json");
        Files.writeString(file, "{\n  \"model:churn\": {\n    \"canary_weight\": 5,\n"
                + "    \"kill\": false,\n"
                + "    \"blocked_segments\": [\"vip_retail\",\"regulated_fx\"]\n  }\n}\n");
        start(file);
        assertThat(router.decide(REQ.toBuilder().tenant("regulated_fx").build()).reason())
                .isEqualTo(Reason.DENIED_SEGMENT);
        int candidates = 0;
        for (int i = 0; i < 20_000; i++) {
            if (router.decide(RouteRequest.of("churn", "c" + i)).isCandidate()) {
                candidates++;
            }
        }
        // 5% of 20,000 = 1,000; five standard deviations is about 154.
        assertThat(candidates).isBetween(846, 1154);
    }

    @Test
    void shadowSection_isParsed_andValidated() throws IOException {
        Path file = dir.resolve("shadow.json");
        Files.copy(Path.of(System.getProperty("user.dir")).resolveSibling("docs")
                .resolve("examples").resolve("shadow-10pct.json"), file);
        start(file);
        var shadow = router.config().model("churn").shadow();
        assertThat(shadow.version()).isEqualTo("v2");
        assertThat(shadow.sampleBasisPoints()).isEqualTo(1_000);
        assertThat(shadow.forbiddenDataClasses()).contains("sovereign-br");
        router.close();
        router = null;

        Files.writeString(file, flags("5", false).replace("\"kill\": false",
                "\"kill\": false, \"shadow\": {\"version\": \"v1\", \"sample\": 10}"));
        assertThatThrownBy(() -> start(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("/models/churn/shadow/version")
                .hasMessageContaining("cannot shadow itself");
        Files.writeString(file, flags("5", false).replace("\"kill\": false",
                "\"kill\": false, \"shadow\": {\"sample\": 101}"));
        assertThatThrownBy(() -> start(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("/models/churn/shadow/sample");
    }
}

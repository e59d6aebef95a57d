package dev.releaserouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.releaserouter.api.Stage;
import dev.releaserouter.governance.FileModelRegistry;
import dev.releaserouter.governance.release.ReleaseManifest;
import dev.releaserouter.governance.release.ReleaseSignature;
import dev.releaserouter.rollout.gates.Policy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed 004 §7 pipeline steps, run as commands on a file registry. */
class PipelineCommandTest {

    static final String POLICY_JSON = "{\"name\": \"promotion\", \"criteria\": [{\"name\":"
            + " \"errors\", \"expr\": \"candidate.error_rate <= 0.01\", \"severity\":"
            + " \"CRITICAL\"}]}\n";

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final List<String> received = new CopyOnWriteArrayList<>();
    HttpServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop(0);
        }
    }

    int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    String registry() {
        return dir.resolve("registry").toString();
    }

    int step(String command, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = command;
        all[1] = "--registry";
        all[2] = registry();
        all[3] = "--reason";
        all[4] = "release of churn";
        System.arraycopy(args, 0, all, 5, args.length);
        return run(all);
    }

    /** A real HTTP server on a free loopback port that records each body and answers 200. */
    String webhook() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                0);
        server.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                received.add(exchange.getRequestHeaders().getFirst("X-Release-Router-Event")
                        + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void approved(String version) {
        assertThat(step("register", "--actor", "ci", "--model", "churn", "--version", version))
                .as(err()).isZero();
        assertThat(out()).isEqualTo("register: churn/" + version
                + " registered as CANDIDATE\n");
        assertThat(step("transition", "--actor", "ci", "--model", "churn", "--version",
                version, "--to", "staging")).as(err()).isZero();
        assertThat(step("approve", "--model", "churn", "--version", version, "--approver",
                "maria.s", "--role", "security")).as(err()).isZero();
        assertThat(step("approve", "--model", "churn", "--version", version, "--approver",
                "raphael.f", "--role", "product")).as(err()).isZero();
        assertThat(out()).contains("approved by raphael.f as product (2 approval(s))");
        assertThat(step("transition", "--actor", "ci", "--model", "churn", "--version",
                version, "--to", "approved", "--ticket", "CHG-10234")).as(err()).isZero();
        assertThat(out()).isEqualTo("transition: churn/" + version + " is now APPROVED\n");
    }

    @Test
    void pipeline_registerStageApproveTwicePromoteAlias_isRecordedInRegistryAndAudit()
            throws IOException {
        approved("v1");
        assertThat(step("alias", "--actor", "ci", "--model", "churn", "--alias", "production",
                "--version", "v1")).as(err()).isZero();
        approved("v2");
        assertThat(step("alias", "--actor", "ci", "--model", "churn", "--alias", "production",
                "--version", "v2")).isZero();
        assertThat(out()).isEqualTo("alias: churn alias production -> v2\n");

        assertThat(step("alias", "--actor", "oncall", "--model", "churn", "--alias",
                "production", "--rollback")).isZero();
        assertThat(out()).isEqualTo("alias: churn alias production rolled back to v1\n");
        assertThat(step("transition", "--actor", "sec", "--model", "churn", "--version", "v2",
                "--to", "revoked")).isZero();

        FileModelRegistry reg = new FileModelRegistry(Path.of(registry()));
        assertThat(reg.version("churn", "v1").orElseThrow().stage()).isEqualTo(Stage.APPROVED);
        assertThat(reg.version("churn", "v2").orElseThrow().stage()).isEqualTo(Stage.REVOKED);
        assertThat(reg.alias("churn", "production").orElseThrow().version()).isEqualTo("v1");
        List<String> audit = Files.readAllLines(Path.of(registry(), "audit.jsonl"));
        assertThat(audit).anyMatch(l -> l.contains("\"alias.rollback\""))
                .anyMatch(l -> l.contains("\"version.revoke\""))
                .filteredOn(l -> l.contains("\"approval.add\"")).hasSize(4);
    }

    @Test
    void promotionWithOneApproval_isRefused_withExitOne_andTheFourEyesReason() {
        assertThat(step("register", "--actor", "ci", "--model", "churn", "--version", "v2"))
                .isZero();
        step("transition", "--actor", "ci", "--model", "churn", "--version", "v2", "--to",
                "staging");
        step("approve", "--model", "churn", "--version", "v2", "--approver", "maria.s",
                "--role", "security");

        assertThat(step("transition", "--actor", "ci", "--model", "churn", "--version", "v2",
                "--to", "approved")).isEqualTo(Main.FAIL);
        assertThat(err()).startsWith("transition: refused: four-eyes:")
                .contains("maria.s as security");
        assertThat(step("approve", "--model", "churn", "--version", "v2", "--approver",
                "maria.s", "--role", "product")).isEqualTo(Main.FAIL);
        assertThat(err()).contains("already approved");
    }

    @Test
    void usageErrors_exit64_namingTheOption() {
        assertThat(step("transition", "--actor", "ci", "--model", "churn", "--version", "v2",
                "--to", "production")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("--to must be staging, approved or revoked",
                "'production'");
        assertThat(run("register", "--registry", registry(), "--actor", "ci", "--model", "m",
                "--version", "v")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("--reason is required");
        assertThat(step("alias", "--actor", "ci", "--model", "m", "--alias", "p", "--bogus",
                "1")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("unknown option '--bogus'");
        assertThat(step("alias", "--actor", "ci", "--model", "m", "--alias", "p", "--version",
                "v", "--change-type", "urgent")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("--change-type must be standard, normal or emergency");
        assertThat(run("transition", "--help")).isZero();
        assertThat(out()).contains("seed 004 §7", "--webhook URL");
    }

    @Test
    void step_withAWebhook_notifiesTheTransition() throws IOException {
        String url = webhook();

        assertThat(step("register", "--actor", "ci", "--model", "churn", "--version", "v9",
                "--ticket", "CHG-1", "--webhook", url)).as(err()).isZero();

        assertThat(received).singleElement().asString()
                .startsWith("version_registered {\"event_type\":\"version_registered\","
                        + "\"model\":\"churn\",\"version\":\"v9\",\"actor\":\"ci\"")
                .contains("\"ticket\":\"CHG-1\"");
    }

    /**
     * Writes gates.json, model_card.md and a manifest of churn v2 linking the card into dir.
     *
     * @return the manifest file
     */
    static Path releaseSources(Path dir) throws IOException {
        Files.writeString(dir.resolve("gates.json"), POLICY_JSON);
        Path card = Files.writeString(dir.resolve("model_card.md"), "# churn v2\n");
        return Files.writeString(dir.resolve("release_manifest.json"),
                ReleaseManifest.builder().model("churn").version("v2")
                        .artifactDigest("sha256:" + "ab".repeat(32))
                        .policyDigest(Policy.digestOf(POLICY_JSON.getBytes(
                                StandardCharsets.UTF_8)))
                        .rollback("v1", "production").approval("security", "maria.s")
                        .approval("product", "raphael.f").changeTicket("CHG-10234")
                        .link(ReleaseManifest.LinkKind.MODEL_CARD, "model_card.md",
                                ReleaseManifest.sha256(card))
                        .build().toJson());
    }

    @Test
    void publish_writesSignedArtifactsWithLinkedFiles_thatVerify_untilTampered()
            throws IOException {
        approved("v2");
        Path src = Files.createDirectories(dir.resolve("src"));
        Path policy = src.resolve("gates.json");
        Path manifest = releaseSources(src);
        Path keys = dir.resolve("keys");
        assertThat(run("keygen", "--key-id", "release-2026", "--out-dir", keys.toString()))
                .as(err()).isZero();
        Path release = dir.resolve("release");

        assertThat(step("publish", "--actor", "ci", "--manifest", manifest.toString(),
                "--policy", policy.toString(), "--out", release.toString(), "--sign-key",
                keys.resolve("release-2026.pem").toString(), "--key-id", "release-2026"))
                .as(err()).isZero();

        assertThat(out()).contains("churn/v2 published to", "1 linked file(s)",
                "3 signature(s) by key release-2026");
        assertThat(release.resolve("model_card.md")).hasContent("# churn v2");
        assertThat(ReleaseSignature.fileFor(release.resolve("release_manifest.json")))
                .exists();
        String trusted = "release-2026=" + keys.resolve("release-2026.pub.pem");
        assertThat(run("verify", "--trusted-key", trusted, "--release-dir",
                release.toString())).as(err()).isZero();
        assertThat(out().lines()).hasSize(3).allMatch(l -> l.startsWith("valid: "));

        Files.writeString(release.resolve("release_manifest.json"), "{}",
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(run("verify", "--trusted-key", trusted, "--release-dir",
                release.toString())).isEqualTo(Main.FAIL);
        assertThat(err()).startsWith("INVALID: release_manifest.json: the signature by key"
                + " 'release-2026' does not verify");
    }

    @Test
    void publish_refusesAManifestWhoseLinkedFileChanged_withExit65() throws IOException {
        approved("v2");
        Path manifest = releaseSources(dir);
        Path policy = dir.resolve("gates.json");
        Files.writeString(dir.resolve("model_card.md"), "# edited\n");

        assertThat(step("publish", "--actor", "ci", "--manifest", manifest.toString(),
                "--policy", policy.toString(), "--out", dir.resolve("rel").toString()))
                .isEqualTo(Main.DATA_ERROR);
        assertThat(err()).contains("links.model_card: the manifest says sha256:");
        assertThat(dir.resolve("rel")).doesNotExist();
    }

    @Test
    void notify_deliversToTheWebhook_signedWithTheSecretFromTheEnvironment()
            throws IOException {
        String url = webhook();
        Map<String, String> env = Map.of("HOOK_SECRET", "s3cr3t");
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

        int status = new NotifyCommand(o, e, env::get, java.time.Clock.fixed(
                java.time.Instant.parse("2026-11-10T22:00:00Z"), java.time.ZoneOffset.UTC))
                .run(new String[] {"--webhook", url, "--type", "announcement", "--model",
                    "churn", "--actor", "ops", "--reason", "change window 22:00-23:00 UTC",
                    "--ticket", "CHG-10234", "--detail", "channels=#ops,#risk",
                    "--webhook-secret-env", "HOOK_SECRET"});

        assertThat(status).as(err()).isZero();
        assertThat(out()).isEqualTo("notify: delivered announcement for churn (1 attempt(s))\n");
        assertThat(received).singleElement().asString().isEqualTo("announcement"
                + " {\"event_type\":\"announcement\",\"model\":\"churn\",\"version\":null,"
                + "\"actor\":\"ops\",\"reason\":\"change window 22:00-23:00 UTC\",\"ticket\":"
                + "\"CHG-10234\",\"time\":\"2026-11-10T22:00:00Z\",\"details\":{\"channels\":"
                + "\"#ops,#risk\"}}");
    }

    @Test
    void notify_toADeadEndpoint_exitsOne_afterItsAttempts() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }

        assertThat(run("notify", "--webhook", "http://127.0.0.1:" + port + "/hook", "--type",
                "promotion", "--model", "churn", "--version", "v2", "--actor", "ci",
                "--reason", "promoted", "--attempts", "2")).isEqualTo(Main.FAIL);

        assertThat(err()).startsWith("notify: not delivered after 2 attempt(s):")
                .contains("ConnectException");
    }

    @Test
    void notify_usageErrors_exit64() {
        assertThat(run("notify", "--webhook", "http://127.0.0.1:1/h", "--type", "party",
                "--model", "m", "--actor", "a", "--reason", "r")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("--type: notification type must be one of version_registered");
        assertThat(run("notify", "--webhook", "ftp://x/h", "--type", "promotion", "--model",
                "m", "--actor", "a", "--reason", "r")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("--webhook: webhook endpoint must be an absolute http");
        assertThat(run("notify", "--webhook", "http://127.0.0.1:1/h", "--type", "promotion",
                "--model", "m", "--actor", "a", "--reason", "r", "--detail", "novalue"))
                .isEqualTo(Main.USAGE);
        assertThat(err()).contains("--detail must be KEY=VALUE");
    }
}

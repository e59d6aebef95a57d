package dev.releaserouter.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.notify.Notification;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.PushSource;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.governance.release.ReleaseSignature;
import dev.releaserouter.governance.release.SigningKey;
import dev.releaserouter.governance.release.TrustedKeys;
import dev.releaserouter.rollout.ChangeRefusedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version whose signed release manifest does not verify is not routable (seed 001 §10: "o
 * canary consome somente versões Staging/Approved com assinatura válida"; 004 §4, §5).
 */
class SignedReleaseGovernanceTest {

    static final ChangeContext OPS = ChangeContext.of("ops", "startup check", "CHG-10234");
    static final String ARTIFACT = ReleaseGovernanceTest.ARTIFACT;
    static final String POLICY = ReleaseGovernanceTest.POLICY;

    final MutableClock clock = MutableClock.at("2026-11-10T12:00:00Z");
    final RecordingAuditSink audit = new RecordingAuditSink();
    final List<Notification> notified = new CopyOnWriteArrayList<>();
    final SigningKey key = SigningKey.generate("release-2026");
    final TrustedKeys trusted = TrustedKeys.builder().add("release-2026", key.publicKey())
            .build();
    @TempDir
    Path dir;
    Router router;
    ReleaseGovernance g;

    @BeforeEach
    void setUp() {
        RouterAdmin admin = ReleaseRouter.builder()
                .flagSource(new PushSource(ReleaseGovernanceTest.config(Stage.APPROVED)))
                .auditSink(audit).clock(clock).hashSecretHex(Configs.SECRET).buildWithAdmin();
        router = admin.router();
        g = ReleaseGovernance.builder(admin, ModelRegistry.inMemory()).auditSink(audit)
                .clock(clock).notifier(notified::add).build();
    }

    @AfterEach
    void tearDown() {
        router.close();
    }

    Path manifestFile(String version) throws IOException {
        return Files.writeString(dir.resolve("release_manifest.json"),
                ReleaseGovernanceTest.manifest(version).toJson());
    }

    /** How many of 2,000 entities v2 serves. */
    int servedByV2() {
        int n = 0;
        for (int i = 0; i < 2_000; i++) {
            RouteDecision d = router.decide(RouteRequest.of("churn", "c-" + i));
            if (d.version().equals("v2")) {
                n++;
            }
        }
        return n;
    }

    int killSwitchAnswers() {
        int n = 0;
        for (int i = 0; i < 2_000; i++) {
            if (router.decide(RouteRequest.of("churn", "c-" + i)).reason()
                    == Reason.KILL_SWITCH) {
                n++;
            }
        }
        return n;
    }

    List<String> check(Path file) {
        return g.checkManifest(file, trusted, ARTIFACT, POLICY, OPS);
    }

    @Test
    void goodSignature_andMatchingDigests_changeNothing() throws IOException {
        Path file = manifestFile("v2");
        ReleaseSignature.signFile(file, key);

        assertThat(check(file)).isEmpty();

        assertThat(servedByV2()).isPositive();
        assertThat(audit.events).noneMatch(e -> e.action().equals("kill.on"));
        assertThat(notified).isEmpty();
    }

    @Test
    void tamperedManifest_killsTheVersion_andTheAuditedReasonNamesTheKeyId()
            throws IOException {
        Path file = manifestFile("v2");
        ReleaseSignature.signFile(file, key);
        Files.writeString(file, Files.readString(file).replace("CHG-10234", "CHG-99999"));
        assertThat(servedByV2()).isPositive();

        List<String> problems = check(file);

        assertThat(problems).singleElement().asString()
                .startsWith("signature: release_manifest.json: the signature by key"
                        + " 'release-2026' does not verify")
                .contains("changed after signing");
        assertThat(servedByV2()).isZero();
        assertThat(killSwitchAnswers()).as("answers name the kill switch").isPositive();
        assertThat(audit.events).anyMatch(e -> e.action().equals("kill.on")
                && e.reason().startsWith("release manifest check failed: signature:")
                && e.reason().contains("'release-2026'"));
        assertThat(audit.events).anyMatch(e -> e.action().equals("manifest.mismatch")
                && e.after().contains("release-2026"));
        assertThat(notified).singleElement().satisfies(n -> {
            assertThat(n.type()).isEqualTo(Notification.Type.MANIFEST_MISMATCH);
            assertThat(n.version()).isEqualTo("v2");
            assertThat(n.details().get("problems")).contains("'release-2026'");
        });
    }

    @Test
    void signatureByTheWrongKey_killsTheVersion() throws IOException {
        Path file = manifestFile("v2");
        ReleaseSignature.signFile(file, SigningKey.generate("release-2026"));

        assertThat(check(file)).singleElement().asString()
                .contains("'release-2026'", "another key");
        assertThat(servedByV2()).isZero();
    }

    @Test
    void signatureByAnUntrustedKey_killsTheVersion_namingThatKey() throws IOException {
        Path file = manifestFile("v2");
        ReleaseSignature.signFile(file, SigningKey.generate("ci-unknown"));

        assertThat(check(file)).singleElement().asString()
                .contains("'ci-unknown'", "not trusted");
        assertThat(servedByV2()).isZero();
    }

    @Test
    void missingSignature_killsTheVersion() throws IOException {
        Path file = manifestFile("v2");

        assertThat(check(file)).singleElement().asString()
                .isEqualTo("signature: release_manifest.json: no signature"
                        + " (release_manifest.json.sig is missing)");
        assertThat(servedByV2()).isZero();
    }

    @Test
    void signatureAndDigestProblems_areAllReported_signatureFirst() throws IOException {
        Path file = manifestFile("v2");

        List<String> problems = g.checkManifest(file, trusted, "sha256:" + "ee".repeat(32),
                POLICY, OPS);

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("signature:");
        assertThat(problems.get(1)).startsWith("artifact_digest:");
    }

    @Test
    void unsignedManifestOfTheStableVersion_isRefused_notKilled() throws IOException {
        Path file = manifestFile("v1");

        assertThatThrownBy(() -> check(file)).isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("stable version churn/v1")
                .hasMessageContaining("no signature");
    }

    @Test
    void signedBytesAreTheFileBytes_soAReformattedButEqualManifestDoesNotVerify()
            throws IOException {
        Path file = manifestFile("v2");
        ReleaseSignature.signFile(file, key);
        Files.writeString(file, Files.readString(file, StandardCharsets.UTF_8) + "\n");

        assertThat(check(file)).singleElement().asString().contains("does not verify");
    }
}

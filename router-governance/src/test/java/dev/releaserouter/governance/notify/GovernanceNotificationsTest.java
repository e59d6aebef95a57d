package dev.releaserouter.governance.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.notify.Notification;
import dev.releaserouter.api.notify.Notifier;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.PushSource;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.governance.ModelRegistry;
import dev.releaserouter.governance.ReleaseGovernance;
import dev.releaserouter.rollout.ChangeType;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every governance transition is notified once (seed 004 §8), and a notifier cannot stop one. */
class GovernanceNotificationsTest {

    static final ChangeContext OPS = ChangeContext.of("ops", "release", "CHG-10234");
    static final ChangeContext MARIA = ChangeContext.of("maria.s", "security review ok");
    static final ChangeContext RAPHAEL = ChangeContext.of("raphael.f", "product ok");

    final MutableClock clock = MutableClock.at("2026-11-10T12:00:00Z");
    final RecordingAuditSink audit = new RecordingAuditSink();
    final List<Notification> sent = new CopyOnWriteArrayList<>();
    Router router;

    @AfterEach
    void tearDown() {
        router.close();
    }

    ReleaseGovernance governance(Notifier notifier) {
        RouterConfig config = RouterConfig.builder().model(ModelConfig.builder("churn")
                .stableVersion("v1").version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").stage(Stage.STAGING)
                        .weightBasisPoints(2_500).build()).build()).build();
        RouterAdmin admin = ReleaseRouter.builder().flagSource(new PushSource(config))
                .auditSink(audit).clock(clock).hashSecretHex(Configs.SECRET).buildWithAdmin();
        router = admin.router();
        return ReleaseGovernance.builder(admin, ModelRegistry.inMemory()).auditSink(audit)
                .clock(clock).notifier(notifier).build();
    }

    static void approve(ReleaseGovernance g, String version) {
        g.register("churn", version, OPS);
        g.toStaging("churn", version, OPS);
        g.approve("churn", version, "maria.s", "security", MARIA);
        g.approve("churn", version, "raphael.f", "product", RAPHAEL);
        g.promote("churn", version, ChangeType.NORMAL, OPS);
    }

    @Test
    void everyLifecycleTransition_isNotifiedOnce_withActorReasonTicketAndStages() {
        ReleaseGovernance g = governance(sent::add);

        approve(g, "v1");
        g.setAlias("churn", "production", "v1", ChangeType.STANDARD, OPS);
        approve(g, "v2");
        g.setAlias("churn", "production", "v2", ChangeType.NORMAL, OPS);
        g.rollbackAlias("churn", "production", OPS);
        g.revoke("churn", "v2", ChangeContext.of("sec", "CVE-2026-1234", "INC-7"));

        assertThat(sent).extracting(n -> n.type().wireName() + " " + n.version())
                .containsExactly(
                        "version_registered v1", "stage_transition v1", "approval v1",
                        "approval v1", "promotion v1", "alias_update v1",
                        "version_registered v2", "stage_transition v2", "approval v2",
                        "approval v2", "promotion v2", "alias_update v2",
                        "rollback v1", "revocation v2");
        Notification promotion = sent.get(4);
        assertThat(promotion.actor()).isEqualTo("ops");
        assertThat(promotion.reason()).isEqualTo("release");
        assertThat(promotion.ticket()).isEqualTo("CHG-10234");
        assertThat(promotion.time()).isEqualTo(Instant.parse("2026-11-10T12:00:00Z"));
        assertThat(promotion.details()).containsEntry("from_stage", "staging")
                .containsEntry("to_stage", "approved");
        assertThat(sent.get(2).details()).containsEntry("approver", "maria.s")
                .containsEntry("role", "security");
        assertThat(sent.get(11).details()).containsEntry("alias", "production")
                .containsEntry("from_version", "v1");
        assertThat(sent.get(12).details()).containsEntry("from_version", "v2");
        assertThat(sent.get(13).ticket()).isEqualTo("INC-7");
        assertThat(sent.get(13).reason()).isEqualTo("CVE-2026-1234");
    }

    /** Seed 004 §10: a critical CVE after release: notify, hold new promotions. */
    @Test
    void cveHold_andItsRelease_areNotified() {
        ReleaseGovernance g = governance(sent::add);
        g.register("churn", "v2", OPS);
        sent.clear();

        g.holdPromotions("churn", "v2", "CVE-2026-12345", ChangeContext.of("sec",
                "critical CVE in the SBOM", "INC-9"));
        g.releaseHold("churn", "v2", "CVE-2026-12345", ChangeContext.of("sec",
                "fixed in v2.0.1"));

        assertThat(sent).extracting(n -> n.type().wireName() + " " + n.details().get("hold"))
                .containsExactly("promotion_hold CVE-2026-12345",
                        "hold_released CVE-2026-12345");
        assertThat(sent.get(0).ticket()).isEqualTo("INC-9");
        assertThat(sent.get(0).reason()).isEqualTo("critical CVE in the SBOM");
    }

    @Test
    void aThrowingNotifier_neverStopsATransition_andIsCounted() {
        ReleaseGovernance g = governance(n -> {
            throw new IllegalStateException("chat is down");
        });

        approve(g, "v2");

        assertThat(g.version("churn", "v2").orElseThrow().stage()).isEqualTo(Stage.APPROVED);
        assertThat(g.notificationFailures()).isEqualTo(5);
    }

    @Test
    void governanceTransitions_reachAWebhook_asJson() {
        try (LocalWebhookServer server = new LocalWebhookServer();
                WebhookNotifier webhook = WebhookNotifier.builder(server.uri()).build()) {
            ReleaseGovernance g = governance(webhook);

            approve(g, "v2");

            Polling.await(() -> webhook.stats().delivered() == 5);
            assertThat(server.received).extracting(r -> r.header(
                    WebhookNotifier.EVENT_HEADER)).containsExactly("version_registered",
                    "stage_transition", "approval", "approval", "promotion");
        }
    }
}

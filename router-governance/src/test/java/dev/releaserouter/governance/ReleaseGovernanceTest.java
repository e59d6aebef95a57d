package dev.releaserouter.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.rollout.ChangeRefusedException;
import dev.releaserouter.rollout.ChangeType;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.PushSource;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stages, four-eyes, aliases, revocation and freezes through the public API. */
class ReleaseGovernanceTest {

    static final ChangeContext OPS = ChangeContext.of("ops", "release", "CHG-10234");
    static final ChangeContext MARIA = ChangeContext.of("maria.s", "security review ok");
    static final ChangeContext RAPHAEL = ChangeContext.of("raphael.f", "product ok");

    final MutableClock clock = MutableClock.at("2026-11-10T12:00:00Z");
    final RecordingAuditSink audit = new RecordingAuditSink();
    PushSource source;
    RouterAdmin admin;
    Router router;

    @AfterEach
    void tearDown() {
        if (router != null) {
            router.close();
        }
    }

    /** churn: v1 stable, v2 (stage as given) at 25% and shadowed for every entity. */
    static RouterConfig config(Stage v2Stage) {
        return RouterConfig.builder().model(ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").stage(v2Stage).weightBasisPoints(2_500)
                        .build())
                .shadow(ShadowConfig.of("v2", 10_000, Set.of(),
                        Segments.of(Map.of(Dimension.TENANT, Set.of()))))
                .build()).build();
    }

    ReleaseGovernance governance(ModelRegistry registry, ChangeCalendar calendar,
            Stage v2Stage) {
        source = new PushSource(config(v2Stage));
        admin = ReleaseRouter.builder().flagSource(source).auditSink(audit).clock(clock)
                .hashSecretHex(Configs.SECRET).buildWithAdmin();
        router = admin.router();
        return ReleaseGovernance.builder(admin, registry).auditSink(audit).clock(clock)
                .calendar(calendar).executives(Set.of("cto")).build();
    }

    ReleaseGovernance governance() {
        return governance(ModelRegistry.inMemory(), ChangeCalendar.NONE, Stage.STAGING);
    }

    /** v1 registered and Approved (it is stable), v2 registered and in Staging. */
    static void staged(ReleaseGovernance g) {
        g.register("churn", "v1", OPS);
        g.toStaging("churn", "v1", OPS);
        g.approve("churn", "v1", "maria.s", "security", MARIA);
        g.approve("churn", "v1", "raphael.f", "product", RAPHAEL);
        g.promote("churn", "v1", ChangeType.STANDARD, OPS);
        g.register("churn", "v2", OPS);
        g.toStaging("churn", "v2", OPS);
    }

    int servedBy(String version) {
        int n = 0;
        for (int i = 0; i < 2_000; i++) {
            if (version.equals(router.decide(RouteRequest.of("churn", "c-" + i)).version())) {
                n++;
            }
        }
        return n;
    }

    long audited(String action) {
        return audit.events.stream().filter(e -> e.action().equals(action)).count();
    }

    @Test
    void fourEyesPromotion_movesTheVersionToApproved_andTheRouterSendsItTraffic() {
        ReleaseGovernance g = governance();
        staged(g);
        assertThat(servedBy("v2")).as("Staging is never served").isZero();
        g.approve("churn", "v2", "maria.s", "security", MARIA);
        g.approve("churn", "v2", "raphael.f", "product", RAPHAEL);
        VersionRecord r = g.promote("churn", "v2", ChangeType.NORMAL, OPS);

        assertThat(r.stage()).isEqualTo(Stage.APPROVED);
        assertThat(r.history()).extracting(StageTransition::to)
                .containsExactly(Stage.CANDIDATE, Stage.STAGING, Stage.APPROVED);
        assertThat(r.approvals()).as("cleared after the transition").isEmpty();
        assertThat(router.config().model("churn").version("v2").stage())
                .isEqualTo(Stage.APPROVED);
        assertThat(servedBy("v2")).isBetween(400, 600);
        assertThat(audited("approval.add")).isEqualTo(4);
        assertThat(audit.events).anyMatch(e -> e.action().equals("stage.transition")
                && e.target().equals("churn/v2") && "\"approved\"".equals(e.after())
                && "CHG-10234".equals(e.ticket()));
    }

    @Test
    void singleApprover_isRefused() {
        ReleaseGovernance g = governance();
        staged(g);
        g.approve("churn", "v2", "maria.s", "security", MARIA);
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL, OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("four-eyes").hasMessageContaining("maria.s as security");
        assertThat(g.version("churn", "v2").orElseThrow().stage()).isEqualTo(Stage.STAGING);
    }

    @Test
    void samePersonTwice_isRefused_evenInAnotherRole() {
        ReleaseGovernance g = governance();
        staged(g);
        g.approve("churn", "v2", "maria.s", "security", MARIA);
        assertThatThrownBy(() -> g.approve("churn", "v2", "maria.s", "product", MARIA))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("maria.s already approved churn/v2 as security");
    }

    @Test
    void twoPeopleInOneRole_areNotFourEyes() {
        ReleaseGovernance g = governance();
        staged(g);
        g.approve("churn", "v2", "maria.s", "security", MARIA);
        g.approve("churn", "v2", "joao.p", "security", ChangeContext.of("joao.p", "ok"));
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL, OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("different roles");
    }

    @Test
    void requiredRoles_mustEachApprove() {
        source = new PushSource(config(Stage.STAGING));
        admin = ReleaseRouter.builder().flagSource(source).auditSink(audit).clock(clock)
                .hashSecretHex(Configs.SECRET).buildWithAdmin();
        router = admin.router();
        ReleaseGovernance g = ReleaseGovernance.builder(admin, ModelRegistry.inMemory())
                .auditSink(audit).clock(clock).requiredRoles(Set.of("Security", "product"))
                .build();
        g.register("churn", "v2", OPS);
        g.toStaging("churn", "v2", OPS);
        g.approve("churn", "v2", "maria.s", "security", MARIA);
        g.approve("churn", "v2", "ana.o", "operations", ChangeContext.of("ana.o", "ok"));
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL, OPS))
                .isInstanceOf(ChangeRefusedException.class).hasMessageContaining("[product]");
    }

    @Test
    void approvalOnBehalfOfSomeoneElse_isRefused() {
        ReleaseGovernance g = governance();
        staged(g);
        assertThatThrownBy(() -> g.approve("churn", "v2", "maria.s", "security", OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("'ops' cannot approve on behalf of 'maria.s'");
    }

    @Test
    void revocation_stopsTrafficAndShadowAtOnce_evenWhenTheFlagFileStillApprovesIt() {
        ReleaseGovernance g = governance(ModelRegistry.inMemory(), ChangeCalendar.NONE,
                Stage.APPROVED);
        g.register("churn", "v2", OPS);
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "one").version("v2", x -> "two").build());
        assertThat(servedBy("v2")).isPositive();

        g.revoke("churn", "v2", ChangeContext.of("sec", "CVE in the artifact"));

        assertThat(servedBy("v2")).isZero();
        assertThat(m.route(RouteRequest.of("churn", "c-1"), "in").shadow())
                .isNotEqualTo(ShadowDisposition.SCHEDULED);
        source.push(config(Stage.APPROVED)); // the flag file still lists v2 as Approved
        assertThat(router.config().model("churn").version("v2").stage())
                .isEqualTo(Stage.REVOKED);
        assertThat(servedBy("v2")).isZero();
        assertThat(audited("version.revoke")).isEqualTo(1);
        assertThatThrownBy(() -> g.toStaging("churn", "v2", OPS))
                .isInstanceOf(ChangeRefusedException.class).hasMessageContaining("REVOKED");
    }

    @Test
    void productionAlias_movesTheRoutersStable_andRollbackMovesItBack() {
        ReleaseGovernance g = governance();
        staged(g);
        g.approve("churn", "v2", "maria.s", "security", MARIA);
        g.approve("churn", "v2", "raphael.f", "product", RAPHAEL);
        g.promote("churn", "v2", ChangeType.NORMAL, OPS);
        g.setAlias("churn", "production", "v1", ChangeType.STANDARD, OPS);

        AliasRecord a = g.setAlias("churn", "production", "v2", ChangeType.NORMAL, OPS);

        assertThat(a.previous()).containsExactly("v1");
        assertThat(router.config().model("churn").stableVersion()).isEqualTo("v2");
        assertThat(servedBy("v2")).isEqualTo(2_000);

        assertThat(g.rollbackAlias("churn", "production", OPS)).isEqualTo("v1");
        assertThat(router.config().model("churn").stableVersion()).isEqualTo("v1");
        assertThat(servedBy("v1")).as("v2 is back to a candidate at weight 0").isEqualTo(2_000);
        assertThat(audited("alias.rollback")).isEqualTo(1);
        assertThat(g.alias("churn", "production").orElseThrow().version()).isEqualTo("v1");
    }

    @Test
    void revokingTheProductionVersion_movesTheAliasBackFirst() {
        ReleaseGovernance g = governance();
        staged(g);
        g.approve("churn", "v2", "maria.s", "security", MARIA);
        g.approve("churn", "v2", "raphael.f", "product", RAPHAEL);
        g.promote("churn", "v2", ChangeType.NORMAL, OPS);
        g.setAlias("churn", "production", "v2", ChangeType.NORMAL, OPS);

        g.revoke("churn", "v2", ChangeContext.of("sec", "data leak"));

        assertThat(router.config().model("churn").stableVersion()).isEqualTo("v1");
        assertThat(servedBy("v2")).isZero();
        assertThat(g.version("churn", "v2").orElseThrow().stage()).isEqualTo(Stage.REVOKED);
    }

    @Test
    void aliasToAVersionThatIsNotApproved_isRefused() {
        ReleaseGovernance g = governance();
        staged(g);
        assertThatThrownBy(() -> g.setAlias("churn", "production", "v2", ChangeType.NORMAL,
                OPS)).isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("it is STAGING, must be APPROVED");
    }

    @Test
    void freezeWindow_refusesForwardChanges_butNotEmergenciesOrRollbacks() {
        ChangeCalendar monthEnd = ChangeCalendar.of(FreezeWindow.monthEnd("month-end close", 3,
                1, ZoneOffset.UTC));
        ReleaseGovernance g = governance(ModelRegistry.inMemory(), monthEnd, Stage.STAGING);
        staged(g);
        g.approve("churn", "v2", "maria.s", "security", MARIA);
        g.approve("churn", "v2", "raphael.f", "product", RAPHAEL);
        clock.advance(Duration.ofDays(18)); // 2026-11-28: among the last 3 days of November
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL, OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("freeze window 'month-end close'");
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.EMERGENCY, OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("an emergency change needs an executive approver");
        ChangeRequest cto = ChangeRequest.builder().executiveApprover("cto").build();
        g.promote("churn", "v2", ChangeType.EMERGENCY, cto, OPS);
        g.setAlias("churn", "production", "v1", ChangeType.EMERGENCY, cto, OPS);
        g.setAlias("churn", "production", "v2", ChangeType.EMERGENCY, cto, OPS);
        assertThat(g.rollbackAlias("churn", "production", OPS)).as("backouts are not frozen")
                .isEqualTo("v1");
        clock.advance(Duration.ofDays(4)); // 2026-12-02: after the first day of December
        g.setAlias("churn", "production", "v2", ChangeType.NORMAL, OPS);
    }

    @Test
    void freezeWindows_coverWhatTheySay() {
        Instant t = Instant.parse("2026-12-24T10:00:00Z");
        assertThat(FreezeWindow.days("holidays", Set.of(java.time.LocalDate.of(2026, 12, 24)),
                ZoneOffset.UTC).covers(t)).isTrue();
        assertThat(FreezeWindow.between("launch", t, t.plusSeconds(60)).covers(t.plusSeconds(60)))
                .isFalse();
        assertThat(FreezeWindow.monthEnd("close", 2, 0, ZoneOffset.UTC)
                .covers(Instant.parse("2026-02-27T00:00:00Z"))).isTrue();
        assertThat(FreezeWindow.monthEnd("close", 2, 0, ZoneOffset.UTC)
                .covers(Instant.parse("2026-02-26T23:59:59Z"))).isFalse();
        assertThat(FreezeWindow.weekly("weekend", Set.of(java.time.DayOfWeek.SATURDAY),
                ZoneOffset.UTC).covers(Instant.parse("2026-11-21T12:00:00Z"))).isTrue();
        assertThatThrownBy(() -> FreezeWindow.monthEnd("x", 0, 0, ZoneOffset.UTC))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fileRegistry_keepsStagesApprovalsAndAliasesAcrossRestarts(@TempDir Path dir) {
        ReleaseGovernance g = governance(new FileModelRegistry(dir), ChangeCalendar.NONE,
                Stage.STAGING);
        staged(g);
        g.approve("churn", "v2", "maria.s", "security", MARIA);
        g.setAlias("churn", "production", "v1", ChangeType.STANDARD, OPS);

        FileModelRegistry reopened = new FileModelRegistry(dir);
        VersionRecord v2 = reopened.version("churn", "v2").orElseThrow();
        assertThat(v2.stage()).isEqualTo(Stage.STAGING);
        assertThat(v2.approvals()).extracting(Approval::approver).containsExactly("maria.s");
        assertThat(v2.history()).hasSize(2);
        assertThat(v2.history().get(0).ticket()).isEqualTo("CHG-10234");
        assertThat(reopened.alias("churn", "production").orElseThrow().version())
                .isEqualTo("v1");
        assertThat(reopened.versions("churn")).extracting(VersionRecord::version)
                .containsExactly("v1", "v2");
    }

    @Test
    void enforce_appliesRegistryStagesToVersionsTheRouterLearnsLater() {
        ReleaseGovernance g = governance();
        g.register("churn", "v3", OPS);
        g.revoke("churn", "v3", OPS); // the router does not list v3 yet
        RouterConfig withV3 = config(Stage.STAGING).toBuilder().model(config(Stage.STAGING)
                .model("churn").toBuilder().version(VersionConfig.builder("v3")
                        .weightBasisPoints(1_000).build()).build()).build();
        source.push(withV3);
        assertThat(router.config().model("churn").version("v3").stage())
                .isEqualTo(Stage.APPROVED);
        assertThat(g.enforce(OPS)).isEqualTo(1);
        assertThat(router.config().model("churn").version("v3").stage())
                .isEqualTo(Stage.REVOKED);
        assertThat(servedBy("v3")).isZero();
    }
    static final String ARTIFACT = "sha256:" + "ab".repeat(32);
    static final String POLICY = "cd".repeat(32);

    static dev.releaserouter.governance.release.ReleaseManifest manifest(String version) {
        return dev.releaserouter.governance.release.ReleaseManifest.builder().model("churn")
                .version(version).artifactDigest(ARTIFACT).policyDigest(POLICY)
                .rollback(version.equals("v1") ? "v0" : "v1", "production")
                .approval("security", "maria.s")
                .approval("product", "raphael.f").changeTicket("CHG-10234").build();
    }

    @Test
    void manifestMismatch_takesTheCandidateOutOfTraffic_andSaysWhy() {
        ReleaseGovernance g = governance(ModelRegistry.inMemory(), ChangeCalendar.NONE,
                Stage.APPROVED);
        assertThat(g.checkManifest(manifest("v2"), ARTIFACT, POLICY, OPS)).isEmpty();
        assertThat(servedBy("v2")).isPositive();

        String deployed = "sha256:" + "ee".repeat(32);
        java.util.List<String> problems = g.checkManifest(manifest("v2"), deployed, POLICY,
                OPS);

        assertThat(problems).singleElement().asString().startsWith("artifact_digest:")
                .contains(ARTIFACT).contains(deployed);
        assertThat(servedBy("v2")).isZero();
        assertThat(audit.events).anyMatch(e -> e.action().equals("kill.on")
                && e.reason().startsWith("release manifest check failed: artifact_digest"));
        assertThat(g.checkManifest(manifest("v2"), ARTIFACT, "ff".repeat(32), OPS))
                .singleElement().asString().startsWith("policy_digest:");
        assertThat(g.checkManifest(manifest("v2"), null, POLICY, OPS)).hasSize(1);
    }

    @Test
    void manifestMismatchOfTheStableVersion_isRefused() {
        ReleaseGovernance g = governance();
        assertThatThrownBy(() -> g.checkManifest(manifest("v1"), null, POLICY, OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("stable version churn/v1");
    }

    @Test
    void publishRelease_writesTheArtifacts_onlyForAnApprovedVersion(@TempDir Path dir)
            throws Exception {
        ReleaseGovernance g = governance();
        staged(g);
        byte[] policyBytes = ("{\"name\": \"p\", \"criteria\": [{\"name\": \"e\", "
                + "\"expr\": \"candidate.error_rate <= 0.01\", \"severity\": \"CRITICAL\"}]}\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        dev.releaserouter.rollout.gates.Policy policy =
                dev.releaserouter.rollout.gates.Policy.parse(policyBytes,
                        "file:/etc/gates/promotion.json");
        var m = manifest("v2").toBuilder().policyDigest(policy.digest()).build();
        assertThatThrownBy(() -> g.publishRelease(dir, m, policy, policyBytes, null,
                java.util.List.of(), OPS)).isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("STAGING");
        g.approve("churn", "v2", "maria.s", "security", MARIA);
        g.approve("churn", "v2", "raphael.f", "product", RAPHAEL);
        g.promote("churn", "v2", ChangeType.NORMAL, OPS);
        java.util.List<Path> files = g.publishRelease(dir, m, policy, policyBytes, null,
                java.util.List.of(), OPS);
        assertThat(files).isNotEmpty().allMatch(java.nio.file.Files::exists);
        assertThat(dir.resolve("release_manifest.json")).exists();
        assertThat(audited("release.publish")).isEqualTo(1);
    }
}

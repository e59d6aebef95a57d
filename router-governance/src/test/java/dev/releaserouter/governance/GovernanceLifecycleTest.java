package dev.releaserouter.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.PushSource;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.governance.release.ReleaseManifest;
import dev.releaserouter.rollout.ChangeRefusedException;
import dev.releaserouter.rollout.ChangeType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed 004 lifecycle gates through the public API, on a mutable clock: acceptance checks,
 * four-eyes and policy snapshots at Staging, the security decision and CVE holds, change
 * tickets, change windows and emergency executives, {@code revalidate_by}, cache purges.
 */
class GovernanceLifecycleTest {

    static final ChangeContext OPS = ChangeContext.of("ops", "release", "CHG-10234");
    static final ChangeContext MARIA = ChangeContext.of("maria.s", "security review ok");
    static final ChangeContext RAPHAEL = ChangeContext.of("raphael.f", "product ok");
    static final String ARTIFACT = "sha256:" + "ab".repeat(32);
    static final String POLICY = "cd".repeat(32);

    // 2026-11-10 is a Tuesday; 12:00 UTC.
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

    ReleaseGovernance governance(ModelRegistry registry,
            UnaryOperator<ReleaseGovernance.Builder> config) {
        source = new PushSource(ReleaseGovernanceTest.config(Stage.STAGING));
        admin = ReleaseRouter.builder().flagSource(source).auditSink(audit).clock(clock)
                .hashSecretHex(Configs.SECRET).buildWithAdmin();
        router = admin.router();
        return config.apply(ReleaseGovernance.builder(admin, registry).auditSink(audit)
                .clock(clock)).build();
    }

    ReleaseGovernance governance(UnaryOperator<ReleaseGovernance.Builder> config) {
        return governance(ModelRegistry.inMemory(), config);
    }

    static ReleaseManifest manifest(String version) {
        return ReleaseManifest.builder().model("churn").version(version).artifactDigest(ARTIFACT)
                .policyDigest(POLICY).rollback("v1", "production").approval("security", "maria.s")
                .approval("product", "raphael.f").changeTicket("CHG-10234").build();
    }

    static ChangeTicket.Builder ticket(Instant from, Instant until) {
        return ChangeTicket.builder("CHG-10234").scope("churn v2 to production")
                .risk("medium: new features").impact("retail-br tenants")
                .window(from, until).steps(List.of("promote", "alias production"))
                .backout("rollbackAlias production").validation("error rate < 0.5% for 1h")
                .owners(List.of("raphael.f", "maria.s"));
    }

    /** v1 Approved and stable in the registry, v2 in Staging with two approvals. */
    static void approvable(ReleaseGovernance g, Instant revalidateBy) {
        ReleaseGovernanceTest.staged(g);
        approvals(g, revalidateBy);
    }

    /** v2 in Staging with two approvals (maria's until revalidateBy). */
    static void stagedV2(ReleaseGovernance g, Instant revalidateBy) {
        g.register("churn", "v2", OPS);
        g.toStaging("churn", "v2", OPS);
        approvals(g, revalidateBy);
    }

    static void approvals(ReleaseGovernance g, Instant revalidateBy) {
        g.approve("churn", "v2", "maria.s", "security", revalidateBy, MARIA);
        g.approve("churn", "v2", "raphael.f", "product", RAPHAEL);
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

    // ------------------------------------------------------------- 1. staging four-eyes, policy

    @Test
    void toStaging_withStagingFourEyes_needsTwoPeopleInTwoRoles_approvingTheCandidate() {
        ReleaseGovernance g = governance(b -> b.stagingFourEyes(true));
        g.register("churn", "v2", OPS);
        assertThatThrownBy(() -> g.toStaging("churn", "v2", OPS))
                .isInstanceOf(ChangeRefusedException.class).hasMessageContaining("four-eyes")
                .hasMessageContaining("but has none");
        g.approve("churn", "v2", "maria.s", "security", MARIA);
        assertThatThrownBy(() -> g.toStaging("churn", "v2", OPS))
                .hasMessageContaining("maria.s as security");
        g.approve("churn", "v2", "raphael.f", "product", RAPHAEL);

        VersionRecord r = g.toStaging("churn", "v2", OPS);

        assertThat(r.stage()).isEqualTo(Stage.STAGING);
        assertThat(r.approvals()).as("the Staging approvals do not count for Approved").isEmpty();
    }

    @Test
    void policySnapshot_isProvisionalAtStaging_andDefinitiveAtApproved() {
        String[] inForce = {POLICY};
        ReleaseGovernance g = governance(b -> b.policyDigest(() -> inForce[0]));
        g.register("churn", "v2", OPS);
        VersionRecord staged = g.toStaging("churn", "v2", OPS);
        assertThat(staged.policySnapshot()).isEqualTo(new PolicySnapshot(POLICY, false,
                clock.instant()));

        inForce[0] = "ef".repeat(32); // the policy changed while v2 was in Staging
        clock.advance(Duration.ofHours(1));
        g.approve("churn", "v2", "maria.s", "security", MARIA);
        g.approve("churn", "v2", "raphael.f", "product", RAPHAEL);
        VersionRecord approved = g.promote("churn", "v2", ChangeType.NORMAL, OPS);

        assertThat(approved.policySnapshot()).isEqualTo(new PolicySnapshot("ef".repeat(32), true,
                clock.instant()));
        assertThat(audit.events).filteredOn(e -> e.action().equals("policy.bind"))
                .extracting(e -> e.before()).containsExactly(null, "\"" + POLICY + "\"");
    }

    @Test
    void toStaging_withoutAPolicyDigestInForce_isRefused() {
        ReleaseGovernance g = governance(b -> b.policyDigest(() -> null));
        g.register("churn", "v2", OPS);
        assertThatThrownBy(() -> g.toStaging("churn", "v2", OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("policy snapshot not bound");
        assertThat(g.version("churn", "v2").orElseThrow().stage()).isEqualTo(Stage.CANDIDATE);
        assertThat(audited("gate.refused")).isEqualTo(1);
    }

    // ------------------------------------------------------------------- 2. acceptance checks

    @Test
    void register_refusedByAcceptanceChecks_listsEveryReason_andIsAudited() {
        ReleaseGovernance g = governance(b -> b.acceptanceChecks(List.of(
                AcceptanceCheck.manifestPresent(), AcceptanceCheck.metricAtLeast("auc", 0.8),
                AcceptanceCheck.digestMatchesManifest())));

        assertThatThrownBy(() -> g.register("churn", "v2", ChangeRequest.builder()
                .manifest(manifest("v2")).artifactDigest("sha256:" + "ee".repeat(32))
                .metric("auc", 0.71).build(), OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("metric auc is 0.71, below the floor 0.8")
                .hasMessageContaining("differs from the manifest's " + ARTIFACT);
        assertThatThrownBy(() -> g.register("churn", "v2", OPS))
                .hasMessageContaining("no release manifest")
                .hasMessageContaining("metric auc missing");
        assertThat(g.version("churn", "v2")).isEmpty();
        assertThat(audited("acceptance.refused")).isEqualTo(2);

        VersionRecord r = g.register("churn", "v2", ChangeRequest.builder()
                .manifest(manifest("v2")).artifactDigest(ARTIFACT).metric("auc", 0.83).build(),
                OPS);
        assertThat(r.stage()).isEqualTo(Stage.CANDIDATE);
        assertThatThrownBy(() -> g.toStaging("churn", "v2", OPS))
                .as("the checks run again at Candidate -> Staging")
                .hasMessageContaining("acceptance checks refuse churn/v2");
    }

    @Test
    void anAcceptanceCheckThatThrows_refusesTheSubmission_andIsCounted() {
        ReleaseGovernance g = governance(b -> b.acceptanceChecks(List.of(
                (m, v, r) -> {
                    throw new IllegalStateException("scanner down");
                }, (m, v, r) -> null)));
        assertThatThrownBy(() -> g.register("churn", "v2", OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("acceptance check 1 failed: java.lang.IllegalStateException:"
                        + " scanner down")
                .hasMessageContaining("acceptance check 2 failed");
        assertThat(g.acceptanceCheckFailures()).isEqualTo(2);
        assertThat(AcceptanceCheck.manifestPresent().check("churn", "v3",
                ChangeRequest.builder().manifest(manifest("v2")).build()))
                .singleElement().asString().contains("is for churn/v2, not churn/v3");
    }

    // ------------------------------------------------------- 4. security gate and CVE holds

    @Test
    void toStaging_requiresAPassingSecurityDecision_withAnSbomAndNoBlockingCve() {
        ReleaseGovernance g = governance(b -> b.requireSecurityDecision(true));
        g.register("churn", "v2", OPS);
        assertThatThrownBy(() -> g.toStaging("churn", "v2", OPS))
                .hasMessageContaining("has no security decision");
        assertThatThrownBy(() -> g.toStaging("churn", "v2", ChangeRequest.builder()
                .securityDecision(new SecurityDecision("fail", null, List.of("CVE-2026-1")))
                .build(), OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("security_decision is FAIL, must be PASS")
                .hasMessageContaining("no SBOM reference")
                .hasMessageContaining("blocking CVEs in the SBOM: CVE-2026-1");
        assertThatThrownBy(() -> g.toStaging("churn", "v2", ChangeRequest.builder()
                .securityDecision(new SecurityDecision("PASS", "oci://sbom/v2",
                        List.of("CVE-2026-2"))).build(), OPS))
                .hasMessageContaining("CVE-2026-2");
        assertThatThrownBy(() -> new SecurityDecision("MAYBE", null, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be PASS or FAIL, but was 'MAYBE'");

        VersionRecord r = g.toStaging("churn", "v2", ChangeRequest.builder()
                .securityDecision(SecurityDecision.pass("oci://sbom/v2")).build(), OPS);

        assertThat(r.stage()).isEqualTo(Stage.STAGING);
        assertThat(audited("gate.refused")).isEqualTo(3);
        assertThat(audit.events).anyMatch(e -> e.action().equals("security.decision")
                && e.after().contains("oci://sbom/v2"));
    }

    @Test
    void cveHold_blocksNewPromotionsOfTheVersion_untilAPersonReleasesIt() {
        ReleaseGovernance g = governance(b -> b);
        approvable(g, clock.instant().plus(Duration.ofDays(90)));
        ChangeContext sec = ChangeContext.of("sec.lead", "critical CVE in the SBOM", "INC-9");
        g.holdPromotions("churn", "v2", "CVE-2026-12345", sec);

        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL, OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("promotions are held: CVE-2026-12345 (by sec.lead");
        g.holdPromotions("churn", "v1", "CVE-2026-12345", sec); // v1 is Approved already
        assertThatThrownBy(() -> g.setAlias("churn", "production", "v1", ChangeType.NORMAL, OPS))
                .hasMessageContaining("promotions are held");
        assertThatThrownBy(() -> g.holdPromotions("churn", "v2", "CVE-2026-12345", sec))
                .hasMessageContaining("already has the hold");

        g.releaseHold("churn", "v2", "CVE-2026-12345",
                ChangeContext.of("sec.lead", "v2 does not load the vulnerable library"));
        assertThat(g.promote("churn", "v2", ChangeType.NORMAL, OPS).stage())
                .isEqualTo(Stage.APPROVED);
        assertThat(g.version("churn", "v1").orElseThrow().holds())
                .extracting(PromotionHold::id).containsExactly("CVE-2026-12345");
        assertThat(audited("promotion.hold")).isEqualTo(2);
        assertThat(audited("promotion.release")).isEqualTo(1);
        assertThatThrownBy(() -> g.releaseHold("churn", "v2", "CVE-2026-12345", sec))
                .hasMessageContaining("has no hold CVE-2026-12345");
        g.revoke("churn", "v1", sec); // a backout is never held
        assertThat(g.version("churn", "v1").orElseThrow().stage()).isEqualTo(Stage.REVOKED);
    }

    // ---------------------------------------------------------------------- 6. change tickets

    @Test
    void changeTicket_isValidated_fieldByField() {
        Instant t = clock.instant();
        assertThatThrownBy(() -> ticket(t, t.plusSeconds(60)).backout(" ").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("change ticket CHG-10234 field 'backout' must be a non-blank string,"
                        + " but was ' '");
        assertThatThrownBy(() -> ticket(t, t.plusSeconds(60)).owners(List.of()).build())
                .hasMessageContaining("field 'owners' must list at least one entry");
        assertThatThrownBy(() -> ticket(t, t).build())
                .hasMessageContaining("window end must be after its start");
        assertThatThrownBy(() -> ChangeTicket.builder("CHG-1").build())
                .hasMessageContaining("field 'scope' must be a non-blank string, but was "
                        + "missing");
        assertThatThrownBy(() -> ticket(t, t.plusSeconds(60)).steps(List.of("a", "")).build())
                .hasMessageContaining("field 'steps[1]'");
    }

    @Test
    void promotion_withRequiredTickets_needsOneWhoseWindowCoversNow_andRecordsIt(
            @TempDir Path dir) {
        ReleaseGovernance g = governance(new FileModelRegistry(dir),
                b -> b.requireChangeTicket(true));
        stagedV2(g, clock.instant().plus(Duration.ofDays(90)));
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL, OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("a change ticket (scope, risk, impact, window, steps, "
                        + "backout, validation, owners) is required");
        Instant now = clock.instant();
        ChangeTicket tomorrow = ticket(now.plus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(1).plusHours(2))).build();
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL,
                ChangeRequest.builder().ticket(tomorrow).build(), OPS))
                .hasMessageContaining("allows the change from " + now.plus(Duration.ofDays(1)));
        ChangeTicket open = ticket(now.minusSeconds(60), now.plus(Duration.ofHours(2))).build();
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL,
                ChangeRequest.builder().ticket(open).build(),
                ChangeContext.of("ops", "release", "CHG-999")))
                .hasMessageContaining("names ticket CHG-999");

        VersionRecord r = g.promote("churn", "v2", ChangeType.NORMAL,
                ChangeRequest.builder().ticket(open).build(), OPS);

        StageTransition last = r.history().get(r.history().size() - 1);
        assertThat(last.changeTicket()).isEqualTo(open);
        assertThat(new FileModelRegistry(dir).version("churn", "v2").orElseThrow().history())
                .last().extracting(StageTransition::changeTicket).isEqualTo(open);
        assertThat(audit.events).anyMatch(e -> e.action().equals("change.ticket")
                && e.after().contains("\"backout\":\"rollbackAlias production\""));
        assertThatThrownBy(() -> g.setAlias("churn", "production", "v2", ChangeType.NORMAL, OPS))
                .as("an alias move is a promotion too").hasMessageContaining("is required");
        g.setAlias("churn", "production", "v2", ChangeType.NORMAL,
                ChangeRequest.builder().ticket(open).build(), OPS);
    }

    // ------------------------------------------------ 7, 8. change windows and emergencies

    @Test
    void offPeakChangeWindow_refusesNormalChangesAtPeak_inItsZone() {
        ZoneId saoPaulo = ZoneId.of("America/Sao_Paulo"); // UTC-3, no DST since 2019
        ChangeCalendar offPeak = ChangeCalendar.NONE.withChangeWindows(
                ChangeWindow.daily("off-peak", LocalTime.of(22, 0), LocalTime.of(6, 0),
                        saoPaulo));
        ReleaseGovernance g = governance(b -> b.calendar(offPeak));
        stagedV2(g, clock.instant().plus(Duration.ofDays(90)));

        // 12:00 UTC = 09:00 in Sao Paulo: peak
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL, OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("outside the change windows [off-peak 22:00-06:00 "
                        + "America/Sao_Paulo]");
        clock.advance(Duration.ofHours(14)); // 02:00 UTC = 23:00 in Sao Paulo
        assertThat(g.promote("churn", "v2", ChangeType.NORMAL, OPS).stage())
                .isEqualTo(Stage.APPROVED);
        assertThat(offPeak.frozenAt(clock.instant())).isEmpty();
        assertThat(offPeak.frozenAt(clock.instant().plus(Duration.ofHours(7))))
                .hasValueSatisfying(s -> assertThat(s).startsWith("outside the change windows"));
    }

    @Test
    void peakHoursFreeze_coversTheHoursInTheZone() {
        FreezeWindow peak = FreezeWindow.daily("peak", LocalTime.of(9, 0), LocalTime.of(18, 0),
                ZoneId.of("America/Sao_Paulo"));
        assertThat(peak.covers(Instant.parse("2026-11-10T12:00:00Z"))).isTrue(); // 09:00 local
        assertThat(peak.covers(Instant.parse("2026-11-10T11:59:59Z"))).isFalse();
        assertThat(peak.covers(Instant.parse("2026-11-10T21:00:00Z"))).isFalse(); // 18:00
        assertThat(ChangeCalendar.of(peak).blockedAt(Instant.parse("2026-11-10T15:00:00Z")))
                .contains("freeze window 'peak'");
        ChangeWindow weekendNights = ChangeWindow.weekly("weekend nights",
                Set.of(java.time.DayOfWeek.SATURDAY), LocalTime.of(23, 0), LocalTime.of(5, 0),
                ZoneOffset.UTC);
        assertThat(weekendNights.covers(Instant.parse("2026-11-15T04:00:00Z")))
                .as("Sunday 04:00 belongs to the window that started on Saturday").isTrue();
        assertThat(weekendNights.covers(Instant.parse("2026-11-16T04:00:00Z"))).isFalse();
    }

    @Test
    void emergencyOutsideAWindow_needsAnExecutiveApproverOtherThanTheActor_andATicket() {
        ChangeCalendar frozen = ChangeCalendar.of(FreezeWindow.between("launch",
                clock.instant().minusSeconds(60), clock.instant().plus(Duration.ofDays(1))));
        ReleaseGovernance g = governance(b -> b.calendar(frozen).executives(Set.of("cto")));
        stagedV2(g, clock.instant().plus(Duration.ofDays(90)));

        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.EMERGENCY, OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("no executive approver was given");
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.EMERGENCY,
                ChangeRequest.builder().executiveApprover("raphael.f").build(), OPS))
                .hasMessageContaining("'raphael.f' is not one of the executives [cto]");
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.EMERGENCY,
                ChangeRequest.builder().executiveApprover("cto").build(),
                ChangeContext.of("cto", "hotfix", "SCDR-3")))
                .hasMessageContaining("cannot be the actor");
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.EMERGENCY,
                ChangeRequest.builder().executiveApprover("cto").build(),
                ChangeContext.of("ops", "hotfix")))
                .hasMessageContaining("no ticket (the SCDR)");

        VersionRecord r = g.promote("churn", "v2", ChangeType.EMERGENCY,
                ChangeRequest.builder().executiveApprover("cto").build(),
                ChangeContext.of("ops", "hotfix", "SCDR-3"));

        assertThat(r.stage()).isEqualTo(Stage.APPROVED);
        assertThat(audit.events).anyMatch(e -> e.action().equals("change.emergency")
                && e.after().contains("\"executive\":\"cto\"") && "SCDR-3".equals(e.ticket()));
        assertThat(g.revoke("churn", "v2", ChangeContext.of("sec", "leak")).stage())
                .as("backouts need nobody").isEqualTo(Stage.REVOKED);
    }

    // -------------------------------------------------------------------- 3. revalidate_by

    @Test
    void pastRevalidateBy_theVersionIsNotRoutable_withOneWarningAhead_untilRenewed() {
        Instant by = clock.instant().plus(Duration.ofDays(30));
        ReleaseGovernance g = governance(b -> b.revalidationLead(Duration.ofDays(3)));
        approvable(g, by);
        VersionRecord approved = g.promote("churn", "v2", ChangeType.NORMAL, OPS);
        assertThat(approved.revalidateBy()).isEqualTo(by);
        assertThat(servedBy("v2")).isPositive();
        String canaryEntity = null;
        for (int i = 0; canaryEntity == null; i++) {
            if (router.decide(RouteRequest.of("churn", "c-" + i)).version().equals("v2")) {
                canaryEntity = "c-" + i;
            }
        }
        ChangeContext bot = ChangeContext.of("governance-scheduler", "revalidation check");

        assertThat(g.checkRevalidation(bot)).isEmpty();
        clock.advance(Duration.ofDays(27).plusHours(1)); // within 3 days of the date
        List<RevalidationNotice> warned = g.checkRevalidation(bot);
        g.checkRevalidation(bot);
        assertThat(warned).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(RevalidationNotice.Kind.WARNING);
            assertThat(n.message()).startsWith("churn/v2 must be revalidated by " + by);
        });
        assertThat(audited("approval.expiring")).as("warned once").isEqualTo(1);
        assertThat(servedBy("v2")).isPositive();

        clock.advance(Duration.ofDays(3));
        assertThat(g.checkRevalidation(bot)).singleElement().extracting(RevalidationNotice::kind)
                .isEqualTo(RevalidationNotice.Kind.EXPIRED);
        g.checkRevalidation(bot);

        assertThat(servedBy("v2")).isZero();
        assertThat(router.decide(RouteRequest.of("churn", canaryEntity)).reason())
                .isEqualTo(Reason.VERSION_NOT_APPROVED);
        assertThat(router.config().model("churn").version("v2").stage())
                .isEqualTo(Stage.REVOKED);
        assertThat(audited("approval.expired")).isEqualTo(1);
        assertThat(g.revalidationStatus()).singleElement().extracting(RevalidationNotice::kind)
                .isEqualTo(RevalidationNotice.Kind.EXPIRED);
        assertThatThrownBy(() -> g.setAlias("churn", "production", "v2", ChangeType.NORMAL, OPS))
                .hasMessageContaining("its approval expired");
        source.push(ReleaseGovernanceTest.config(Stage.APPROVED)); // a reload does not revive it
        assertThat(servedBy("v2")).isZero();

        g.renewApproval("churn", "v2", clock.instant().plus(Duration.ofDays(90)),
                ChangeContext.of("maria.s", "re-reviewed"));
        assertThat(servedBy("v2")).isPositive();
        assertThat(g.checkRevalidation(bot)).isEmpty();
        assertThat(audited("approval.revalidate")).isEqualTo(1);
    }

    @Test
    void expiryOfTheProductionVersion_rollsTheAliasBackFirst_andPurgesItsCaches() {
        List<String> purged = new CopyOnWriteArrayList<>();
        ReleaseGovernance g = governance(b -> b.approvalValidity(Duration.ofDays(10))
                .cachePurgeHooks(List.of((m, v, c) -> purged.add(m + "/" + v + ":" + c))));
        approvable(g, clock.instant().plus(Duration.ofDays(5)));
        assertThat(g.version("churn", "v1").orElseThrow().revalidateBy())
                .as("no approver gave a date: now + approvalValidity")
                .isEqualTo(clock.instant().plus(Duration.ofDays(10)));
        g.promote("churn", "v2", ChangeType.NORMAL, OPS);
        g.setAlias("churn", "production", "v2", ChangeType.NORMAL, OPS);
        assertThat(servedBy("v2")).isEqualTo(2_000);

        clock.advance(Duration.ofDays(6));
        g.checkRevalidation(ChangeContext.of("governance-scheduler", "revalidation check"));

        assertThat(router.config().model("churn").stableVersion()).isEqualTo("v1");
        assertThat(servedBy("v1")).isEqualTo(2_000);
        assertThat(g.alias("churn", "production").orElseThrow().version()).isEqualTo("v1");
        assertThat(purged).containsExactly("churn/v2:BACKOUT");
        assertThat(audit.events).anyMatch(e -> e.action().equals("alias.rollback")
                && e.reason().startsWith("revalidate_by " + clock.instant()
                        .minus(Duration.ofDays(1))));
    }

    @Test
    void scheduledRevalidation_runsTheCheck_andCountsAFailingOneWithoutStopping() {
        java.util.concurrent.atomic.AtomicBoolean failing =
                new java.util.concurrent.atomic.AtomicBoolean(true);
        ModelRegistry flaky = new InMemoryModelRegistry() {
            @Override
            public synchronized List<VersionRecord> versions(String model) {
                if (failing.get()) {
                    throw new java.io.UncheckedIOException(new java.io.IOException("disk gone"));
                }
                return super.versions(model);
            }
        };
        ReleaseGovernance g = governance(flaky, b -> b);
        var executor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (GovernanceSchedule s = g.scheduleRevalidation(executor, Duration.ofMillis(5),
                ChangeContext.of("governance-scheduler", "revalidation check"))) {
            dev.releaserouter.core.testing.Polling.await(() -> g.revalidationFailures() >= 2);
            assertThat(g.lastRevalidationError()).hasValueSatisfying(e ->
                    assertThat(e).contains("disk gone"));
            failing.set(false);
            dev.releaserouter.core.testing.Polling.await(() ->
                    g.lastRevalidationError().isEmpty());
            assertThat(s.isCancelled()).isFalse();
        } finally {
            executor.shutdownNow();
        }
        assertThatThrownBy(() -> g.scheduleRevalidation(executor, Duration.ZERO, OPS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ 9. cache purge hook

    @Test
    void revokeAndBackout_callThePurgeHooks_andAFailingHookIsContainedCountedAndAudited() {
        List<String> purged = new ArrayList<>();
        CachePurgeHook failing = (m, v, c) -> {
            throw new java.io.IOException("cache cluster unreachable");
        };
        ReleaseGovernance g = governance(b -> b.cachePurgeHooks(List.of(failing,
                (m, v, c) -> purged.add(m + "/" + v + ":" + c))));
        approvable(g, clock.instant().plus(Duration.ofDays(90)));
        g.promote("churn", "v2", ChangeType.NORMAL, OPS);
        g.setAlias("churn", "production", "v1", ChangeType.NORMAL, OPS);
        g.setAlias("churn", "production", "v2", ChangeType.NORMAL, OPS);

        g.rollbackAlias("churn", "production", OPS);
        VersionRecord revoked = g.revoke("churn", "v2", ChangeContext.of("sec", "data leak"));

        assertThat(revoked.stage()).isEqualTo(Stage.REVOKED);
        assertThat(servedBy("v2")).isZero();
        assertThat(purged).containsExactly("churn/v2:BACKOUT", "churn/v2:REVOKE");
        assertThat(g.cachePurgeFailures()).isEqualTo(2);
        assertThat(audit.events).filteredOn(e -> e.action().equals("cache.purge"))
                .extracting(e -> e.after()).containsExactly(
                        "\"failed: java.io.IOException: cache cluster unreachable\"",
                        "\"purged\"",
                        "\"failed: java.io.IOException: cache cluster unreachable\"",
                        "\"purged\"");
    }
}

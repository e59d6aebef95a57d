package dev.releaserouter.core;

import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.PushSource;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminTest {

    static final ChangeContext OPS = ChangeContext.of("maria.s", "canary p95 over SLO", "INC-7");
    static final RouteRequest REQ = RouteRequest.of("churn", "customer-43"); // bucket 4939

    RecordingAuditSink audit;
    MutableClock clock;
    PushSource source;
    RouterAdmin admin;
    Router router;

    @BeforeEach
    void setUp() {
        audit = new RecordingAuditSink();
        clock = MutableClock.at("2026-11-22T10:00:00Z");
        source = new PushSource(of(churn(10_000).build()));
        admin = ReleaseRouter.builder().flagSource(source).auditSink(audit).clock(clock)
                .hashSecretHex(Configs.SECRET).buildWithAdmin();
        router = admin.router();
    }

    @Test
    void start_isAudited_withTheSourceAsActor() {
        AuditEvent e = audit.events.get(0);
        assertThat(e.action()).isEqualTo("config.load");
        assertThat(e.actor()).isEqualTo("source:test:push");
        assertThat(e.revision()).isEqualTo(1);
    }

    @Test
    void changeContext_refusesAChangeWithoutActorOrReason() {
        assertThatThrownBy(() -> ChangeContext.of(" ", "why"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("actor");
        assertThatThrownBy(() -> ChangeContext.of("me", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
        assertThatThrownBy(() -> admin.kill(KillTarget.model("churn"), null))
                .isInstanceOf(NullPointerException.class);
        assertThat(router.decide(REQ).version()).isEqualTo("v2");
    }

    @Test
    void kill_appliesToTheNextDecision_andIsAuditedWithWhoWhenWhy() {
        admin.kill(KillTarget.model("churn"), OPS);
        assertThat(router.decide(REQ).reason()).isEqualTo(Reason.KILL_SWITCH);
        AuditEvent e = audit.last();
        assertThat(e.actor()).isEqualTo("maria.s");
        assertThat(e.action()).isEqualTo("kill.on");
        assertThat(e.target()).isEqualTo("model:churn");
        assertThat(e.before()).isEqualTo("false");
        assertThat(e.after()).isEqualTo("true");
        assertThat(e.reason()).isEqualTo("canary p95 over SLO");
        assertThat(e.ticket()).isEqualTo("INC-7");
        assertThat(e.time()).isEqualTo(clock.instant());
        assertThat(e.revision()).isEqualTo(router.configRevision());

        admin.unkill(KillTarget.model("churn"), OPS);
        assertThat(router.decide(REQ).version()).isEqualTo("v2");
    }

    @Test
    void killTargets_tenantChannelVersionAndAll() {
        admin.kill(KillTarget.tenant("acme"), OPS);
        admin.kill(KillTarget.channel("churn", "batch"), OPS);
        assertThat(router.decide(REQ.toBuilder().tenant("acme").build()).reason())
                .isEqualTo(Reason.KILL_SWITCH);
        assertThat(router.decide(REQ.toBuilder().channel("batch").build()).reason())
                .isEqualTo(Reason.KILL_SWITCH);
        assertThat(router.decide(REQ).isCandidate()).isTrue();
        admin.kill(KillTarget.version("churn", "v2"), OPS);
        assertThat(router.decide(REQ).reason()).isEqualTo(Reason.KILL_SWITCH);
        admin.unkill(KillTarget.version("churn", "v2"), OPS);
        admin.kill(KillTarget.all(), OPS);
        assertThat(router.decide(REQ).reason()).isEqualTo(Reason.KILL_SWITCH);
    }

    @Test
    void everyKindOfChange_isAuditedWithWhoWhenWhatBeforeAfterWhyAndTicket() {
        Map<String, Consumer<RouterAdmin>> changes = new LinkedHashMap<>();
        changes.put("weight.set", a -> a.setWeight("churn", "v2", 2_500, OPS));
        changes.put("kill.on", a -> a.kill(KillTarget.channel("churn", "batch"), OPS));
        changes.put("kill.off", a -> a.unkill(KillTarget.channel("churn", "batch"), OPS));
        changes.put("deny.add", a -> a.deny("churn", Dimension.TENANT, "vip", OPS));
        changes.put("deny.remove", a -> a.undeny("churn", Dimension.TENANT, "vip", OPS));
        changes.put("allow.set", a -> a.setAllowList("churn", Dimension.REGION, Set.of("BR"), OPS));
        changes.put("budget.set", a -> a.setBudget("churn", "v2",
                ExposureBudget.builder().maxRequests(10).build(), OPS));
        changes.put("budget.reset", a -> a.resetBudget("churn", "v2", OPS));
        changes.put("stage.set", a -> a.setStage("churn", "v2", Stage.STAGING, OPS));
        changes.put("overrides.clear", a -> a.clearOverrides("churn", OPS));
        changes.forEach((action, call) -> {
            int before = audit.events.size();
            clock.advance(Duration.ofMinutes(1));
            call.accept(admin);
            assertThat(audit.events).as(action).hasSize(before + 1);
            AuditEvent e = audit.last();
            assertThat(e.action()).isEqualTo(action);
            assertThat(e.actor()).as(action).isEqualTo("maria.s");
            assertThat(e.time()).as(action).isEqualTo(clock.instant());
            assertThat(e.target()).as(action).contains("churn");
            assertThat(e.reason()).as(action).isEqualTo("canary p95 over SLO");
            assertThat(e.ticket()).as(action).isEqualTo("INC-7");
            assertThat(e.before() != null || e.after() != null).as(action + " before/after")
                    .isTrue();
            assertThat(e.revision()).as(action).isEqualTo(router.configRevision());
        });
    }

    @Test
    void killAudit_recordsWhatIsInForce_notWhatWasAsked() {
        admin.kill(KillTarget.model("churn"), OPS);
        admin.kill(KillTarget.model("churn"), OPS);
        assertThat(audit.last().before()).as("it was already killed").isEqualTo("true");
        assertThat(audit.last().after()).isEqualTo("true");
        admin.unkill(KillTarget.model("churn"), OPS);

        source.push(of(churn(10_000).kills(KillSwitches.of(false, Set.of(), Set.of("acme"),
                Set.of())).build()));
        admin.unkill(KillTarget.tenant("churn", "acme"), OPS);
        assertThat(audit.last().before()).isEqualTo("true");
        assertThat(audit.last().after()).as("an override does not lift the file's kill")
                .isEqualTo("true");
        assertThat(router.decide(REQ.toBuilder().tenant("acme").build()).reason())
                .isEqualTo(Reason.KILL_SWITCH);
    }

    @Test
    void clearOverrides_isAuditedWithTheDiffItMakes() {
        admin.setWeight("churn", "v2", 2_500, OPS);
        admin.clearOverrides("churn", OPS);
        assertThat(audit.last().action()).isEqualTo("overrides.clear");
        assertThat(audit.last().before())
                .isEqualTo("{\"/models/churn/versions/v2/weight\":\"25\"}");
        assertThat(audit.last().after())
                .isEqualTo("{\"/models/churn/versions/v2/weight\":\"100\"}");
    }

    @Test
    void auditEntry_isWrittenBeforeTheChangeTakesEffect() {
        AtomicReference<Router> self = new AtomicReference<>();
        List<Reason> seenWhileRecording = new ArrayList<>();
        AuditSink sink = e -> {
            Router r = self.get();
            if (r != null) {
                seenWhileRecording.add(r.decide(REQ).reason());
            }
        };
        RouterAdmin a = ReleaseRouter.builder()
                .flagSource(new PushSource(of(churn(10_000).build())))
                .auditSink(sink).clock(clock).hashSecretHex(Configs.SECRET).buildWithAdmin();
        Router r = a.router();
        self.set(r);
        a.kill(KillTarget.model("churn"), OPS);
        assertThat(seenWhileRecording).containsExactly(Reason.CANARY_BUCKET);
        assertThat(r.decide(REQ).reason()).isEqualTo(Reason.KILL_SWITCH);
    }

    @Test
    void auditFailure_refusesTheChange() {
        audit.failing = true;
        assertThatThrownBy(() -> admin.kill(KillTarget.model("churn"), OPS))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(router.decide(REQ).version()).as("the change did not take effect")
                .isEqualTo("v2");
        assertThat(router.configRevision()).isEqualTo(1);
    }

    @Test
    void invalidChange_isRefusedWithThePointer_andNothingIsAudited() {
        int before = audit.events.size();
        assertThatThrownBy(() -> admin.setStage("churn", "v1", Stage.REVOKED, OPS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/models/churn/versions/v1/stage")
                .hasMessageContaining("must be Approved");
        assertThat(audit.events).hasSize(before);
    }

    @Test
    void unknownModelOrVersion_isRefused() {
        assertThatThrownBy(() -> admin.setWeight("nope", "v2", 1, OPS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> admin.setWeight("churn", "v9", 1, OPS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("v9");
        assertThatThrownBy(() -> admin.setWeight("churn", "v1", 1, OPS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stable");
    }

    @Test
    void revoke_takesEffectAtOnce() {
        admin.setStage("churn", "v2", Stage.REVOKED, OPS);
        assertThat(router.decide(REQ).reason()).isEqualTo(Reason.VERSION_NOT_APPROVED);
        assertThat(audit.last().before()).isEqualTo("\"approved\"");
        assertThat(audit.last().after()).isEqualTo("\"revoked\"");
    }

    @Test
    void overrides_surviveAReload_untilCleared() {
        admin.setStage("churn", "v2", Stage.REVOKED, OPS);
        admin.deny("churn", Dimension.TENANT, "vip", OPS);
        source.push(of(churn(9_000).build())); // the file still says v2 approved at 90%
        assertThat(router.config().model("churn").version("v2").weightBasisPoints())
                .isEqualTo(9_000);
        assertThat(router.decide(REQ).reason()).isEqualTo(Reason.VERSION_NOT_APPROVED);
        admin.clearOverrides("churn", OPS);
        assertThat(router.decide(REQ).isCandidate()).isTrue();
    }

    @Test
    void reload_isAuditedWithTheDiff_andTheSourceAsActor() {
        source.push(of(churn(2_500).build()));
        AuditEvent e = audit.last();
        assertThat(e.action()).isEqualTo("config.reload");
        assertThat(e.actor()).isEqualTo("source:test:push");
        assertThat(e.before()).isEqualTo("{\"/models/churn/versions/v2/weight\":\"100\"}");
        assertThat(e.after()).isEqualTo("{\"/models/churn/versions/v2/weight\":\"25\"}");
        assertThat(router.configRevision()).isEqualTo(2);
    }

    @Test
    void reload_thatChangesAnArtifactDigest_isAuditedWithBothDigests() {
        source.push(of(churn(10_000).version(dev.releaserouter.api.config.VersionConfig
                .builder("v2").weightBasisPoints(10_000).artifactDigest("sha256:aaaa").build())
                .build()));
        source.push(of(churn(10_000).version(dev.releaserouter.api.config.VersionConfig
                .builder("v2").weightBasisPoints(10_000).artifactDigest("sha256:bbbb").build())
                .build()));
        assertThat(audit.last().before())
                .isEqualTo("{\"/models/churn/versions/v2/artifact_digest\":\"sha256:aaaa\"}");
        assertThat(audit.last().after())
                .isEqualTo("{\"/models/churn/versions/v2/artifact_digest\":\"sha256:bbbb\"}");
    }

    @Test
    void reload_identicalContent_changesNothing() {
        source.push(of(churn(10_000).build()));
        assertThat(router.configRevision()).isEqualTo(1);
        assertThat(audit.events).hasSize(1);
    }

    @Test
    void badReload_keepsTheLastGoodConfig_andIsCounted() {
        source.fail(new ConfigException("file:/x.json", "/models/churn/versions/v2/weight",
                "120", "weight must be between 0 and 100", null));
        assertThat(router.status().reloadFailures()).isEqualTo(1);
        assertThat(router.status().upToDate()).isFalse();
        assertThat(router.status().lastReloadError().pointer())
                .isEqualTo("/models/churn/versions/v2/weight");
        assertThat(router.decide(REQ).version()).isEqualTo("v2");
        source.push(of(churn(2_000).build()));
        assertThat(router.status().upToDate()).isTrue();
        assertThat(router.status().reloads()).isEqualTo(1);
    }

    @Test
    void reloadThatCannotBeAudited_isRefused_counted_andTheStatusSaysSo() {
        audit.failing = true;
        source.push(of(churn(2_500).build()));
        assertThat(router.configRevision()).isEqualTo(1);
        assertThat(router.decide(REQ).version()).as("the last good config answers")
                .isEqualTo("v2");
        assertThat(router.status().reloadFailures()).isEqualTo(1);
        assertThat(router.status().upToDate()).as("the file is not what is in force").isFalse();
        assertThat(router.status().lastReloadError().getMessage()).contains("test:push")
                .contains("disk full");

        audit.failing = false;
        source.push(of(churn(2_000).build()));
        assertThat(router.status().upToDate()).isTrue();
        assertThat(router.configRevision()).isEqualTo(2);
    }

    @Test
    void badReload_thenTheContentInForceAgain_isUpToDate_withoutANewRevision() {
        source.fail(new ConfigException("test:push", "", null, "the flag file is empty", null));
        assertThat(router.status().upToDate()).isFalse();
        source.push(of(churn(10_000).build())); // the bad write reverted
        assertThat(router.status().upToDate()).isTrue();
        assertThat(router.configRevision()).isEqualTo(1);
        assertThat(audit.events).hasSize(1);
    }

    @Test
    void reloadConflictingWithOverrides_isRefused_andTheOldConfigStays() {
        admin.setWeight("churn", "v2", 6_000, OPS);
        RouterConfig conflicting = of(churn(0).build().toBuilder()
                .version(dev.releaserouter.api.config.VersionConfig.builder("v3")
                        .weightBasisPoints(5_000).reservePercent(50).build())
                .version(dev.releaserouter.api.config.VersionConfig.builder("v2")
                        .weightBasisPoints(1_000).reservePercent(50).build())
                .build());
        long rev = router.configRevision();
        source.push(conflicting); // the 60% override on v2 plus v3 at 50% is 110%
        assertThat(router.configRevision()).isEqualTo(rev);
        assertThat(router.status().reloadFailures()).isEqualTo(1);
        assertThat(router.status().lastReloadError().getMessage()).contains("test:push")
                .contains("/models/churn/versions")
                .contains("at most 100%");
    }

    @Test
    void allowList_andDenyOverrides_apply() {
        admin.setAllowList("churn", Dimension.REGION, Set.of("BR"), OPS);
        assertThat(router.decide(REQ.toBuilder().region("US").build()).reason())
                .isEqualTo(Reason.NOT_IN_ALLOWED_SEGMENT);
        assertThat(router.decide(REQ.toBuilder().region("BR").build()).isCandidate()).isTrue();
        admin.deny("churn", Dimension.TENANT, "vip", OPS);
        assertThat(router.decide(REQ.toBuilder().region("BR").tenant("vip").build()).reason())
                .isEqualTo(Reason.DENIED_SEGMENT);
        admin.undeny("churn", Dimension.TENANT, "vip", OPS);
        assertThat(router.decide(REQ.toBuilder().region("BR").tenant("vip").build())
                .isCandidate()).isTrue();
    }

    @Test
    void snapshotSwap_isAtomic_decisionsNeverMixTwoConfigs() throws Exception {
        // Two configs alternate: v2 at 100% (odd revisions after the first swap) and 0%.
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<Integer>> readers = new ArrayList<>();
        long base = router.configRevision();
        for (int t = 0; t < 7; t++) {
            readers.add(pool.submit(() -> {
                int checked = 0;
                while (!stop.get()) {
                    var d = router.decide(REQ);
                    boolean full = (d.configRevision() - base) % 2 == 0;
                    assertThat(d.isCandidate()).isEqualTo(full);
                    checked++;
                }
                return checked;
            }));
        }
        for (int i = 0; i < 400; i++) {
            admin.setWeight("churn", "v2", i % 2 == 0 ? 0 : 10_000, OPS);
        }
        stop.set(true);
        int total = 0;
        for (Future<Integer> f : readers) {
            total += f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(total).isPositive();
    }
}

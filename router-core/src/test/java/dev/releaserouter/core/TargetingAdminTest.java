package dev.releaserouter.core;

import static dev.releaserouter.core.testing.Configs.SECRET;
import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.TargetingRule;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.spi.OverrideStore;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.PushSource;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code RouterAdmin.setRuleWeight}: a segment's weight changes at run time, audited like a
 * weight change, kept as an override across reloads, shared through the override store.
 */
class TargetingAdminTest {

    static final ChangeContext OPS = ChangeContext.of("maria.s", "ramp retail-br", "CHG-12");

    RecordingAuditSink audit;
    PushSource source;
    RouterAdmin admin;
    Router router;

    static ModelConfig model() {
        return TargetingTest.issueExample().build();
    }

    @BeforeEach
    void setUp() {
        audit = new RecordingAuditSink();
        source = new PushSource(of(model()));
        admin = ReleaseRouter.builder().flagSource(source).auditSink(audit)
                .clock(MutableClock.at("2026-12-06T09:00:00Z")).hashSecretHex(SECRET)
                .buildWithAdmin();
        router = admin.router();
    }

    static int candidates(Router r, String tenant, String region) {
        int c = 0;
        for (int i = 0; i < 4_000; i++) {
            if (r.decide(TargetingTest.request(i, tenant, region)).isCandidate()) {
                c++;
            }
        }
        return c;
    }

    @Test
    void setRuleWeight_changesThatSegmentOnly_andIsAuditedWithWhoWhyBeforeAfter() {
        int latamBefore = candidates(router, "acme", "LATAM");
        admin.setRuleWeight("churn", "retail-br", "v2", 10_000, OPS);

        assertThat(candidates(router, "retail-br", "BR")).isEqualTo(4_000);
        assertThat(candidates(router, "acme", "LATAM")).isEqualTo(latamBefore);
        assertThat(candidates(router, "acme", "EU")).isZero();
        AuditEvent e = audit.last();
        assertThat(e.action()).isEqualTo("rule.weight.set");
        assertThat(e.target()).isEqualTo("churn/targeting/retail-br/v2");
        assertThat(e.actor()).isEqualTo("maria.s");
        assertThat(e.before()).isEqualTo("5");
        assertThat(e.after()).isEqualTo("100");
        assertThat(router.config().model("churn").rule("retail-br").weightBasisPoints("v2"))
                .isEqualTo(10_000);
    }

    @Test
    void ruleWeightOverride_survivesAReload_untilCleared() {
        admin.setRuleWeight("churn", "latam", "v2", 0, OPS);
        source.push(of(model().toBuilder().version(VersionConfig.builder("v2")
                .weightPercent(1).build()).build()));
        assertThat(candidates(router, "acme", "LATAM")).as("the override stays").isZero();
        assertThat(router.config().model("churn").version("v2").weightBasisPoints())
                .isEqualTo(100);

        admin.clearOverrides("churn", OPS);
        assertThat(candidates(router, "acme", "LATAM")).isGreaterThan(500);
    }

    @Test
    void setRuleWeight_unknownRuleModelOrVersion_orStable_isRefused_andNotAudited() {
        int before = audit.events.size();
        assertThatThrownBy(() -> admin.setRuleWeight("churn", "nope", "v2", 100, OPS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown targeting rule 'nope'")
                .hasMessageContaining("[retail-br, latam]");
        assertThatThrownBy(() -> admin.setRuleWeight("fraud", "latam", "v2", 100, OPS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> admin.setRuleWeight("churn", "latam", "v9", 100, OPS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> admin.setRuleWeight("churn", "latam", "v1", 100, OPS))
                .hasMessageContaining("stable version");
        assertThatThrownBy(() -> admin.setRuleWeight("churn", "latam", "v2", 10_001, OPS))
                .hasMessageContaining("10001");
        assertThat(audit.events).hasSize(before);
    }

    @Test
    void setRuleWeight_aboveTheReserve_isAConfigError_andNothingChanges() {
        source.push(of(model().toBuilder().version(VersionConfig.builder("v2").reservePercent(30)
                .build()).build()));
        int before = audit.events.size();
        assertThatThrownBy(() -> admin.setRuleWeight("churn", "latam", "v2", 4_000, OPS))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.pointer())
                        .isEqualTo("/models/churn/targeting/1/weights/v2"));
        assertThat(audit.events).hasSize(before);
        assertThat(router.config().model("churn").rule("latam").weightBasisPoints("v2"))
                .isEqualTo(2_500);
    }

    @Test
    void ruleWeight_reachesEveryRouterSharingTheOverrideStore() {
        OverrideStore store = OverrideStore.inMemory();
        RouterAdmin a = ReleaseRouter.builder().config(of(model())).hashSecretHex(SECRET)
                .auditSink(new RecordingAuditSink()).overrideStore(store).buildWithAdmin();
        RouterAdmin b = ReleaseRouter.builder().config(of(model())).hashSecretHex(SECRET)
                .auditSink(new RecordingAuditSink()).overrideStore(store).buildWithAdmin();
        a.setRuleWeight("churn", "retail-br", "v2", 10_000, OPS);
        // The store tells the other routers on its own thread.
        Polling.await(() -> b.router().config().model("churn").rule("retail-br")
                .weightBasisPoints("v2") == 10_000);
        RouterAdmin c = ReleaseRouter.builder().config(of(model())).hashSecretHex(SECRET)
                .auditSink(new RecordingAuditSink()).overrideStore(store).buildWithAdmin();
        assertThat(candidates(c.router(), "retail-br", "BR")).as("a router started later")
                .isEqualTo(4_000);
    }

    @Test
    void setStable_onATargetedModel_givesTheNewStableEverySegment() {
        admin.setStable("churn", "v2", OPS);
        for (String[] segment : new String[][] {{"retail-br", "BR"}, {"acme", "LATAM"},
            {"acme", "EU"}}) {
            for (int i = 0; i < 200; i++) {
                assertThat(router.decide(TargetingTest.request(i, segment[0], segment[1]))
                        .version()).isEqualTo("v2");
            }
        }
        TargetingRule latam = router.config().model("churn").rule("latam");
        assertThat(latam.weightBasisPoints("v1")).isZero();
    }

    @Test
    void routerAdminThatPredatesTargeting_saysSo() {
        // An admin implementing only the methods that existed before targeting rules.
        RouterAdmin old = (RouterAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RouterAdmin.class}, (proxy, method, args) -> method.isDefault()
                        ? InvocationHandler.invokeDefault(proxy, method, args) : null);
        assertThatThrownBy(() -> old.setRuleWeight("churn", "latam", "v2", 0, OPS))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("cannot change targeting rules");
    }
}

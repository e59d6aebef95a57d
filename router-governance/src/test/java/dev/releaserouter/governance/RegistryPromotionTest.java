package dev.releaserouter.governance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.rollout.ChangeType;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutFixture;
import dev.releaserouter.rollout.RolloutStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At 100%, promote in the registry (seed 003 promote_model; seed 004 §2 step 4): a PROMOTED
 * rollout moves the {@code production} alias to its candidate, audited, and the router follows.
 */
class RegistryPromotionTest {

    static final ChangeContext OPS = ChangeContext.of("ops", "release", "CHG-10234");

    @TempDir
    Path dir;

    private final RolloutFixture f = new RolloutFixture();
    private final ReleaseGovernance governance = ReleaseGovernance.builder(f.admin,
            ModelRegistry.inMemory()).auditSink(f.audit).clock(f.clock).build();

    private void approve(String version) {
        governance.register("churn", version, OPS);
        governance.toStaging("churn", version, OPS);
        governance.approve("churn", version, "maria.s", "security",
                ChangeContext.of("maria.s", "security ok"));
        governance.approve("churn", version, "raphael.f", "product",
                ChangeContext.of("raphael.f", "product ok"));
        governance.promote("churn", version, ChangeType.NORMAL, OPS);
    }

    private RolloutController promotedRollout(RegistryPromotion listener) {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        c.addListener(listener);
        for (int i = 0; i < 4; i++) {
            f.checkpoint(c, 100, 60, 0);
        }
        assertThat(c.status()).isEqualTo(RolloutStatus.PROMOTED);
        return c;
    }

    @Test
    void promotedRollout_movesTheProductionAlias_andTheRouterFollows() {
        approve("v1");
        governance.setAlias("churn", "production", "v1", ChangeType.STANDARD, OPS);
        approve("v2");
        RegistryPromotion listener = RegistryPromotion.of(governance);

        RolloutController c = promotedRollout(listener);

        assertThat(governance.alias("churn", "production")).get().satisfies(a -> {
            assertThat(a.version()).isEqualTo("v2");
            assertThat(a.previous()).containsExactly("v1");
        });
        assertThat(f.router.config().model("churn").stableVersion()).isEqualTo("v2");
        assertThat(f.audit.events).filteredOn(e -> e.action().equals("alias.set")
                && e.after().equals("\"v2\"")).singleElement().satisfies(e -> {
                    assertThat(e.actor()).isEqualTo("rollout-bot");
                    assertThat(e.reason()).startsWith("rollout of churn v2 PROMOTED (PROCEED at ");
                });
        assertThat(listener.promotions()).isEqualTo(1);
        assertThat(listener.failures()).isZero();
        assertThat(c.listenerFailures()).isZero();
    }

    @Test
    void promotedRollout_ofAVersionNotApproved_leavesTheAlias_andCountsTheRefusal() {
        approve("v1");
        governance.setAlias("churn", "production", "v1", ChangeType.STANDARD, OPS);
        governance.register("churn", "v2", OPS); // a Candidate in the registry only
        RegistryPromotion listener = RegistryPromotion.of(governance);

        promotedRollout(listener);

        assertThat(governance.alias("churn", "production")).get()
                .satisfies(a -> assertThat(a.version()).isEqualTo("v1"));
        assertThat(listener.failures()).isEqualTo(1);
        assertThat(listener.lastFailure()).get().asString()
                .contains("cannot point alias 'production' at churn/v2: it is CANDIDATE");
    }

    @Test
    void aCustomAlias_isMoved_andOtherDecisionsAreIgnored() {
        approve("v2");
        RegistryPromotion listener = RegistryPromotion.of(governance, "latest");
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        c.addListener(listener);
        f.checkpoint(c, 100, 60, 0); // PROCEED to stage 2: not PROMOTED
        assertThat(governance.alias("churn", "latest")).isEmpty();
        c.promote(ChangeContext.of("alice", "good enough"));
        assertThat(governance.alias("churn", "latest")).get()
                .satisfies(a -> assertThat(a.version()).isEqualTo("v2"));
        assertThat(listener.alias()).isEqualTo("latest");
    }
}

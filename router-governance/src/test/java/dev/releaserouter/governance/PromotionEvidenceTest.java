package dev.releaserouter.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.rollout.ChangeRefusedException;
import dev.releaserouter.rollout.ChangeType;
import dev.releaserouter.rollout.FileRolloutStateStore;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutFixture;
import dev.releaserouter.rollout.RolloutStatus;
import dev.releaserouter.rollout.gates.GateDecision;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "No evidence, no promotion" (seed 004): a promotion to Approved reads the canary verdict (and
 * the shadow's) from an {@link EvidenceSource}, here a real rollout on a mutable clock.
 */
class PromotionEvidenceTest {

    static final ChangeContext OPS = ChangeContext.of("ops", "release", "CHG-10234");

    @TempDir
    Path dir;

    final RolloutFixture f = new RolloutFixture(); // churn: v1 stable, v2 the candidate
    final ModelRegistry registry = ModelRegistry.inMemory();

    /**
     * v2 in Staging in the registry with two approvals; the router still lists it as its flag
     * file says (Approved), so the rollout can send it traffic.
     */
    ReleaseGovernance governance(EvidenceSource evidence) {
        registry.save(new VersionRecord("churn", "v2", Stage.STAGING, List.of(), List.of()));
        ReleaseGovernance g = ReleaseGovernance.builder(f.admin, registry).auditSink(f.audit)
                .clock(f.clock).evidence(evidence).build();
        g.approve("churn", "v2", "maria.s", "security", ChangeContext.of("maria.s", "ok"));
        g.approve("churn", "v2", "raphael.f", "product", ChangeContext.of("raphael.f", "ok"));
        return g;
    }

    @Test
    void promote_isRefusedWhileTheCanaryRuns_andAllowedOnceItsGatesProceededToTheEnd() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        ReleaseGovernance g = governance(EvidenceSource.rollout(c));

        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL, OPS))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("no evidence, no promotion: churn/v2 needs canary PROCEED,"
                        + " but the canary is HOLD");
        for (int i = 0; i < 4; i++) {
            f.checkpoint(c, 100, 60, 0);
        }
        assertThat(c.status()).isEqualTo(RolloutStatus.PROMOTED);

        assertThat(g.promote("churn", "v2", ChangeType.NORMAL, OPS).stage())
                .isEqualTo(Stage.APPROVED);
        assertThat(f.auditCount("evidence.refused")).isEqualTo(1);
        assertThat(f.audit.events).anyMatch(e -> e.action().equals("promotion.evidence")
                && e.after().contains("\"canary\":\"PROCEED\"")
                && e.after().contains("gate PROCEED at stage 4"));
    }

    @Test
    void aManualPromotionOfTheRollout_isNotEvidence() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        ReleaseGovernance g = governance(EvidenceSource.rollout(c));
        c.promote(ChangeContext.of("alice", "looks fine"));

        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL, OPS))
                .hasMessageContaining("promoted by hand, not by a gate");
        assertThat(g.version("churn", "v2").orElseThrow().stage()).isEqualTo(Stage.STAGING);
    }

    @Test
    void theRolloutStateStore_isEvidence_aRolledBackCanaryRefuses() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        ReleaseGovernance g = governance(EvidenceSource.rolloutStore(
                new FileRolloutStateStore(dir)));
        assertThat(f.checkpoint(c, 100, 60, 0.5)).isEqualTo(RolloutStatus.ROLLED_BACK);

        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL, OPS))
                .hasMessageContaining("but the canary is ROLLBACK")
                .hasMessageContaining("rollout state of churn/v2: ROLLED_BACK");
        assertThat(EvidenceSource.rolloutStore(new FileRolloutStateStore(dir))
                .evidence("churn", "v3")).as("another candidate's rollout").isEmpty();
    }

    @Test
    void theRolloutStateStore_tellsAGatesPromotionFromOneByHand() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        ReleaseGovernance g = governance(EvidenceSource.rolloutStore(
                new FileRolloutStateStore(dir)));
        c.promote(ChangeContext.of("alice", "looks fine"));

        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL, OPS))
                .hasMessageContaining("PROMOTED by hand, not by a gate");
        assertThat(EvidenceSource.rolloutStore(new FileRolloutStateStore(dir))
                .evidence("churn", "v2").orElseThrow().shadow())
                .as("no shadow phase in the plan").isEqualTo(PromotionEvidence.Shadow.NONE);
    }

    @Test
    void withAShadowPhase_aFailedShadowRefuses_andAFailingSourceIsCounted() {
        PromotionEvidence.Shadow[] shadow = {PromotionEvidence.Shadow.FAIL};
        boolean[] broken = {false};
        ReleaseGovernance g = governance((m, v) -> {
            if (broken[0]) {
                throw new IllegalStateException("state store unreachable");
            }
            return Optional.of(new PromotionEvidence(GateDecision.PROCEED, shadow[0],
                    "chain plan of " + m + "/" + v));
        });
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL, OPS))
                .hasMessageContaining("needs canary PROCEED and shadow PASS, but the canary is "
                        + "PROCEED and the shadow FAIL (chain plan of churn/v2)");
        broken[0] = true;
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL, OPS))
                .hasMessageContaining("the evidence source failed for churn/v2: "
                        + "java.lang.IllegalStateException: state store unreachable");
        assertThat(g.evidenceFailures()).isEqualTo(1);
        broken[0] = false;
        shadow[0] = PromotionEvidence.Shadow.PASS;
        assertThat(g.promote("churn", "v2", ChangeType.NORMAL, OPS).stage())
                .isEqualTo(Stage.APPROVED);
    }

    @Test
    void noEvidenceOnRecord_refuses() {
        ReleaseGovernance g = governance((m, v) -> Optional.empty());
        assertThatThrownBy(() -> g.promote("churn", "v2", ChangeType.NORMAL, OPS))
                .hasMessageContaining("no canary verdict on record for churn/v2");
    }
}

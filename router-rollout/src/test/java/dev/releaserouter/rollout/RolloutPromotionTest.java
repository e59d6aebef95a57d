package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.rollout.gates.GateDecision;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** At 100%, promote (seed 003: promote_model after the last stage; issue 20). */
class RolloutPromotionTest {

    @TempDir
    Path dir;

    private final RolloutFixture f = new RolloutFixture();

    private RolloutController walkToTheEnd(RolloutPlan plan) {
        RolloutController c = f.start(plan, dir);
        for (int i = 0; i < 3; i++) {
            assertThat(f.checkpoint(c, 100, 60, 0)).isEqualTo(RolloutStatus.RUNNING);
        }
        return c;
    }

    @Test
    void promoteOnCompletion_lastCheckpointPasses_candidateBecomesTheStableVersion() {
        RolloutController c = walkToTheEnd(f.plan(RolloutFixture.POLICY)
                .promoteOnCompletion(true).build());

        assertThat(f.checkpoint(c, 100, 60, 0)).isEqualTo(RolloutStatus.PROMOTED);

        assertThat(f.router.config().model("churn").stableVersion()).isEqualTo("v2");
        assertThat(f.candidateShare()).isEqualTo(2000);
        assertThat(f.auditCount("stable.set")).isEqualTo(1);
        assertThat(f.audit.events).filteredOn(e -> e.action().equals("stable.set"))
                .singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo(
                        "rollout promotion: v2 becomes the stable version of churn (was v1) "
                                + "after the last stage"));
        RolloutDecision last = c.decisions().get(c.decisions().size() - 1);
        assertThat(last.reasons()).contains("promoted: v2 is now the stable version of churn "
                + "(was v1)");
        assertThat(c.state().canaryVerdict()).isEqualTo(GateDecision.PROCEED);
    }

    @Test
    void withoutPromoteOnCompletion_aPromotedCandidateStaysACandidateAt100Percent() {
        RolloutController c = walkToTheEnd(f.plan(RolloutFixture.POLICY).build());
        assertThat(f.checkpoint(c, 100, 60, 0)).isEqualTo(RolloutStatus.PROMOTED);
        assertThat(f.router.config().model("churn").stableVersion()).isEqualTo("v1");
        assertThat(f.auditCount("stable.set")).isZero();
    }

    @Test
    void manualPromotion_alsoMakesTheCandidateStable_whenThePlanSaysSo() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).promoteOnCompletion(true)
                .build(), dir);
        c.promote(ChangeContext.of("alice", "hotfix verified", "CHG-7"));
        assertThat(f.router.config().model("churn").stableVersion()).isEqualTo("v2");
    }

    @Test
    void promotionRefusedByTheRouter_leavesThePromotedRollout_andSaysWhatToDo() {
        RolloutController c = walkToTheEnd(f.plan(RolloutFixture.POLICY)
                .promoteOnCompletion(true).build());
        // A version with an exposure budget cannot be stable.
        f.admin.setBudget("churn", "v2", ExposureBudget.builder().maxRequests(1_000_000).build(),
                ChangeContext.of("ops", "cap"));

        assertThat(f.checkpoint(c, 100, 60, 0)).isEqualTo(RolloutStatus.PROMOTED);

        assertThat(f.router.config().model("churn").stableVersion()).isEqualTo("v1");
        assertThat(c.decisions().get(c.decisions().size() - 1).reasons())
                .anyMatch(r -> r.startsWith("promotion to stable failed: ")
                        && r.endsWith("v2 stays at 100% as a candidate: make it stable by hand "
                                + "(RouterAdmin.setStable or the registry's alias)"));
        assertThat(c.tickFailures()).isZero();
    }

    @Test
    void promoteOnCompletion_needsALastStageOf100Percent() {
        assertThatThrownBy(() -> f.plan(RolloutFixture.POLICY).stages(500, 5000)
                .promoteOnCompletion(true).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("promoteOnCompletion needs a last stage of 10000 basis points "
                        + "(100%), but stages[1] was 5000");
    }
}

package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.config.Weights;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shadow phase before stage 1 (seed 002: 24-48 h of shadow validation; seed 000 §3.2: only
 * deltas within the limit and SLO/cost OK promote to canary), on a mutable clock with a stub
 * evidence source.
 */
class ShadowPhaseTest {

    @TempDir
    Path dir;

    private final RolloutFixture f = new RolloutFixture();
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicReference<ShadowEvidence> evidence = new AtomicReference<>(GOOD);

    /** 1000 comparisons, 97% match, 1% failures, p95 100 -> 110 ms (+10%). */
    static final ShadowEvidence GOOD = new ShadowEvidence(1000, 10, 1000, 970, 100, 110, 0.01,
            Double.NaN, Double.NaN);

    private final ShadowEvidenceSource source = (model, candidate) -> {
        reads.incrementAndGet();
        return evidence.get();
    };

    private RolloutPlan.Builder plan(ShadowExitCriteria criteria) {
        return f.plan(RolloutFixture.POLICY).shadowPhase(ShadowPhase.builder()
                .minDuration(Duration.ofHours(24)).maxDuration(Duration.ofHours(48))
                .criteria(criteria).source(source).build());
    }

    private RolloutController start(ShadowExitCriteria criteria) {
        return Rollouts.builder(f.admin, plan(criteria).build())
                .stateStore(new FileRolloutStateStore(dir)).auditSink(f.audit).start();
    }

    @Test
    void shadowPhase_beforeItsMinimumDuration_isNeverJudged_andTheCandidateIsNeverServed() {
        RolloutController c = start(ShadowExitCriteria.defaults());
        assertThat(c.status()).isEqualTo(RolloutStatus.SHADOW);
        assertThat(c.currentBasisPoints()).isZero();
        assertThat(c.decisions()).singleElement().satisfies(d -> {
            assertThat(d.action()).isEqualTo(RolloutAction.START);
            assertThat(d.stageBasisPoints()).isZero();
        });
        for (int h = 0; h < 23; h++) {
            f.clock.advance(Duration.ofHours(1));
            f.record(50, 60, 0);
            assertThat(c.tick()).isEqualTo(RolloutStatus.SHADOW);
            assertThat(f.candidateShare()).isZero();
        }
        assertThat(reads).hasValue(0);
        assertThat(c.decisions()).hasSize(1);
    }

    @Test
    void shadowPhase_passingAfterItsMinimumDuration_startsStageOne_andKeepsThePassOnRecord() {
        RolloutController c = start(ShadowExitCriteria.defaults());
        f.clock.advance(Duration.ofHours(24));

        assertThat(c.tick()).isEqualTo(RolloutStatus.RUNNING);

        assertThat(c.currentBasisPoints()).isEqualTo(500);
        assertThat(f.candidateShare()).isBetween(60, 140); // 5% of 2000
        assertThat(c.state().shadowVerdict()).isEqualTo(ShadowVerdict.Result.PASS);
        RolloutDecision pass = c.decisions().get(1);
        assertThat(pass.action()).isEqualTo(RolloutAction.SHADOW_PASS);
        assertThat(pass.reasons()).contains("match_rate 0.9700 >= 0.9500: ok");
        assertThat(new FileRolloutStateStore(dir).evidence("churn", "v2")).get()
                .satisfies(e -> assertThat(e.shadowPassed()).isTrue());
        assertThat(f.auditCount("rollout.shadow_verdict")).isEqualTo(1);
        // The canary's first checkpoint is a full checkpoint after the shadow phase ended.
        f.clock.advance(RolloutFixture.CHECKPOINT.dividedBy(2));
        assertThat(c.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.decisions()).hasSize(2);
        f.checkpoint(c, 100, 60, 0);
        assertThat(c.currentBasisPoints()).isEqualTo(2_500);
    }

    @Test
    void shadowPhase_failingItsCriteria_endsTheRollout_withTheCandidateNeverServed() {
        evidence.set(new ShadowEvidence(1000, 10, 1000, 800, 100, 110, 0, Double.NaN,
                Double.NaN)); // 80% match
        RolloutController c = start(ShadowExitCriteria.defaults());
        f.clock.advance(Duration.ofHours(24));

        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);

        assertThat(f.candidateShare()).isZero();
        assertThat(f.router.config().model("churn").kills().versions()).contains("v2");
        assertThat(c.state().shadowVerdict()).isEqualTo(ShadowVerdict.Result.FAIL);
        assertThat(c.currentBasisPoints()).isZero();
        RolloutDecision fail = c.decisions().get(1);
        assertThat(fail.action()).isEqualTo(RolloutAction.SHADOW_FAIL);
        assertThat(fail.stageBasisPoints()).isZero();
        assertThat(fail.reasons()).contains("match_rate 0.8000 breaches >= 0.9500: FAIL");
        assertThat(c.incident()).get().satisfies(i ->
                assertThat(i.trigger()).isEqualTo(RolloutAction.SHADOW_FAIL));
        // Never served: no weight above 0 was ever set for v2.
        assertThat(f.audit.events).filteredOn(e -> e.action().equals("weight.set"))
                .allSatisfy(e -> assertThat(e.after()).isEqualTo(Weights.percent(0)));
    }

    @Test
    void shadowPhase_withoutEnoughComparisons_holds_thenFailsAtItsMaximumDuration() {
        evidence.set(new ShadowEvidence(40, 0, 40, 40, 100, 100, 0, Double.NaN, Double.NaN));
        RolloutController c = start(ShadowExitCriteria.defaults());
        f.clock.advance(Duration.ofHours(24));
        assertThat(c.tick()).isEqualTo(RolloutStatus.SHADOW);
        assertThat(c.decisions().get(1).action()).isEqualTo(RolloutAction.HOLD);
        assertThat(c.decisions().get(1).reasons()).contains(
                "comparisons 40 < 100 needed: not enough data");
        // Judged again only a checkpoint duration later.
        f.clock.advance(RolloutFixture.CHECKPOINT.dividedBy(2));
        c.tick();
        assertThat(reads).hasValue(1);

        f.clock.advance(Duration.ofHours(24));
        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.decisions().get(c.decisions().size() - 1).reasons()).anyMatch(r ->
                r.startsWith("no passing shadow verdict within the phase's maximum of PT48H"));
        assertThat(f.candidateShare()).isZero();
    }

    @Test
    void shadowPhase_costAboveItsLimit_fails_whenTheEvidenceHasCosts() {
        evidence.set(GOOD.withCosts(0.002, 0.003)); // +50%
        RolloutController c = start(ShadowExitCriteria.builder().maxCostIncreasePct(20)
                .build());
        f.clock.advance(Duration.ofHours(24));
        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.decisions().get(1).reasons()).contains(
                "cost_increase_pct 50.00 breaches <= 20.00: FAIL");
    }

    @Test
    void shadowPhase_survivesARestart_andCountsItsMinimumFromWhenItStarted() {
        start(ShadowExitCriteria.defaults());
        f.clock.advance(Duration.ofHours(20));
        RolloutController resumed = start(ShadowExitCriteria.defaults());
        assertThat(resumed.restored()).isTrue();
        assertThat(resumed.status()).isEqualTo(RolloutStatus.SHADOW);
        f.clock.advance(Duration.ofHours(3));
        assertThat(resumed.tick()).isEqualTo(RolloutStatus.SHADOW);
        f.clock.advance(Duration.ofHours(1));
        assertThat(resumed.tick()).isEqualTo(RolloutStatus.RUNNING);
    }

    @Test
    void shadowPhase_canBeAbortedByAnOperator_withTheCandidateNeverServed() {
        RolloutController c = start(ShadowExitCriteria.defaults());
        c.abort(ChangeContext.of("alice", "wrong artifact"));
        assertThat(c.status()).isEqualTo(RolloutStatus.ABORTED);
        assertThat(f.candidateShare()).isZero();
        assertThat(c.decisions().get(1).reasons()).containsExactly("wrong artifact");
    }
}

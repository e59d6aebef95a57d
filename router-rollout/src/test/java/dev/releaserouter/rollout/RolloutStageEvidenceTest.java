package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.hook.OutcomeEvent;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The controller gives the gates the current stage's evidence and its configured split: a
 * HOLD gathers evidence, a new stage starts afresh, a sample-ratio check knows the weight.
 */
class RolloutStageEvidenceTest {

    /** Rolls back on a shown breach of 1%, holds while the 99% bounds straddle it. */
    static final String BOUNDED = "{\"name\": \"bounded\","
            + " \"criteria\": [{\"name\": \"errors\", \"fail_when\":"
            + " \"candidate.error_rate > 0.01\", \"severity\": \"CRITICAL\","
            + " \"confidence\": 0.99}]}";

    static final String SPLIT = "{\"name\": \"split\","
            + " \"criteria\": [{\"name\": \"split\", \"type\": \"sample_ratio\"}]}";

    @TempDir
    Path dir;

    final RolloutFixture f = new RolloutFixture();

    private static JsonNode criterion(RolloutDecision d, int index) {
        return JsonMapper.builder().build().readTree(d.verdictJson()).get("criteria")
                .get(index);
    }

    @Test
    void hold_gathersTheStagesEvidence_untilTheBoundsDecide() {
        RolloutController c = f.start(f.plan(BOUNDED).build(), dir);
        // 300 candidate calls and 1 error per checkpoint: alone, 99% bounds [0.05%, 2.4%]
        // straddle 1% forever; the stage's 1,500 after five checkpoints give [0.12%, 0.90%]
        // (SciPy binomtest(5, 1500).proportion_ci(0.98, 'wilson')).
        for (int checkpoint = 1; checkpoint <= 4; checkpoint++) {
            assertThat(f.checkpoint(c, 300, 60, 1 / 300.0)).isEqualTo(RolloutStatus.RUNNING);
            assertThat(c.currentBasisPoints()).as("checkpoint %d", checkpoint).isEqualTo(500);
        }
        f.checkpoint(c, 300, 60, 1 / 300.0);

        assertThat(c.currentBasisPoints()).isEqualTo(2500);
        List<RolloutDecision> d = c.decisions();
        assertThat(d).extracting(RolloutDecision::action).containsExactly(RolloutAction.START,
                RolloutAction.HOLD, RolloutAction.HOLD, RolloutAction.HOLD, RolloutAction.HOLD,
                RolloutAction.PROCEED);
        JsonNode last = criterion(d.get(5), 0);
        assertThat(last.get("observed").get("candidate.error_rate").asDouble())
                .isEqualTo(1 / 300.0);
        assertThat(last.get("bounds").get("candidate.error_rate").get("n").asLong())
                .isEqualTo(1500);
        assertThat(criterion(d.get(1), 0).get("status").asString())
                .isEqualTo("NOT_ENOUGH_DATA");
    }

    @Test
    void newStage_judgesOnlyItsOwnEvidence() {
        RolloutController c = f.start(f.plan(BOUNDED).build(), dir);
        f.checkpoint(c, 5000, 60, 0);
        assertThat(c.currentBasisPoints()).isEqualTo(2500);

        // Five minutes into 25%: 40 calls, 1 error: 99% bounds [0.06%, 14%] straddle 1%;
        // pooled with the 5,000 clean calls at 5% they would be within it.
        f.clock.advance(Duration.ofMinutes(5));
        f.record(40, 60, 0.025);
        f.clock.advance(Duration.ofSeconds(30));
        c.tick();
        f.clock.advance(Duration.ofMinutes(4).plusSeconds(30));
        c.tick();

        RolloutDecision hold = c.decisions().get(2);
        assertThat(hold.action()).isEqualTo(RolloutAction.HOLD);
        JsonNode errors = criterion(hold, 0);
        assertThat(errors.get("status").asString()).isEqualTo("NOT_ENOUGH_DATA");
        assertThat(errors.get("bounds").get("candidate.error_rate").get("n").asLong())
                .isEqualTo(40);
    }

    private void assigned(String version, int n) {
        RouteRequest request = RouteRequest.of("churn", "someone");
        for (int i = 0; i < n; i++) {
            f.measurements.onOutcome(OutcomeEvent.outcome(request, version,
                    ArmMeasurements.ASSIGNED, 1));
        }
    }

    /** A checkpoint whose calls the split assigned {@code v1 : v2}, then a tick. */
    private void checkpointSplitting(RolloutController c, int v1, int v2) {
        f.clock.advance(Duration.ofMinutes(5));
        f.record(100, 60, 0);
        assigned("v1", v1);
        assigned("v2", v2);
        f.clock.advance(Duration.ofMinutes(5));
        c.tick();
    }

    @Test
    void sampleRatio_isCheckedAgainstTheStagesWeight() {
        RolloutController c = f.start(f.plan(SPLIT).build(), dir);
        checkpointSplitting(c, 9_500, 500);
        assertThat(c.currentBasisPoints()).isEqualTo(2500);

        // At 25% the split is 9,500 : 500 again: a mismatch, the rollout holds.
        checkpointSplitting(c, 9_500, 500);

        RolloutDecision hold = c.decisions().get(2);
        assertThat(hold.action()).isEqualTo(RolloutAction.HOLD);
        assertThat(hold.reasons().get(0)).startsWith("split: ALERT (candidate got 5% of 10000"
                + " units assigned by the split vs 25% configured");
        assertThat(c.currentBasisPoints()).isEqualTo(2500);
    }

    @Test
    void dryRun_hasNoConfiguredSplit() {
        RolloutController c = f.start(f.plan(SPLIT).dryRun(true).build(), dir);
        f.checkpoint(c, 100, 60, 0);

        assertThat(c.decisions().get(1).reasons().get(0))
                .startsWith("split: NOT_ENOUGH_DATA (the configured split is unknown");
    }

    @Test
    void aStageYoungerThanItsFirstWindow_isJudgedOnThatWindow_butItsSplitIsNotChecked() {
        // One-minute windows; the rollout starts 30 s into one, so stages change mid-window.
        f.clock.advance(Duration.ofSeconds(30));
        RolloutController c = f.start(f.plan("{\"name\": \"split\", \"criteria\": [{\"name\":"
                + " \"split\", \"type\": \"sample_ratio\", \"severity\": \"CRITICAL\"}]}")
                .build(), dir);
        checkpointSplitting(c, 9_500, 500); // 00:10:30: PROCEED to 25%
        assertThat(c.currentBasisPoints()).isEqualTo(2500);

        // 00:10:45, in the window [00:10, 00:11) that began at 5%: a 5% split is no mismatch
        // there (the split is not checked), though it would be at 25%.
        f.clock.advance(Duration.ofSeconds(15));
        assigned("v1", 9_500);
        assigned("v2", 500);
        f.clock.advance(Duration.ofSeconds(5));
        assertThat(c.tick()).isEqualTo(RolloutStatus.RUNNING);

        // 00:11:30, in the stage's first whole window: the same split is a mismatch at 25%.
        f.clock.advance(Duration.ofSeconds(40));
        assigned("v1", 9_500);
        assigned("v2", 500);
        f.clock.advance(Duration.ofSeconds(10));

        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.decisions().get(c.decisions().size() - 1).reasons().get(0))
                .startsWith("split: CRITICAL (candidate got 5% of 10000 units assigned by the"
                        + " split vs 25% configured");
    }

    @Test
    void resume_startsTheStagesEvidenceAfresh() {
        RolloutController c = f.start(f.plan(BOUNDED).build(), dir);
        c.pause(ChangeContext.of("alice", "look"));
        f.clock.advance(Duration.ofSeconds(90));
        f.record(1000, 60, 0.5); // while paused, before a fix
        f.clock.advance(Duration.ofSeconds(30));
        c.resume(ChangeContext.of("alice", "fixed"));
        f.clock.advance(Duration.ofSeconds(30));

        // Half the paused calls failed; the stage's evidence since the resume has none.
        assertThat(c.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.decisions()).extracting(RolloutDecision::action).containsExactly(
                RolloutAction.START, RolloutAction.PAUSE, RolloutAction.RESUME);
    }
}

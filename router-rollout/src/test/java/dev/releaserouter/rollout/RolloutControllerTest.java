package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.admin.ChangeContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollout controller, driven by a mutable clock: no sleeps. */
class RolloutControllerTest {

    @TempDir
    Path dir;

    private final RolloutFixture f = new RolloutFixture();

    private static List<RolloutAction> actions(RolloutController c) {
        return c.decisions().stream().map(RolloutDecision::action).toList();
    }

    @Test
    void start_setsTheCandidateToStageOne_throughAdmin() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        assertThat(c.status()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.currentBasisPoints()).isEqualTo(500);
        assertThat(f.auditCount("weight.set")).isEqualTo(1);
        assertThat(f.audit.last().reason()).startsWith("rollout stage 1: ");
        assertThat(f.audit.last().actor()).isEqualTo("rollout-bot");
        assertThat(f.candidateShare()).isBetween(50, 150);
        assertThat(actions(c)).containsExactly(RolloutAction.START);
    }

    @Test
    void goodMeasurements_walk5To25To50To100_andPromote() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        assertThat(f.checkpoint(c, 100, 60, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.currentBasisPoints()).isEqualTo(2500);
        assertThat(f.checkpoint(c, 100, 60, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.currentBasisPoints()).isEqualTo(5000);
        assertThat(f.checkpoint(c, 100, 60, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.currentBasisPoints()).isEqualTo(10_000);
        assertThat(f.checkpoint(c, 100, 60, 0)).isEqualTo(RolloutStatus.PROMOTED);
        assertThat(c.currentBasisPoints()).isEqualTo(10_000);
        assertThat(actions(c)).containsExactly(RolloutAction.START, RolloutAction.PROCEED,
                RolloutAction.PROCEED, RolloutAction.PROCEED, RolloutAction.PROCEED);
        assertThat(c.decisions()).extracting(RolloutDecision::stageBasisPoints)
                .containsExactly(500, 2500, 5000, 10_000, 10_000);
        assertThat(f.auditCount("weight.set")).isEqualTo(4);
        assertThat(f.candidateShare()).isEqualTo(2000);
        RolloutDecision last = c.decisions().get(4);
        assertThat(last.verdictJson()).contains("\"decision\":\"PROCEED\"");
        assertThat(last.policyDigest()).isEqualTo(c.plan().policy().digest());
        // Final: further ticks change nothing.
        f.clock.advance(Duration.ofHours(1));
        assertThat(c.tick()).isEqualTo(RolloutStatus.PROMOTED);
        assertThat(c.decisions()).hasSize(5);
    }

    @Test
    void beforeTheCheckpointEnds_nothingIsDecided() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        f.clock.advance(Duration.ofMinutes(5));
        f.record(100, 60, 0);
        f.clock.advance(Duration.ofMinutes(4));
        assertThat(c.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.currentBasisPoints()).isEqualTo(500);
        assertThat(actions(c)).containsExactly(RolloutAction.START);
    }

    @Test
    void littleData_holdsAtTheStage_andStartsANewCheckpoint() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        assertThat(f.checkpoint(c, 5, 60, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.currentBasisPoints()).isEqualTo(500);
        assertThat(c.state().checkpointStart()).isEqualTo(f.clock.instant());
        RolloutDecision hold = c.decisions().get(1);
        assertThat(hold.action()).isEqualTo(RolloutAction.HOLD);
        assertThat(hold.reasons()).anyMatch(r -> r.contains("NOT_ENOUGH_DATA"));
        assertThat(f.auditCount("weight.set")).isEqualTo(1);
        // With enough data the next checkpoint proceeds.
        assertThat(f.checkpoint(c, 100, 60, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.currentBasisPoints()).isEqualTo(2500);
    }

    @Test
    void planMinimumSamples_holdsEvenWhenThePolicyWouldProceed() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).minSamples(500).build(),
                dir);
        f.checkpoint(c, 100, 60, 0);
        assertThat(c.currentBasisPoints()).isEqualTo(500);
        RolloutDecision hold = c.decisions().get(1);
        assertThat(hold.action()).isEqualTo(RolloutAction.HOLD);
        assertThat(hold.reasons()).anyMatch(r -> r.contains("below the plan's minimum of 500"));
    }

    @Test
    void alertP95_holds_withoutRollingBack() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        assertThat(f.checkpoint(c, 100, 200, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(f.checkpoint(c, 100, 200, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.currentBasisPoints()).isEqualTo(500);
        assertThat(actions(c)).containsExactly(RolloutAction.START, RolloutAction.HOLD,
                RolloutAction.HOLD);
        assertThat(c.decisions().get(1).reasons()).anyMatch(r -> r.startsWith("p95: ALERT"));
    }

    @Test
    void consecutiveWindows_rollBackOnlyOnTheSecondBadCheckpoint() {
        RolloutController c = f.start(f.plan(RolloutFixture.STREAK_POLICY).build(), dir);
        assertThat(f.checkpoint(c, 100, 200, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.decisions().get(1).action()).isEqualTo(RolloutAction.HOLD);
        // Ticks between checkpoints do not count the streak again.
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(c.tick()).isEqualTo(RolloutStatus.RUNNING);
        f.clock.advance(Duration.ofSeconds(-1));
        assertThat(f.checkpoint(c, 100, 200, 0)).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(actions(c)).containsExactly(RolloutAction.START, RolloutAction.HOLD,
                RolloutAction.ROLLBACK);
        assertThat(f.candidateShare()).isZero();
    }

    @Test
    void consecutiveWindows_aGoodCheckpointResetsTheStreak() {
        RolloutController c = f.start(f.plan(RolloutFixture.STREAK_POLICY).build(), dir);
        f.checkpoint(c, 100, 200, 0);
        f.checkpoint(c, 100, 60, 0);
        assertThat(c.currentBasisPoints()).isEqualTo(2500);
        assertThat(f.checkpoint(c, 100, 200, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(actions(c)).containsExactly(RolloutAction.START, RolloutAction.HOLD,
                RolloutAction.PROCEED, RolloutAction.HOLD);
    }

    @Test
    void criticalErrorSpikeAt25_candidateGetsNoTrafficAtOnce_withTheReasonsAudited() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        f.checkpoint(c, 100, 60, 0);
        assertThat(c.currentBasisPoints()).isEqualTo(2500);
        assertThat(f.candidateShare()).isBetween(400, 600);

        // Mid-checkpoint: 20% errors at 25%; the tick right after the measurements acts.
        f.clock.advance(Duration.ofMinutes(3));
        f.record(100, 60, 0.2);
        Instant measured = f.clock.instant();
        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);
        Instant noTraffic = f.audit.last().time();
        assertThat(Duration.between(measured, noTraffic)).isEqualTo(Duration.ZERO);
        assertThat(f.candidateShare()).isZero();

        assertThat(f.audit.events.subList(f.audit.events.size() - 2, f.audit.events.size()))
                .extracting(e -> e.action())
                .containsExactly("kill.on", "weight.set");
        assertThat(f.audit.last().after()).isEqualTo("0");
        assertThat(f.audit.last().reason()).contains("rollout rollback of v2 at stage 2 (25%)")
                .contains("error_rate: CRITICAL");
        assertThat(f.audit.last().reason().length())
                .isLessThanOrEqualTo(RolloutController.MAX_REASON);
        RolloutDecision d = c.decisions().get(2);
        assertThat(d.action()).isEqualTo(RolloutAction.ROLLBACK);
        assertThat(d.stageBasisPoints()).isEqualTo(2500);
        assertThat(d.reasons()).anyMatch(r -> r.startsWith("error_rate: CRITICAL"));
        assertThat(d.verdictJson()).contains("\"decision\":\"ROLLBACK\"");

        // Later ticks and measurements change nothing; v2 never comes back.
        f.clock.advance(Duration.ofHours(1));
        f.record(100, 60, 0);
        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(f.candidateShare()).isZero();
    }

    @Test
    void restart_resumesAtTheSameStage_withoutCallingAdminAgain() throws Exception {
        RolloutPlan plan = f.plan(RolloutFixture.POLICY).build();
        RolloutController first = f.start(plan, dir);
        f.checkpoint(first, 100, 60, 0);
        assertThat(first.currentBasisPoints()).isEqualTo(2500);
        Instant checkpointStart = first.state().checkpointStart();
        int auditBefore = f.audit.events.size();
        f.clock.advance(Duration.ofMinutes(4));

        RolloutController second = f.start(plan, dir);
        assertThat(second.restored()).isTrue();
        assertThat(second.state()).isEqualTo(first.state());
        assertThat(second.state().checkpointStart()).isEqualTo(checkpointStart);
        assertThat(second.currentBasisPoints()).isEqualTo(2500);
        assertThat(f.audit.events).hasSize(auditBefore);
        assertThat(second.decisions()).isEmpty();

        // The resumed checkpoint ends 10 minutes after it started, not after the restart.
        f.record(100, 60, 0);
        f.clock.advance(Duration.ofMinutes(6));
        assertThat(second.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(second.currentBasisPoints()).isEqualTo(5000);

        List<String> lines = Files.readAllLines(dir.resolve(FileRolloutStateStore.DECISIONS_FILE));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2)).contains("\"type\":\"rollout_decision\"")
                .contains("\"decision\":\"PROCEED\"").contains("\"stage_bp\":5000");
    }

    @Test
    void restart_ofARolledBackRollout_staysRolledBack() {
        RolloutPlan plan = f.plan(RolloutFixture.POLICY).build();
        RolloutController first = f.start(plan, dir);
        f.checkpoint(first, 100, 60, 0.5);
        assertThat(first.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
        int auditBefore = f.audit.events.size();
        RolloutController second = f.start(plan, dir);
        assertThat(second.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(f.audit.events).hasSize(auditBefore);
        assertThat(f.candidateShare()).isZero();
    }

    @Test
    void dryRun_changesNothing_butRecordsDecisions() {
        RolloutFixture live = new RolloutFixture(500);
        RolloutController c = live.start(live.plan(RolloutFixture.POLICY).dryRun(true).build(),
                dir);
        live.checkpoint(c, 100, 60, 0);
        assertThat(c.currentBasisPoints()).isEqualTo(2500);
        live.clock.advance(Duration.ofMinutes(1));
        live.record(100, 60, 0.5);
        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);
        // Only the router's own start-up entry: no change went through admin.
        assertThat(live.audit.events).extracting(e -> e.action()).containsExactly("config.load");
        assertThat(live.candidateShare()).isBetween(50, 150);
        assertThat(c.decisions()).extracting(RolloutDecision::action).containsExactly(
                RolloutAction.START, RolloutAction.PROCEED, RolloutAction.ROLLBACK);
        assertThat(c.decisions()).allMatch(RolloutDecision::dryRun);
    }

    @Test
    void pause_stopsTicks_resume_startsANewCheckpoint() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        c.pause(ChangeContext.of("alice", "investigating a dashboard"));
        assertThat(c.status()).isEqualTo(RolloutStatus.PAUSED);
        assertThat(f.checkpoint(c, 100, 60, 0.5)).isEqualTo(RolloutStatus.PAUSED);
        assertThat(c.currentBasisPoints()).isEqualTo(500);
        c.resume(ChangeContext.of("alice", "dashboard fine"));
        assertThat(c.status()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.state().checkpointStart()).isEqualTo(f.clock.instant());
        assertThat(f.checkpoint(c, 100, 60, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.currentBasisPoints()).isEqualTo(2500);
        assertThat(c.decisions()).extracting(RolloutDecision::action).containsExactly(
                RolloutAction.START, RolloutAction.PAUSE, RolloutAction.RESUME,
                RolloutAction.PROCEED);
        assertThat(c.decisions().get(1).actor()).isEqualTo("alice");
        assertThat(c.decisions().get(1).reasons()).containsExactly("investigating a dashboard");
        assertThatThrownBy(() -> c.resume(ChangeContext.of("alice", "again")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("RUNNING");
    }

    @Test
    void abort_killsTheCandidate_andIsFinal() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        c.abort(ChangeContext.of("bob", "wrong artifact"));
        assertThat(c.status()).isEqualTo(RolloutStatus.ABORTED);
        assertThat(f.candidateShare()).isZero();
        assertThat(f.audit.last().actor()).isEqualTo("bob");
        assertThat(f.audit.last().reason()).contains("wrong artifact");
        assertThat(f.auditCount("kill.on")).isEqualTo(1);
        assertThatThrownBy(() -> c.promote(ChangeContext.of("bob", "oops")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ABORTED");
        assertThat(c.decisions().get(1).action()).isEqualTo(RolloutAction.ABORT);
    }

    @Test
    void promote_jumpsToTheLastStage() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        c.promote(ChangeContext.of("carol", "hotfix must ship", "INC-7"));
        assertThat(c.status()).isEqualTo(RolloutStatus.PROMOTED);
        assertThat(c.currentBasisPoints()).isEqualTo(10_000);
        assertThat(f.candidateShare()).isEqualTo(2000);
        assertThat(f.audit.last().ticket()).isEqualTo("INC-7");
        assertThat(c.decisions().get(1).action()).isEqualTo(RolloutAction.PROMOTE);
    }

    @Test
    void decisionsReachTheStore() {
        RecordingStore store = new RecordingStore();
        RolloutController c = RolloutController.start(f.admin, f.measurements,
                f.plan(RolloutFixture.POLICY).build(), store, f.clock, "rollout-bot");
        f.checkpoint(c, 5, 60, 0);
        assertThat(store.decisions).isEqualTo(c.decisions());
        assertThat(store.state).isEqualTo(c.state());
    }

    /** Keeps state and decisions in memory. */
    private static final class RecordingStore implements RolloutStateStore {
        final List<RolloutDecision> decisions = new java.util.ArrayList<>();
        RolloutState state;

        @Override
        public java.util.Optional<RolloutState> load(String model) {
            return java.util.Optional.ofNullable(state);
        }

        @Override
        public void save(RolloutState s) {
            state = s;
        }

        @Override
        public void append(RolloutDecision d) {
            decisions.add(d);
        }
    }
}

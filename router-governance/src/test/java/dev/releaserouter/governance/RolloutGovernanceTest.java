package dev.releaserouter.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.rollout.ChangeRefusedException;
import dev.releaserouter.rollout.ChangeType;
import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutFixture;
import dev.releaserouter.rollout.RolloutStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Freeze windows and waivers in the rollout controller, on a mutable clock. */
class RolloutGovernanceTest {

    @TempDir
    Path dir;

    private final RolloutFixture f = new RolloutFixture(); // clock at 2026-01-01T00:00Z

    /** Frozen from the fixture's start + 15 min for one hour. */
    private ChangeCalendar freezeFrom15MinFor1h() {
        Instant start = f.clock.instant().plus(Duration.ofMinutes(15));
        return ChangeCalendar.of(FreezeWindow.between("year-end close", start,
                start.plus(Duration.ofHours(1))));
    }

    @Test
    void duringAFreeze_aProceedHolds_andTheRolloutAdvancesWhenItEnds() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY)
                .calendar(freezeFrom15MinFor1h()).build(), dir);
        f.checkpoint(c, 100, 60, 0); // t=10m: not frozen yet
        assertThat(c.currentBasisPoints()).isEqualTo(2_500);
        f.checkpoint(c, 100, 60, 0); // t=20m: frozen
        assertThat(c.currentBasisPoints()).isEqualTo(2_500);
        RolloutDecision hold = c.decisions().get(2);
        assertThat(hold.action()).isEqualTo(RolloutAction.HOLD);
        assertThat(hold.reasons()).anyMatch(r -> r.startsWith("freeze: 'year-end close'"));
        for (int i = 0; i < 5; i++) {
            f.checkpoint(c, 100, 60, 0); // t=30m..70m: the freeze ends at 75m
        }
        assertThat(c.currentBasisPoints()).isEqualTo(2_500);
        f.checkpoint(c, 100, 60, 0); // t=80m
        assertThat(c.currentBasisPoints()).isEqualTo(5_000);
    }

    @Test
    void outsideTheChangeWindows_aProceedHolds_andTheRolloutAdvancesInsideOne() {
        ChangeCalendar offPeak = ChangeCalendar.NONE.withChangeWindows(ChangeWindow.daily(
                "off-peak", java.time.LocalTime.of(1, 0), java.time.LocalTime.of(2, 0),
                java.time.ZoneOffset.UTC));
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).calendar(offPeak).build(),
                dir);
        f.checkpoint(c, 100, 60, 0); // 00:10 UTC: outside
        assertThat(c.currentBasisPoints()).isEqualTo(500);
        assertThat(c.decisions().get(1).reasons()).anyMatch(r -> r.startsWith(
                "freeze: 'outside the change windows [off-peak 01:00-02:00 Z]'"));
        for (int i = 0; i < 5; i++) {
            f.checkpoint(c, 100, 60, 0); // 00:20 .. 01:00: the last one is inside
        }
        assertThat(c.currentBasisPoints()).isEqualTo(2_500);
    }

    @Test
    void duringAFreeze_aCriticalSpikeStillRollsBack() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY)
                .calendar(freezeFrom15MinFor1h()).build(), dir);
        f.checkpoint(c, 100, 60, 0);
        f.clock.advance(Duration.ofMinutes(10)); // t=20m, frozen
        f.record(100, 60, 0.5);
        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(f.candidateShare()).isZero();
    }

    @Test
    void duringAFreeze_manualPromoteNeedsAnEmergencyChange_abortIsAlwaysAllowed() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY)
                .calendar(freezeFrom15MinFor1h()).build(), dir);
        f.clock.advance(Duration.ofMinutes(20));
        ChangeContext ops = ChangeContext.of("alice", "hotfix", "CHG-1");
        assertThatThrownBy(() -> c.promote(ops)).isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("freeze window 'year-end close'");
        c.promote(ops, ChangeType.EMERGENCY);
        assertThat(c.status()).isEqualTo(RolloutStatus.PROMOTED);

        RolloutFixture g = new RolloutFixture();
        RolloutController other = g.start(g.plan(RolloutFixture.POLICY)
                .calendar(freezeFrom15MinFor1h()).build(), dir.resolve("other"));
        g.clock.advance(Duration.ofMinutes(20));
        other.abort(ops);
        assertThat(other.status()).isEqualTo(RolloutStatus.ABORTED);
    }

    @Test
    void aWaiverExcusesAFailingCriterionUntilItExpires_byItself() {
        Waiver p95 = new Waiver("p95", "known cold-start latency, fix in v2.1", "cto",
                f.clock.instant().plus(Duration.ofMinutes(25)), "SCDR-77");
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).waivers(List.of(p95))
                .build(), dir);
        f.checkpoint(c, 100, 200, 0); // p95 ALERT, waived: proceeds
        assertThat(c.currentBasisPoints()).isEqualTo(2_500);
        assertThat(c.decisions().get(1).reasons())
                .anyMatch(r -> r.startsWith("waived: p95 by cto until"));
        f.checkpoint(c, 100, 200, 0); // t=20m, still waived
        assertThat(c.currentBasisPoints()).isEqualTo(5_000);
        f.checkpoint(c, 100, 200, 0); // t=30m: expired, the ALERT holds again
        assertThat(c.currentBasisPoints()).isEqualTo(5_000);
        assertThat(c.decisions().get(3).action()).isEqualTo(RolloutAction.HOLD);
        assertThat(c.decisions().get(3).reasons()).anyMatch(r -> r.startsWith("waiver expired"));
    }

    @Test
    void aWaivedCriticalCriterionDoesNotRollBack_whileValid() {
        Waiver errors = new Waiver("error_rate", "retries absorb them", "cto",
                f.clock.instant().plus(Duration.ofHours(1)), null);
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).waivers(List.of(errors))
                .build(), dir);
        assertThat(f.checkpoint(c, 100, 60, 0.5)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.currentBasisPoints()).isEqualTo(2_500);
    }

    @Test
    void aWaiverForACriterionThePolicyDoesNotHave_isRefused() {
        Waiver w = new Waiver("p99", "x", "cto", f.clock.instant(), null);
        assertThatThrownBy(() -> f.plan(RolloutFixture.POLICY).waivers(List.of(w)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'p99' is not in the policy");
    }
}

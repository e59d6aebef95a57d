package dev.releaserouter.core;

import static dev.releaserouter.core.BudgetTest.OPS;
import static dev.releaserouter.core.BudgetTest.budgeted;
import static dev.releaserouter.core.BudgetTest.countCandidate;
import static dev.releaserouter.core.testing.Configs.SECRET;
import static dev.releaserouter.core.testing.Configs.admin;
import static dev.releaserouter.core.testing.Configs.of;
import static dev.releaserouter.core.testing.Configs.router;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.PushSource;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 4: changing a budget's window (by admin call or flag-file reload) keeps what was
 * spent: at most {@code max_requests} in any window of the new length.
 */
class BudgetWindowChangeTest {

    static final String T0 = "2026-11-22T00:00:00Z";

    static ExposureBudget perWindow(long max, Duration window) {
        return ExposureBudget.builder().maxRequests(max).window(window).build();
    }

    @Test
    void setBudget_windowFrom1hTo2h_keepsThe100AlreadyGranted() {
        MutableClock clock = MutableClock.at(T0);
        RouterAdmin admin = admin(of(budgeted(perWindow(100, Duration.ofHours(1)))),
                new RecordingAuditSink(), clock);
        Router r = admin.router();
        assertThat(countCandidate(r, 1_000, "a")).isEqualTo(100);
        clock.advance(Duration.ofMinutes(30));
        admin.setBudget("churn", "v2", perWindow(100, Duration.ofHours(2)), OPS);
        assertThat(countCandidate(r, 1_000, "b")).as("100 already in the 2h window").isZero();
        clock.advance(Duration.ofMinutes(35)); // t0 + 65 min: out of the old 1h window
        assertThat(countCandidate(r, 1_000, "c")).as("still inside the new 2h window").isZero();
        clock.advance(Duration.ofMinutes(58)); // t0 + 2h 3 min
        assertThat(countCandidate(r, 1_000, "d")).as("the first 100 left the 2h window")
                .isEqualTo(100);
    }

    @Test
    void reload_windowFrom1hTo2h_keepsThe100AlreadyGranted() {
        MutableClock clock = MutableClock.at(T0);
        PushSource source = new PushSource(of(budgeted(perWindow(100, Duration.ofHours(1)))));
        Router r = ReleaseRouter.builder().flagSource(source).auditSink(new RecordingAuditSink())
                .clock(clock).hashSecretHex(SECRET).build();
        assertThat(countCandidate(r, 1_000, "a")).isEqualTo(100);
        clock.advance(Duration.ofMinutes(30));
        source.push(of(budgeted(perWindow(100, Duration.ofHours(2)))));
        assertThat(r.status().configRevision()).isEqualTo(2);
        assertThat(countCandidate(r, 1_000, "b")).isZero();
        clock.advance(Duration.ofMinutes(35));
        assertThat(countCandidate(r, 1_000, "c")).isZero();
        clock.advance(Duration.ofMinutes(58));
        assertThat(countCandidate(r, 1_000, "d")).isEqualTo(100);
    }

    @Test
    void setBudget_windowFrom2hTo1h_keepsGrantsStillInsideTheShorterWindow() {
        MutableClock clock = MutableClock.at(T0);
        RouterAdmin admin = admin(of(budgeted(perWindow(100, Duration.ofHours(2)))),
                new RecordingAuditSink(), clock);
        Router r = admin.router();
        assertThat(countCandidate(r, 1_000, "a")).isEqualTo(100);
        clock.advance(Duration.ofMinutes(30));
        admin.setBudget("churn", "v2", perWindow(100, Duration.ofHours(1)), OPS);
        assertThat(countCandidate(r, 1_000, "b")).isZero();
        clock.advance(Duration.ofMinutes(28)); // t0 + 58 min
        assertThat(countCandidate(r, 1_000, "c")).isZero();
        clock.advance(Duration.ofMinutes(6)); // t0 + 64 min
        assertThat(countCandidate(r, 1_000, "d")).isEqualTo(100);
    }

    @Test
    void setBudget_windowFrom1hTo30m_grantsAgainOnce30mHavePassed() {
        MutableClock clock = MutableClock.at(T0);
        RouterAdmin admin = admin(of(budgeted(perWindow(100, Duration.ofHours(1)))),
                new RecordingAuditSink(), clock);
        Router r = admin.router();
        assertThat(countCandidate(r, 1_000, "a")).isEqualTo(100);
        clock.advance(Duration.ofMinutes(10));
        admin.setBudget("churn", "v2", perWindow(100, Duration.ofMinutes(30)), OPS);
        assertThat(countCandidate(r, 1_000, "b")).isZero();
        clock.advance(Duration.ofMinutes(23)); // t0 + 33 min
        assertThat(countCandidate(r, 1_000, "c")).isEqualTo(100);
    }

    @Test
    void setBudget_windowAddedAfterATotalLimit_countsWhatTheTotalGranted() {
        MutableClock clock = MutableClock.at(T0);
        RouterAdmin admin = admin(of(budgeted(ExposureBudget.builder().maxRequests(100).build())),
                new RecordingAuditSink(), clock);
        Router r = admin.router();
        assertThat(countCandidate(r, 1_000, "a")).isEqualTo(100);
        clock.advance(Duration.ofMinutes(10));
        admin.setBudget("churn", "v2", perWindow(100, Duration.ofHours(1)), OPS);
        assertThat(countCandidate(r, 1_000, "b")).as("100 granted 10 min ago").isZero();
        clock.advance(Duration.ofMinutes(53)); // t0 + 63 min
        assertThat(countCandidate(r, 1_000, "c")).isEqualTo(100);
    }

    @Test
    void setBudget_windowChangedBackAndForth_neverGrantsMoreThanTheLimitPerWindow() {
        MutableClock clock = MutableClock.at(T0);
        RouterAdmin admin = admin(of(budgeted(perWindow(100, Duration.ofHours(1)))),
                new RecordingAuditSink(), clock);
        Router r = admin.router();
        long granted = countCandidate(r, 1_000, "a");
        for (int i = 0; i < 6; i++) {
            clock.advance(Duration.ofMinutes(5));
            Duration w = i % 2 == 0 ? Duration.ofHours(2) : Duration.ofMinutes(90);
            admin.setBudget("churn", "v2", perWindow(100, w), OPS);
            granted += countCandidate(r, 1_000, "b" + i);
        }
        assertThat(granted).as("all within 30 minutes").isEqualTo(100);
    }

    @Test
    void windowChangedRepeatedly_whileEightThreadsDecide_neverGrantsMoreThanTheLimit()
            throws Exception {
        MutableClock clock = MutableClock.at(T0);
        RouterAdmin admin = admin(of(budgeted(perWindow(2_000, Duration.ofHours(1)))),
                new RecordingAuditSink(), clock);
        Router r = admin.router();
        java.util.concurrent.atomic.AtomicBoolean done =
                new java.util.concurrent.atomic.AtomicBoolean();
        Thread changer = new Thread(() -> {
            for (int i = 0; !done.get(); i++) {
                Duration w = Duration.ofMinutes(30 + (i % 7) * 10);
                admin.setBudget("churn", "v2", perWindow(2_000, w), OPS);
            }
        });
        changer.start();
        long granted;
        try {
            granted = BudgetTest.hammer(r, 8, 2_000);
        } finally {
            done.set(true);
            changer.join(30_000);
        }
        // The clock never moves: every window of every length holds every grant.
        assertThat(granted).isLessThanOrEqualTo(2_000);
        assertThat(granted + countCandidate(r, 5_000, "rest")).isLessThanOrEqualTo(2_000);
    }
}

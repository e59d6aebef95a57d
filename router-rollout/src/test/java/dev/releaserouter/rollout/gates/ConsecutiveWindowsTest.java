package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Seed 001 section 5: "p95 above the SLO for 3 consecutive windows" rolls back. */
class ConsecutiveWindowsTest {

    private static final Policy P95 = Policies.criteria("{\"name\": \"p95\","
            + " \"fail_when\": \"v2.p95_ms > slo.p95_ms\", \"severity\": \"CRITICAL\","
            + " \"consecutive_windows\": 3}");

    private static GateInput p95(double ms) {
        return MapInput.of().set("candidate.p95_ms", ms);
    }

    private static GateInput noData() {
        return MapInput.of();
    }

    private static List<GateDecision> decisions(Policy p, GateInput... windows) {
        return PolicyEvaluator.evaluateWindows(p, List.of(windows)).stream()
                .map(GateVerdict::decision).toList();
    }

    @Test
    void threeBadWindowsInARow_rollBackOnlyOnTheThird() {
        List<GateVerdict> v = PolicyEvaluator.evaluateWindows(P95,
                List.of(p95(150), p95(160), p95(170)));
        assertThat(v).extracting(GateVerdict::decision).containsExactly(GateDecision.HOLD,
                GateDecision.HOLD, GateDecision.ROLLBACK);
        assertThat(v).extracting(x -> x.criterion("p95").status()).containsExactly(
                CriterionStatus.ALERT, CriterionStatus.ALERT, CriterionStatus.CRITICAL);
        assertThat(v).extracting(x -> x.criterion("p95").streak()).containsExactly(1, 2, 3);
        assertThat(v.get(0).criterion("p95").detail()).contains("breached 1 of 3");
    }

    @Test
    void aGoodWindow_resetsTheStreak() {
        assertThat(decisions(P95, p95(150), p95(150), p95(100), p95(150), p95(150)))
                .doesNotContain(GateDecision.ROLLBACK)
                .endsWith(GateDecision.HOLD);
        assertThat(decisions(P95, p95(150), p95(150), p95(100), p95(150), p95(150), p95(150)))
                .endsWith(GateDecision.ROLLBACK);
    }

    @Test
    void aWindowWithoutData_resetsTheStreak() {
        assertThat(decisions(P95, p95(150), p95(150), noData(), p95(150)))
                .containsExactly(GateDecision.HOLD, GateDecision.HOLD, GateDecision.HOLD,
                        GateDecision.HOLD);
    }

    @Test
    void alertSeverity_isOkUntilTheStreakIsReached() {
        Policy p = Policies.criteria("{\"name\": \"p95\", \"expr\": \"v2.p95_ms <= 120\","
                + " \"severity\": \"ALERT\", \"consecutive_windows\": 2}");
        List<GateVerdict> v = PolicyEvaluator.evaluateWindows(p, List.of(p95(150), p95(150)));
        assertThat(v).extracting(GateVerdict::decision)
                .containsExactly(GateDecision.PROCEED, GateDecision.HOLD);
        assertThat(v.get(0).criterion("p95").breached()).isTrue();
    }

    @Test
    void history_isImmutable_andAppendReturnsANewOne() {
        GateHistory empty = GateHistory.empty();
        GateVerdict first = PolicyEvaluator.evaluate(P95, p95(150), empty);
        GateHistory one = empty.append(first);
        assertThat(empty.streak("p95")).isZero();
        assertThat(empty.windows()).isZero();
        assertThat(one.streak("p95")).isEqualTo(1);
        assertThat(one.windows()).isEqualTo(1);
        assertThat(one.policyDigest()).isEqualTo(P95.digest());
        GateHistory two = one.append(PolicyEvaluator.evaluate(P95, p95(150), one));
        assertThat(one.streak("p95")).isEqualTo(1);
        assertThat(two.streak("p95")).isEqualTo(2);
        // Evaluating the same window against the older history gives the same answer again.
        assertThat(PolicyEvaluator.evaluate(P95, p95(150), one).criterion("p95").streak())
                .isEqualTo(2);
    }

    @Test
    void historyOfAnotherPolicy_isIgnored() {
        Policy other = Policies.criteria("{\"name\": \"p95\","
                + " \"fail_when\": \"v2.p95_ms > 100\", \"severity\": \"CRITICAL\","
                + " \"consecutive_windows\": 3}");
        GateHistory h = GateHistory.empty();
        for (int i = 0; i < 2; i++) {
            h = h.append(PolicyEvaluator.evaluate(other, p95(150), h));
        }
        assertThat(h.streak("p95")).isEqualTo(2);
        assertThat(PolicyEvaluator.evaluate(P95, p95(150), h).criterion("p95").streak())
                .isEqualTo(1);
    }
}

package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.rollout.gates.GateDecision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * On rollback: the incident record (seed 000 §3.1 step 4 and §6) next to the rollout state,
 * and the post-rollback verification (seed 004 §6) run by later ticks.
 */
class RolloutIncidentTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration DELAY = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private final RolloutFixture f = new RolloutFixture();

    private RolloutController start(boolean verify) {
        RolloutPlan.Builder plan = f.plan(RolloutFixture.POLICY);
        if (verify) {
            plan.backoutVerification(new BackoutVerification(DELAY, 0.01));
        }
        return Rollouts.builder(f.admin, plan.build()).stateStore(new FileRolloutStateStore(dir))
                .auditSink(f.audit).actor("rollout-bot").start();
    }

    /** One good checkpoint, then 50% errors: rolled back at stage 2 (25%). */
    private RolloutController rolledBack(boolean verify) {
        RolloutController c = start(verify);
        f.checkpoint(c, 100, 60, 0);
        f.clock.advance(Duration.ofMinutes(3));
        f.record(100, 60, 0.5);
        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);
        return c;
    }

    /** Stable-only traffic, as after a backout: n calls of v1, the given share failing. */
    private void stableTraffic(int n, double errorShare) {
        int errors = (int) Math.round(n * errorShare);
        for (int i = 0; i < n; i++) {
            f.measurements.recordCall("churn", "v1", Duration.ofMillis(50).toNanos(),
                    i < errors);
        }
    }

    @Test
    void rollback_writesAnIncidentRecord_nextToTheState_inJsonAndMarkdown() throws IOException {
        rolledBack(false);

        FileRolloutStateStore store = new FileRolloutStateStore(dir);
        Path json = store.incidentFile("churn", "v2", "json");
        Path md = store.incidentFile("churn", "v2", "md");
        assertThat(json).exists().hasFileName("incident-churn-v2.json");
        assertThat(md).exists();
        JsonNode r = JSON.readTree(Files.readString(json));
        assertThat(r.get("type").asString()).isEqualTo("rollout_incident");
        assertThat(r.get("trigger").asString()).isEqualTo("ROLLBACK");
        assertThat(r.get("stage_bp").asInt()).isEqualTo(2500);
        assertThat(r.get("window").get("checkpoint_duration").asString()).isEqualTo("PT10M");
        JsonNode crossed = r.get("thresholds_crossed");
        assertThat(crossed).hasSize(1);
        assertThat(crossed.get(0).get("criterion").asString()).isEqualTo("error_rate");
        assertThat(crossed.get(0).get("status").asString()).isEqualTo("CRITICAL");
        // The checkpoint's lookback (10 min) holds the good calls of 00:05 and the bad of 00:13.
        assertThat(crossed.get(0).get("value").asDouble()).isEqualTo(0.25);
        assertThat(crossed.get(0).get("threshold").asDouble()).isEqualTo(0.05);
        assertThat(r.get("timeline")).extracting(n -> n.get("decision").asString())
                .containsExactly("START", "PROCEED", "ROLLBACK");
        assertThat(r.get("backout")).extracting(JsonNode::asString).contains(
                "kill switch on churn/v2", "weight of v2 set to 0 (was 2500 bp)");
        assertThat(r.get("verification").get("result").isNull()).isTrue();
        String text = Files.readString(md);
        assertThat(text).startsWith("# Incident: rollout of churn v2 rolled back\n")
                .contains("| error_rate | CRITICAL | 0.25 | 0.05 |")
                .contains("## Timeline").contains("## Follow-up (ADR)");
        assertThat(f.auditCount("rollout.incident")).isEqualTo(1);
        assertThat(store.load("churn")).get().satisfies(s ->
                assertThat(s.canaryVerdict()).isEqualTo(GateDecision.ROLLBACK));
    }

    @Test
    void backoutVerification_afterItsDelay_passes_whenTheCandidateIsOutAndErrorsAreBack()
            throws IOException {
        RolloutController c = rolledBack(true);
        assertThat(c.state().backoutVerification())
                .isEqualTo(BackoutVerification.Result.PENDING);
        f.clock.advance(DELAY.minusMinutes(1));
        stableTraffic(200, 0.005);
        c.tick();
        assertThat(c.state().backoutVerification())
                .as("not before its delay").isEqualTo(BackoutVerification.Result.PENDING);

        f.clock.advance(Duration.ofMinutes(1));
        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);

        assertThat(c.state().backoutVerification()).isEqualTo(BackoutVerification.Result.PASSED);
        RolloutDecision verify = c.decisions().get(c.decisions().size() - 1);
        assertThat(verify.action()).isEqualTo(RolloutAction.VERIFY);
        assertThat(verify.reasons()).anyMatch(r -> r.startsWith("traffic: v2 served 0 requests"));
        assertThat(verify.reasons()).anyMatch(r -> r.startsWith("error rate: v1 0.005 (1 of 200)"));
        assertThat(f.auditCount("rollout.backout_verification")).isEqualTo(1);
        FileRolloutStateStore store = new FileRolloutStateStore(dir);
        assertThat(store.load("churn")).get().satisfies(s -> assertThat(
                s.backoutVerification()).isEqualTo(BackoutVerification.Result.PASSED));
        JsonNode r = JSON.readTree(Files.readString(store.incidentFile("churn", "v2", "json")));
        assertThat(r.get("verification").get("result").asString()).isEqualTo("PASSED");
        // It runs once.
        f.clock.advance(DELAY);
        c.tick();
        assertThat(f.auditCount("rollout.backout_verification")).isEqualTo(1);
    }

    @Test
    void backoutVerification_fails_whenTheCandidateIsRoutableAgainAndServed() {
        RolloutController c = rolledBack(true);
        ChangeContext ops = ChangeContext.of("bob", "trying again by hand");
        f.admin.unkill(KillTarget.version("churn", "v2"), ops);
        f.admin.setWeight("churn", "v2", 1000, ops);
        f.clock.advance(DELAY);
        f.record(100, 60, 0);

        f.clock.advance(Duration.ofMinutes(1));
        c.tick();

        assertThat(c.state().backoutVerification()).isEqualTo(BackoutVerification.Result.FAILED);
        assertThat(c.decisions().get(c.decisions().size() - 1).reasons())
                .contains("routing: v2 is routable again at 1000 bp: FAIL")
                .anyMatch(r -> r.startsWith("traffic: v2 served 100 requests")
                        && r.endsWith(": FAIL"));
    }

    @Test
    void backoutVerification_fails_whenTheStableErrorRateIsNotBackWithinTheLimit() {
        RolloutController c = rolledBack(true);
        f.clock.advance(DELAY);
        stableTraffic(200, 0.1);
        f.clock.advance(Duration.ofMinutes(1));
        c.tick();
        assertThat(c.state().backoutVerification()).isEqualTo(BackoutVerification.Result.FAILED);
        assertThat(c.decisions().get(c.decisions().size() - 1).reasons())
                .contains("error rate: v1 0.1 (20 of 200) > 0.01: FAIL");
    }

    @Test
    void schedule_keepsTickingAFinalRollout_untilItsVerificationHasRun() {
        RolloutController c = rolledBack(true);
        RolloutSchedule ticks = new RolloutSchedule(c);
        ticks.run();
        assertThat(ticks.isCancelled()).as("verification still due").isFalse();
        f.clock.advance(DELAY.plusMinutes(1));
        stableTraffic(100, 0);
        ticks.run();
        assertThat(c.state().backoutVerification()).isEqualTo(BackoutVerification.Result.PASSED);
        assertThat(ticks.isCancelled()).isTrue();
    }

    @Test
    void withoutAVerification_aRolledBackScheduleStops_andNoVerificationIsPending() {
        RolloutController c = rolledBack(false);
        assertThat(c.state().backoutVerification()).isNull();
        RolloutSchedule ticks = new RolloutSchedule(c);
        ticks.run();
        assertThat(ticks.isCancelled()).isTrue();
    }

    @Test
    void abort_alsoWritesAnIncidentRecord() {
        RolloutController c = start(false);
        c.abort(ChangeContext.of("alice", "customer complaint", "INC-42"));
        assertThat(c.incident()).get().satisfies(i -> {
            assertThat(i.trigger()).isEqualTo(RolloutAction.ABORT);
            assertThat(i.reasons()).containsExactly("customer complaint");
            assertThat(i.toMarkdown()).startsWith("# Incident: rollout of churn v2 aborted");
        });
    }
}

package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.hook.OutcomeEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The log lines seed 003's troubleshooting section greps for: {@code starting_gradual_rollout},
 * {@code rollout_checkpoint} and {@code rollout_mae_degradation}. slf4j-simple (the tests'
 * binding) writes to {@code System.err}, which the test captures, as other modules' log tests
 * do.
 */
class RolloutLogLinesTest {

    private final RolloutFixture f = new RolloutFixture();

    /** n calls per arm, each labelled with the given absolute error. */
    private void serve(int n, double v1AbsError, double v2AbsError) {
        for (int i = 0; i < n; i++) {
            for (String v : new String[] {"v1", "v2"}) {
                f.measurements.recordCall("churn", v, Duration.ofMillis(50).toNanos(), false);
                f.measurements.onOutcome(OutcomeEvent.label(RouteRequest.of("churn", "u" + i),
                        v, 1.0, 1.0 + (v.equals("v1") ? v1AbsError : v2AbsError)));
            }
        }
    }

    @Test
    void seed003Rollout_logsItsStart_itsCheckpoints_andAnMaeDegradation() {
        Map<String, Object> m = RolloutPlanFileTest.minimal();
        m.put("checkpoint_duration_minutes", 10);
        RolloutPlan plan = RolloutPlanFile.fromMap(m, "test", null).build();

        PrintStream originalErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        RolloutController c;
        try {
            c = Rollouts.start(f.admin, plan);
            f.clock.advance(Duration.ofMinutes(5));
            serve(100, 0.1, 0.1);
            f.clock.advance(Duration.ofMinutes(5));
            c.tick(); // a checkpoint: v2's MAE is v1's
            f.clock.advance(Duration.ofMinutes(5));
            serve(100, 0.1, 0.5);
            f.clock.advance(Duration.ofMinutes(5));
            c.tick(); // MAE +400%: rolled back
        } finally {
            System.setErr(originalErr);
        }
        String out = logs.toString(StandardCharsets.UTF_8);

        RolloutController rollout = c;
        assertThat(c.status()).as(() -> rollout.decisions().toString())
                .isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(out).contains("starting_gradual_rollout model=churn candidate=v2 stable=v1 "
                + "stages=25%,50%,75%,100% checkpoint_duration_minutes=10 shadow_phase=none "
                + "promote=true policy=ml.gradual_rollout.checkpoint dry_run=false");
        assertThat(out).containsPattern("rollout_checkpoint model=churn candidate=v2 stage=1 "
                + "traffic_pct=25% decision=(HOLD|PROCEED) status=(hold|success)");
        assertThat(out).contains("rollout_checkpoint model=churn candidate=v2 stage=")
                .containsPattern("decision=ROLLBACK status=failure");
        assertThat(out).containsPattern("rollout_mae_degradation model=churn candidate=v2 "
                + "stage=\\d criterion=mae_degradation status=CRITICAL "
                + "increase_pct=\\d+(\\.\\d+)? threshold_pct=20\\.0");
    }
}

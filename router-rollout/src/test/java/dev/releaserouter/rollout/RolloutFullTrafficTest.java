package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At a 100% stage the stable arm gets no traffic: the gates compare the candidate with the
 * stable arm's data from the last checkpoint below 100%.
 */
class RolloutFullTrafficTest {

    /** A comparison with the stable arm (ALERT) and a plan minimum per arm. */
    static final String RELATIVE = "{\"name\": \"relative\","
            + " \"aliases\": {\"v1\": \"stable\", \"v2\": \"candidate\"},"
            + " \"min_samples\": 20,"
            + " \"criteria\": ["
            + "  {\"name\": \"p95_vs_v1\", \"expr\": \"v2.p95_ms <= 1.2 * v1.p95_ms\","
            + "   \"severity\": \"ALERT\"}]}";

    @TempDir
    Path dir;

    private final RolloutFixture f = new RolloutFixture();

    /** Only the candidate gets calls, as the router sends everything to it at 100%. */
    private RolloutStatus candidateOnlyCheckpoint(RolloutController c, long latencyMs) {
        f.clock.advance(RolloutFixture.CHECKPOINT.dividedBy(2));
        for (int i = 0; i < 100; i++) {
            f.measurements.recordCall("churn", "v2", Duration.ofMillis(latencyMs).toNanos(), false);
        }
        f.clock.advance(RolloutFixture.CHECKPOINT.dividedBy(2));
        return c.tick();
    }

    private RolloutController walkTo100(RolloutStateStore store) {
        RolloutController c = RolloutController.start(f.admin, f.measurements,
                f.plan(RELATIVE).build(), store, f.clock, "rollout-bot");
        for (int i = 0; i < 3; i++) {
            f.checkpoint(c, 100, 55, 0);
        }
        assertThat(c.currentBasisPoints()).isEqualTo(10_000);
        return c;
    }

    @Test
    void atFullTraffic_theCandidateIsComparedWithTheLastStableCheckpoint_andPromoted() {
        RolloutController c = walkTo100(RolloutStateStore.inMemory());
        assertThat(candidateOnlyCheckpoint(c, 55)).isEqualTo(RolloutStatus.PROMOTED);
        assertThat(c.decisions().get(c.decisions().size() - 1).verdictJson())
                .contains("p95_vs_v1");
    }

    @Test
    void atFullTraffic_aCandidateWorseThanTheBaseline_holds() {
        RolloutController c = walkTo100(RolloutStateStore.inMemory());
        assertThat(candidateOnlyCheckpoint(c, 90)).isEqualTo(RolloutStatus.RUNNING);
        RolloutDecision hold = c.decisions().get(c.decisions().size() - 1);
        assertThat(hold.action()).isEqualTo(RolloutAction.HOLD);
        assertThat(hold.reasons()).anyMatch(r -> r.startsWith("p95_vs_v1: ALERT"));
    }

    @Test
    void restoredAtFullTraffic_withoutABaseline_holdsAndSaysWhy() {
        RolloutStateStore store = RolloutStateStore.inMemory();
        walkTo100(store);
        RolloutController restored = RolloutController.start(f.admin, f.measurements,
                f.plan(RELATIVE).build(), store, f.clock, "rollout-bot");
        assertThat(restored.restored()).isTrue();
        assertThat(candidateOnlyCheckpoint(restored, 55)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(restored.decisions().get(0).reasons())
                .anyMatch(r -> r.startsWith("baseline: v1 gets no traffic at 100%"));
    }
}

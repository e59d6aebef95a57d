package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restart of another candidate, spikes on too little data, concurrent ticks. */
class RolloutEdgeCasesTest {

    @TempDir
    Path dir;

    private final RolloutFixture f = new RolloutFixture();

    @Test
    void aStoredRolloutOfAnotherCandidate_isReplacedByANewOne() {
        new FileRolloutStateStore(dir).save(new RolloutState("churn", "v0", 3,
                Instant.parse("2025-01-01T00:00:00Z"), RolloutStatus.PROMOTED, "old"));
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        assertThat(c.restored()).isFalse();
        assertThat(c.state().stageIndex()).isZero();
        assertThat(c.state().candidate()).isEqualTo("v2");
        assertThat(f.auditCount("weight.set")).isEqualTo(1);
        assertThat(new FileRolloutStateStore(dir).load("churn")).get()
                .extracting(RolloutState::candidate).isEqualTo("v2");
    }

    @Test
    void aSpikeOnTooFewSamples_isNotEnoughData_andDoesNotRollBack() {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        f.clock.advance(Duration.ofMinutes(2));
        f.record(5, 60, 1.0);
        assertThat(c.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(f.candidateShare()).isPositive();
        // Once the policy's min_samples is reached, the spike rolls back.
        f.record(20, 60, 1.0);
        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(f.candidateShare()).isZero();
    }

    @Test
    void concurrentTicks_advanceOneStagePerCheckpoint() throws Exception {
        RolloutController c = f.start(f.plan(RolloutFixture.POLICY).build(), dir);
        f.clock.advance(Duration.ofMinutes(5));
        f.record(100, 60, 0);
        f.clock.advance(Duration.ofMinutes(5));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<RolloutStatus>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return c.tick();
                }));
            }
            go.countDown();
            for (Future<RolloutStatus> r : results) {
                assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo(RolloutStatus.RUNNING);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(c.currentBasisPoints()).isEqualTo(2500);
        assertThat(c.decisions()).extracting(RolloutDecision::action)
                .containsExactly(RolloutAction.START, RolloutAction.PROCEED);
        assertThat(f.auditCount("weight.set")).isEqualTo(2);
    }
}

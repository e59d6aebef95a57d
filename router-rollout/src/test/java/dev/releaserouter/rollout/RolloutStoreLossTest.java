package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.spi.Lease;
import dev.releaserouter.api.spi.LeaseGrant;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The shared state store loses the rollout (Redis restarted empty, without persistence): the
 * controllers must not start it again from stage 1 (dropping a 50% candidate to 5%, or
 * re-exposing a rolled-back one). The store and the lease here are in-memory ones that can be
 * wiped, as an empty Redis wipes both; router-redis' RedisRolloutStoreLossTest does it for real.
 */
class RolloutStoreLossTest {

    private static final Duration TTL = Duration.ofMinutes(15);

    private final RolloutFixture f = new RolloutFixture();
    private final WipeableStore store = new WipeableStore();
    private final WipeableLease lease = new WipeableLease(f);

    private RolloutController start() {
        return RolloutController.start(f.admin, f.measurements,
                f.plan(RolloutFixture.POLICY).build(), store, f.clock, "rollout-bot",
                RolloutLease.of(lease, TTL));
    }

    @Test
    void leaderAfterTheStoreLostTheRollout_resumesAtItsStageAndCheckpoint_notAtStage1() {
        RolloutController a = start();
        assertThat(f.checkpoint(a, 100, 50, 0)).isEqualTo(RolloutStatus.RUNNING);
        RolloutState before = a.state();
        assertThat(before.stageIndex()).isEqualTo(1);
        long weightChanges = f.auditCount("weight.set");

        store.wipe();
        lease.wipe();
        f.clock.advance(Duration.ofMinutes(1));

        assertThat(a.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(a.state().stageIndex()).as("same stage").isEqualTo(1);
        assertThat(a.state().checkpointStart()).as("same checkpoint start")
                .isEqualTo(before.checkpointStart());
        assertThat(a.currentBasisPoints()).isEqualTo(2500);
        assertThat(f.auditCount("weight.set")).as("no weight changed").isEqualTo(weightChanges);
        assertThat(store.load("churn")).as("the state is stored again").contains(a.state());
        assertThat(a.decisions()).last().satisfies(d -> {
            assertThat(d.action()).isEqualTo(RolloutAction.HOLD);
            assertThat(d.reasons()).singleElement().asString()
                    .contains("had no state", "re-seeded from this controller's last state");
        });

        // and it carries on from there.
        assertThat(f.checkpoint(a, 100, 50, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(a.currentBasisPoints()).isEqualTo(5000);
    }

    @Test
    void standbyTakingOverAfterTheLoss_rebuildsTheStageFromTheRouting() {
        RolloutController a = start();
        RolloutController b = start();
        f.checkpoint(a, 100, 50, 0);
        f.checkpoint(a, 100, 50, 0);
        assertThat(a.currentBasisPoints()).isEqualTo(5000);
        long weightChanges = f.auditCount("weight.set");

        store.wipe();
        lease.wipe(); // a's ticks stop (say it was killed); b is next to ask
        Instant now = f.clock.instant();

        assertThat(b.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(b.state().stageIndex()).as("stage 3 of 4 (50%)").isEqualTo(2);
        assertThat(b.state().checkpointStart()).as("a new checkpoint").isEqualTo(now);
        assertThat(f.auditCount("weight.set")).isEqualTo(weightChanges);
        assertThat(b.decisions()).last().satisfies(d -> assertThat(d.reasons()).singleElement()
                .asString().contains("rebuilt from the routing", "is stage 3"));
    }

    @Test
    void afterARollback_theLossDoesNotReexposeTheCandidate() {
        RolloutController a = start();
        RolloutController b = start();
        f.checkpoint(a, 100, 50, 0);
        assertThat(f.checkpoint(a, 100, 50, 0.5)).isEqualTo(RolloutStatus.ROLLED_BACK);
        long weightChanges = f.auditCount("weight.set");

        store.wipe();
        lease.wipe();

        assertThat(b.tick()).as("paused: nothing tells it whether to go on")
                .isEqualTo(RolloutStatus.PAUSED);
        assertThat(f.candidateShare()).isZero();
        assertThat(f.auditCount("weight.set")).isEqualTo(weightChanges);
        f.clock.advance(RolloutFixture.CHECKPOINT.multipliedBy(3));
        assertThat(b.tick()).isEqualTo(RolloutStatus.PAUSED);
        assertThat(f.candidateShare()).isZero();

        // the ex-leader, which knows it rolled back, re-seeds ROLLED_BACK if it leads again.
        b.stepDown();
        store.wipe();
        assertThat(a.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(f.candidateShare()).isZero();
    }

    @Test
    void aWeightSetByHandThatIsNoStage_pausesTheRebuiltRollout_andChangesNothing() {
        RolloutController a = start();
        f.checkpoint(a, 100, 50, 0);
        f.admin.setWeight("churn", "v2", 3000, ChangeContext.of("ops", "by hand"));

        store.wipe();
        lease.wipe();

        assertThat(a.tick()).isEqualTo(RolloutStatus.PAUSED);
        assertThat(a.state().stageIndex()).as("the highest stage below 30%").isEqualTo(1);
        assertThat(f.router.config().model("churn").version("v2").weightBasisPoints())
                .isEqualTo(3000);
        assertThat(a.decisions()).last().satisfies(d -> {
            assertThat(d.action()).isEqualTo(RolloutAction.PAUSE);
            assertThat(d.reasons()).singleElement().asString().contains("3000 bp",
                    "PAUSED at stage 2");
        });
    }

    @Test
    void aFreshRolloutOnAnEmptyStore_stillStartsAtStage1() {
        RolloutController a = start();
        assertThat(a.state().stageIndex()).isZero();
        assertThat(a.decisions()).singleElement().extracting(RolloutDecision::action)
                .isEqualTo(RolloutAction.START);
    }

    /** An in-memory store whose content can be lost at once. */
    private static final class WipeableStore implements RolloutStateStore {
        private volatile RolloutStateStore inner = RolloutStateStore.inMemory();

        void wipe() {
            inner = RolloutStateStore.inMemory();
        }

        @Override
        public Optional<RolloutState> load(String model) {
            return inner.load(model);
        }

        @Override
        public void save(RolloutState state) {
            inner.save(state);
        }

        @Override
        public void append(RolloutDecision decision) {
            inner.append(decision);
        }
    }

    /**
     * An in-memory lease that can be lost at once; its tokens keep growing across a loss, as
     * RedisLease's do (they start at the server's time after an empty restart).
     */
    private static final class WipeableLease implements Lease {
        private final RolloutFixture f;
        private volatile Lease inner;
        private int wipes;

        WipeableLease(RolloutFixture f) {
            this.f = f;
            this.inner = Lease.inMemory(f.clock);
        }

        void wipe() {
            Lease next = Lease.inMemory(f.clock);
            wipes++;
            for (int i = 0; i < 100 * wipes; i++) {
                next.release(next.tryAcquire("rollout/churn", "burner", TTL).orElseThrow());
            }
            inner = next;
        }

        @Override
        public Optional<LeaseGrant> tryAcquire(String name, String holder, Duration ttl) {
            return inner.tryAcquire(name, holder, ttl);
        }

        @Override
        public void release(LeaseGrant grant) {
            inner.release(grant);
        }

        @Override
        public Optional<LeaseGrant> current(String name) {
            return inner.current(name);
        }
    }
}

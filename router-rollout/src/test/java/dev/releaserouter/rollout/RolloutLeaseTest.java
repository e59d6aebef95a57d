package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.spi.Lease;
import dev.releaserouter.api.spi.LeaseGrant;
import dev.releaserouter.api.spi.OverrideDocument;
import dev.releaserouter.api.spi.OverrideStore;
import dev.releaserouter.api.spi.Subscription;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Rollout controllers that act only while they hold the rollout's lease. */
class RolloutLeaseTest {

    private static final Duration TTL = Duration.ofMinutes(15);

    private final RolloutFixture f = new RolloutFixture();
    private final RolloutStateStore store = RolloutStateStore.inMemory();
    private final Lease lease = Lease.inMemory(f.clock);

    private RolloutController start(RolloutLease l) {
        return RolloutController.start(f.admin, f.measurements,
                f.plan(RolloutFixture.POLICY).build(), store, f.clock, "rollout-bot", l);
    }

    @Test
    void routingChangesUnderALease_carryTheGrant_soAFleetStoreCanFenceThem() {
        OverrideStore inner = OverrideStore.inMemory();
        List<Optional<LeaseGrant>> fences = new CopyOnWriteArrayList<>();
        OverrideStore recording = new OverrideStore() {
            @Override
            public OverrideDocument load() {
                return inner.load();
            }

            @Override
            public Optional<OverrideDocument> compareAndSet(long rev, String content) {
                fences.add(Optional.empty());
                return inner.compareAndSet(rev, content);
            }

            @Override
            public Optional<OverrideDocument> compareAndSet(long rev, String content,
                    LeaseGrant fence) {
                fences.add(Optional.of(fence));
                return inner.compareAndSet(rev, content);
            }

            @Override
            public Subscription subscribe(Listener listener) {
                return inner.subscribe(listener);
            }
        };
        RouterAdmin admin = ReleaseRouter.builder()
                .config(Configs.of(Configs.churn(0).build())).hashSecretHex(Configs.SECRET)
                .auditSink(new RecordingAuditSink()).clock(f.clock).hook(f.measurements)
                .overrideStore(recording).buildWithAdmin();
        try {
            RolloutController c = RolloutController.start(admin, f.measurements,
                    f.plan(RolloutFixture.POLICY).build(), store, f.clock, "rollout-bot",
                    RolloutLease.of(lease, TTL));
            LeaseGrant grant = c.leaseGrant().orElseThrow();
            assertThat(fences).as("stage 1's weight, written under the lease").singleElement()
                    .isEqualTo(Optional.of(grant));

            c.abort(ChangeContext.of("ops", "stop"));
            assertThat(fences).as("the abort's kill and 0% too").hasSizeGreaterThan(1)
                    .allSatisfy(fence -> assertThat(fence).contains(grant));
        } finally {
            admin.router().close();
        }
    }

    @Test
    void twoControllersOnOneLease_onlyTheHolderActs_theOtherTakesOverAfterTheTtl() {
        RolloutController a = start(RolloutLease.of(lease, TTL));
        RolloutController b = start(RolloutLease.of(lease, TTL));

        assertThat(a.status()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(b.status()).isEqualTo(RolloutStatus.STANDBY);
        assertThat(b.leading()).isFalse();
        assertThat(f.auditCount("weight.set")).as("only the holder set stage 1").isEqualTo(1);

        assertThat(f.checkpoint(a, 100, 50, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(a.currentBasisPoints()).isEqualTo(2500);
        assertThat(b.tick()).isEqualTo(RolloutStatus.STANDBY);
        assertThat(f.auditCount("weight.set")).isEqualTo(2);
        LeaseGrant first = a.leaseGrant().orElseThrow();

        // a stops renewing (its ticks stop): after the TTL, b takes over where a was.
        f.clock.advance(TTL.plusSeconds(1));
        assertThat(b.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(b.leading()).isTrue();
        assertThat(b.restored()).isTrue();
        assertThat(b.state().stageIndex()).as("resumed at a's stage, not restarted")
                .isEqualTo(a.state().stageIndex()).isEqualTo(1);
        assertThat(b.leaseGrant().orElseThrow().fencingToken())
                .isGreaterThan(first.fencingToken());

        // a comes back: it has lost the lease, says so, and changes nothing.
        long changes = f.audit.events.size();
        assertThat(a.tick()).isEqualTo(RolloutStatus.STANDBY);
        assertThat(a.leading()).isFalse();
        assertThatThrownBy(() -> a.pause(ChangeContext.of("ops", "test")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("lease");
        assertThat(f.audit.events).hasSize((int) changes);

        // b carries the rollout on from stage 2.
        assertThat(f.checkpoint(b, 100, 50, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(b.currentBasisPoints()).isEqualTo(5000);
        assertThat(store.load("churn").orElseThrow().stageIndex()).isEqualTo(2);
    }

    @Test
    void stepDown_letsTheStandbyTakeOverAtItsNextTick() {
        RolloutController a = start(RolloutLease.of(lease, TTL));
        RolloutController b = start(RolloutLease.of(lease, TTL));

        a.stepDown();

        assertThat(a.status()).isEqualTo(RolloutStatus.STANDBY);
        assertThat(b.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(b.state().stageIndex()).isZero();
        assertThat(f.auditCount("weight.set")).as("b resumed; it did not start again")
                .isEqualTo(1);
    }

    @Test
    void leaseUnreachable_controllerStandsBy_countsTheFailure_andChangesNothing() {
        Lease broken = new Lease() {
            @Override
            public Optional<LeaseGrant> tryAcquire(String name, String holder, Duration ttl) {
                throw new java.io.UncheckedIOException(new java.io.IOException("unreachable"));
            }

            @Override
            public void release(LeaseGrant grant) {}

            @Override
            public Optional<LeaseGrant> current(String name) {
                return Optional.empty();
            }
        };

        RolloutController c = start(RolloutLease.of(broken, TTL));

        assertThat(c.status()).isEqualTo(RolloutStatus.STANDBY);
        assertThat(c.tick()).isEqualTo(RolloutStatus.STANDBY);
        assertThat(c.leaseFailures()).isEqualTo(2);
        assertThat(f.auditCount("weight.set")).isZero();
        assertThat(store.load("churn")).isEmpty();
    }

    @Test
    void withoutALease_theControllerLeadsAlways() {
        RolloutController c = RolloutController.start(f.admin, f.measurements,
                f.plan(RolloutFixture.POLICY).build(), store, f.clock, "rollout-bot");

        assertThat(c.leading()).isTrue();
        assertThat(c.leaseGrant()).isEmpty();
        assertThat(c.status()).isEqualTo(RolloutStatus.RUNNING);
    }

    /** A store that fences like a fleet store: writes carrying a stale grant are refused. */
    private RolloutStateStore fenced(RolloutStateStore inner) {
        return new RolloutStateStore() {
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

            @Override
            public void save(RolloutState state, LeaseGrant grant) {
                check(grant);
                inner.save(state);
            }

            @Override
            public void append(RolloutDecision decision, LeaseGrant grant) {
                check(grant);
                inner.append(decision);
            }

            private void check(LeaseGrant grant) {
                long current = lease.current(grant.name()).map(LeaseGrant::fencingToken)
                        .orElse(0L);
                if (current != grant.fencingToken()) {
                    throw new FencedWriteException("token " + grant.fencingToken()
                            + " is not the current " + current);
                }
            }
        };
    }

    @Test
    void pausedExLeader_writesThroughAFencedStore_areRefused_itStandsBy_withoutFailSafe() {
        RolloutStateStore fencedStore = fenced(store);
        RolloutPlan plan = f.plan(RolloutFixture.POLICY).build();
        // a's pause (a GC, a frozen VM) falls between its renewal and its write: meanwhile
        // the TTL passes and b takes over.
        java.util.concurrent.atomic.AtomicReference<Runnable> pause =
                new java.util.concurrent.atomic.AtomicReference<>();
        Lease pausing = new Lease() {
            @Override
            public Optional<LeaseGrant> tryAcquire(String name, String holder, Duration ttl) {
                Optional<LeaseGrant> g = lease.tryAcquire(name, holder, ttl);
                Runnable p = pause.getAndSet(null);
                if (p != null) {
                    p.run();
                }
                return g;
            }

            @Override
            public void release(LeaseGrant grant) {
                lease.release(grant);
            }

            @Override
            public Optional<LeaseGrant> current(String name) {
                return lease.current(name);
            }
        };
        RolloutController a = RolloutController.start(f.admin, f.measurements, plan,
                fencedStore, f.clock, "rollout-bot", RolloutLease.of(pausing, TTL));
        RolloutController b = RolloutController.start(f.admin, f.measurements, plan,
                fencedStore, f.clock, "rollout-bot", RolloutLease.of(lease, TTL));
        pause.set(() -> {
            f.clock.advance(TTL.plusSeconds(1));
            assertThat(b.tick()).isEqualTo(RolloutStatus.RUNNING);
        });

        assertThatThrownBy(() -> a.pause(ChangeContext.of("ops", "stale")))
                .isInstanceOf(FencedWriteException.class);

        assertThat(store.load("churn").orElseThrow().status()).as("b's state stands")
                .isEqualTo(RolloutStatus.RUNNING);
        assertThat(a.leading()).isFalse();
        assertThat(a.status()).isEqualTo(RolloutStatus.STANDBY);
        assertThat(a.tick()).isEqualTo(RolloutStatus.STANDBY);
        assertThat(a.tickFailures()).isZero();
        assertThat(b.leading()).isTrue();
    }
}

package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tick never throws: a failure is a HOLD decision with the error as its reason, counted and
 * visible on the controller; after the plan's limit of consecutive failed ticks the controller
 * fails safe (candidate killed and at 0%, audited).
 */
public class RolloutTickFailureTest {

    @TempDir
    Path dir;

    private final RolloutFixture f = new RolloutFixture();
    private final FaultyClock clock = new FaultyClock(f.clock);

    private RolloutController start(RolloutPlan plan) {
        return RolloutController.start(f.admin, f.measurements, plan,
                new FileRolloutStateStore(dir), clock, "rollout-bot");
    }

    private static List<RolloutAction> actions(RolloutController c) {
        return c.decisions().stream().map(RolloutDecision::action).toList();
    }

    public static Throwable fault(String kind) {
        switch (kind) {
            case "runtime":
                return new IllegalArgumentException("unknown metric 'error_rate_5xx'");
            case "stackOverflow":
                return new StackOverflowError("deep");
            case "assertion":
                return new AssertionError("broken invariant");
            case "linkage":
                return new NoClassDefFoundError("com/example/Missing");
            case "oom":
                return new OutOfMemoryError("Java heap space (test)");
            default:
                return new java.io.IOException("checked, thrown sneakily");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"runtime", "stackOverflow", "assertion", "linkage", "oom", "checked"})
    void tick_whenAnythingThrows_holdsWithTheErrorAsReason_insteadOfThrowing(String kind) {
        RolloutController c = start(f.plan(RolloutFixture.POLICY).build());
        clock.failWith(() -> fault(kind));
        assertThatCode(c::tick).doesNotThrowAnyException();
        assertThat(c.status()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.tickFailures()).isEqualTo(1);
        assertThat(c.consecutiveTickFailures()).isEqualTo(1);
        assertThat(c.lastTickError()).get().asString()
                .contains(fault(kind).getClass().getSimpleName());
        assertThat(actions(c)).containsExactly(RolloutAction.START, RolloutAction.HOLD);
        RolloutDecision hold = c.decisions().get(1);
        assertThat(hold.reasons()).singleElement().asString()
                .startsWith("tick failed (1 of 3 before fail-safe): ")
                .contains(fault(kind).getClass().getName());
        assertThat(hold.verdictJson()).isNull();
        assertThat(c.currentBasisPoints()).isEqualTo(500);
    }

    @Test
    void threeConsecutiveFailedTicks_failSafe_candidateKilledAtZero_audited() {
        RolloutController c = start(f.plan(RolloutFixture.POLICY).build());
        assertThat(f.candidateShare()).isPositive();
        clock.failWith(() -> fault("runtime"));
        assertThat(c.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(f.candidateShare()).isZero();
        assertThat(f.auditCount("kill.on")).isEqualTo(1);
        assertThat(f.audit.last().reason()).startsWith("rollout fail-safe rollback of v2")
                .contains("3 consecutive ticks failed")
                .contains("unknown metric 'error_rate_5xx'");
        assertThat(actions(c)).containsExactly(RolloutAction.START, RolloutAction.HOLD,
                RolloutAction.HOLD, RolloutAction.ROLLBACK);
        assertThat(c.decisions().get(3).reasons().get(0)).startsWith("fail-safe: ");
        assertThat(c.tickFailures()).isEqualTo(3);
        // Final: more failing ticks change nothing and throw nothing.
        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.decisions()).hasSize(4);
    }

    @Test
    void aSuccessfulTick_resetsTheStreak() {
        RolloutController c = start(f.plan(RolloutFixture.POLICY).build());
        clock.failWith(() -> fault("runtime"));
        c.tick();
        c.tick();
        clock.heal();
        assertThat(c.tick()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.consecutiveTickFailures()).isZero();
        clock.failWith(() -> fault("runtime"));
        c.tick();
        c.tick();
        assertThat(c.status()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.tickFailures()).isEqualTo(4);
        assertThat(c.lastTickError()).isPresent();
    }

    @Test
    void theLimitIsConfigurableOnThePlan() {
        RolloutController c = start(f.plan(RolloutFixture.POLICY).maxFailedTicks(1).build());
        clock.failWith(() -> fault("oom"));
        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(f.candidateShare()).isZero();
        assertThatThrownBy(() -> f.plan(RolloutFixture.POLICY).maxFailedTicks(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxFailedTicks").hasMessageContaining("0");
    }

    @Test
    void aStoreThatFails_isContained_andTheFailSafeStillKillsTheCandidate() {
        AtomicBoolean broken = new AtomicBoolean();
        RolloutStateStore failing = new RolloutStateStore() {
            private final RolloutStateStore inner = RolloutStateStore.inMemory();

            @Override
            public Optional<RolloutState> load(String model) {
                return inner.load(model);
            }

            @Override
            public void save(RolloutState state) {
                if (broken.get()) {
                    throw new UncheckedIOException(new java.io.IOException("disk full"));
                }
                inner.save(state);
            }

            @Override
            public void append(RolloutDecision decision) {
                if (broken.get()) {
                    throw new UncheckedIOException(new java.io.IOException("disk full"));
                }
                inner.append(decision);
            }
        };
        RolloutController c = RolloutController.start(f.admin, f.measurements,
                f.plan(RolloutFixture.POLICY).maxFailedTicks(2).build(), failing, clock,
                "rollout-bot");
        broken.set(true);
        assertThat(f.checkpoint(c, 100, 60, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.tickFailures()).isEqualTo(1);
        assertThat(c.lastTickError()).get().asString().contains("disk full");
        // A second failure in a row (here anything the tick reads) trips the fail-safe, which
        // still kills the candidate although the store cannot record it.
        f.clock.advance(RolloutFixture.CHECKPOINT);
        clock.failWith(() -> fault("runtime"));
        assertThat(c.tick()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(f.candidateShare()).isZero();
        assertThat(f.auditCount("kill.on")).isEqualTo(1);
    }

    @Test
    void aListenerThrowingAnError_isContainedAndCounted_notATickFailure() {
        RolloutController c = start(f.plan(RolloutFixture.POLICY).build());
        c.addListener((d, v) -> {
            throw new AssertionError("listener bug");
        });
        assertThat(f.checkpoint(c, 100, 60, 0)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.currentBasisPoints()).isEqualTo(2500);
        assertThat(c.listenerFailures()).isEqualTo(1);
        assertThat(c.tickFailures()).isZero();
    }
}

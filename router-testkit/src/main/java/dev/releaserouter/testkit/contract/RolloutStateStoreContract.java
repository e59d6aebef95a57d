package dev.releaserouter.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.releaserouter.rollout.BackoutVerification;
import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutEvidence;
import dev.releaserouter.rollout.RolloutState;
import dev.releaserouter.rollout.RolloutStateStore;
import dev.releaserouter.rollout.RolloutStatus;
import dev.releaserouter.rollout.ShadowVerdict;
import dev.releaserouter.rollout.gates.GateDecision;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link RolloutStateStore}: a saved state reads back equal (so another
 * instance resumes at the same stage and checkpoint, with the same evidence on record), the
 * latest save wins, models are
 * independent, concurrent saves are all kept, appending decisions works, an unreachable store
 * throws.
 */
public abstract class RolloutStateStoreContract {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private RolloutStateStore store;

    /** Creates a contract test; subclasses implement {@link #createStore()}. */
    protected RolloutStateStoreContract() {}

    /** @return a new, empty store, not shared with other tests */
    protected abstract RolloutStateStore createStore();

    /**
     * Makes the store unreachable, so that its calls fail. By default the failure tests are
     * skipped (an in-memory store cannot fail).
     *
     * @param store the store under test
     */
    protected void disconnect(RolloutStateStore store) {
        Assumptions.abort("this implementation cannot be made unreachable");
    }

    @BeforeEach
    final void openStore() {
        store = createStore();
    }

    private static RolloutState state(String model, int stage, RolloutStatus status) {
        return new RolloutState(model, "v2", stage, T0.plusSeconds(60L * stage), status,
                "sha256:abc");
    }

    @Test
    void load_unknownModel_isEmpty() {
        assertEquals(Optional.empty(), store.load("churn"));
    }

    @Test
    void load_afterSave_returnsAnEqualState() {
        RolloutState s = state("churn", 2, RolloutStatus.RUNNING);
        store.save(s);

        assertEquals(Optional.of(s), store.load("churn"));
    }

    @Test
    void load_afterSave_keepsTheEvidenceOnRecord() {
        RolloutState s = new RolloutState("churn", "v2", 3, T0, RolloutStatus.ROLLED_BACK,
                "sha256:abc", ShadowVerdict.Result.PASS, GateDecision.ROLLBACK,
                BackoutVerification.Result.PENDING);
        store.save(s);
        assertEquals(Optional.of(s), store.load("churn"));
        assertEquals(Optional.of(RolloutEvidence.of(s)), store.evidence("churn", "v2"));
        // A later save without evidence drops it (a new rollout of another candidate).
        RolloutState fresh = state("churn", 0, RolloutStatus.RUNNING);
        store.save(fresh);
        assertEquals(Optional.of(fresh), store.load("churn"));
    }

    @Test
    void save_again_replacesTheState() {
        store.save(state("churn", 1, RolloutStatus.RUNNING));
        RolloutState later = state("churn", 2, RolloutStatus.PAUSED);
        store.save(later);

        assertEquals(Optional.of(later), store.load("churn"));
    }

    @Test
    void models_areIndependent() {
        RolloutState churn = state("churn", 1, RolloutStatus.RUNNING);
        RolloutState fraud = state("fraud", 3, RolloutStatus.PROMOTED);
        store.save(churn);
        store.save(fraud);

        assertEquals(Optional.of(churn), store.load("churn"));
        assertEquals(Optional.of(fraud), store.load("fraud"));
    }

    @Test
    void save_manyModelsOnManyThreads_allAreKept() {
        Concurrently.run(8, i -> () -> {
            for (int stage = 0; stage < 10; stage++) {
                store.save(state("m" + i, stage, RolloutStatus.RUNNING));
            }
            return null;
        });

        for (int i = 0; i < 8; i++) {
            assertEquals(Optional.of(state("m" + i, 9, RolloutStatus.RUNNING)),
                    store.load("m" + i));
        }
    }

    @Test
    void append_decisions_isAccepted() {
        store.append(new RolloutDecision(T0, "rollout-bot", "churn", "v2", 0, 500,
                RolloutAction.START, RolloutStatus.RUNNING, List.of("rollout started"), null,
                "sha256:abc", false));
    }

    @Test
    void unreachable_callsThrow_ratherThanPretendToSucceed() {
        disconnect(store);

        assertThrows(RuntimeException.class,
                () -> store.save(state("churn", 1, RolloutStatus.RUNNING)));
        assertThrows(RuntimeException.class, () -> store.load("churn"));
    }
}

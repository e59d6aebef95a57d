package dev.releaserouter.testkit.contract;

import dev.releaserouter.api.spi.BudgetLedger;
import dev.releaserouter.api.spi.Lease;
import dev.releaserouter.api.spi.MeasurementWindowStore;
import dev.releaserouter.api.spi.OverrideStore;
import dev.releaserouter.rollout.RolloutStateStore;
import dev.releaserouter.testkit.ManualClock;
import org.junit.jupiter.api.Nested;

/**
 * The in-memory defaults (and the JSON Lines window store) against their contracts. They live here
 * rather than beside the defaults because router-api, router-core and router-rollout cannot depend
 * on the testkit (it depends on them).
 */
class InMemorySpiContractTests {

    @Nested
    class InMemoryOverrideStore extends OverrideStoreContract {
        @Override
        protected OverrideStore createStore() {
            return OverrideStore.inMemory();
        }
    }

    @Nested
    class InMemoryBudgetLedger extends BudgetLedgerContract {
        @Override
        protected BudgetLedger createLedger() {
            return BudgetLedger.inMemory();
        }
    }

    @Nested
    class InMemoryMeasurementWindowStore extends MeasurementWindowStoreContract {
        @Override
        protected MeasurementWindowStore createStore() {
            return MeasurementWindowStore.inMemory(100);
        }
    }

    /** The JSON Lines file store: each test in a new directory. */
    @Nested
    class JsonlMeasurementWindowStore extends MeasurementWindowStoreContract {
        @Override
        protected MeasurementWindowStore createStore() {
            try {
                return dev.releaserouter.rollout.measure.JsonlMeasurementWindowStore.open(
                        java.nio.file.Files.createTempDirectory("windows"), 100);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Nested
    class InMemoryLease extends LeaseContract {
        @Override
        protected Lease createLease(ManualClock clock) {
            return Lease.inMemory(clock);
        }
    }

    @Nested
    class InMemoryRolloutStateStore extends RolloutStateStoreContract {
        @Override
        protected RolloutStateStore createStore() {
            return RolloutStateStore.inMemory();
        }
    }
}

package dev.releaserouter.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.releaserouter.api.spi.MeasurementWindowStore;
import dev.releaserouter.api.spi.WindowSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link MeasurementWindowStore}: summaries of one window from several sources
 * read back merged, a source's repeated append replaces its part, reads are bounded and ordered,
 * concurrent appends are all kept, close is idempotent, an unreachable store throws.
 *
 * <p>Each test gets a new, empty store from {@link #createStore()} (which must retain at least
 * 100 windows per model) and closes it afterwards.
 */
public abstract class MeasurementWindowStoreContract {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private MeasurementWindowStore store;

    /** Creates a contract test; subclasses implement {@link #createStore()}. */
    protected MeasurementWindowStoreContract() {}

    /** @return a new, empty store retaining at least 100 windows per model */
    protected abstract MeasurementWindowStore createStore();

    /**
     * Makes the store unreachable, so that its calls fail. By default the failure tests are
     * skipped (an in-memory store cannot fail).
     *
     * @param store the store under test
     */
    protected void disconnect(MeasurementWindowStore store) {
        Assumptions.abort("this implementation cannot be made unreachable");
    }

    @BeforeEach
    final void openStore() {
        store = createStore();
    }

    @AfterEach
    final void closeStore() {
        store.close();
    }

    private static WindowSummary summary(String source, String version, int minute,
            long requests, long errors, double latencySum, long bucket, long inBucket) {
        return new WindowSummary(Set.of(source), "churn", version, T0.plus(MINUTE.multipliedBy(
                minute)), MINUTE, Map.of("requests", requests, "errors", errors),
                Map.of("latency_ms_sum", latencySum),
                Map.of("latency", new TreeMap<>(Map.of(bucket, inBucket))));
    }

    @Test
    void read_emptyStore_returnsNothing() {
        assertEquals(List.of(), store.read("churn", T0, T0.plus(Duration.ofHours(1))));
    }

    @Test
    void read_afterAppend_returnsTheSummary() {
        WindowSummary s = summary("pod-a", "v2", 0, 10, 1, 50.0, 5, 10);
        store.append(s);

        assertEquals(List.of(s), store.read("churn", T0, T0.plus(MINUTE)));
    }

    @Test
    void read_sameWindowFromTwoSources_returnsTheMerge() {
        store.append(summary("pod-a", "v2", 0, 10, 1, 50.0, 5, 10));
        store.append(summary("pod-b", "v2", 0, 30, 2, 70.0, 5, 20));

        List<WindowSummary> read = store.read("churn", T0, T0.plus(MINUTE));

        assertEquals(1, read.size(), "one merged window: " + read);
        WindowSummary m = read.get(0);
        assertEquals(Set.of("pod-a", "pod-b"), m.sources());
        assertEquals(40, m.count("requests"));
        assertEquals(3, m.count("errors"));
        assertEquals(120.0, m.sum("latency_ms_sum"), 1e-9);
        assertEquals(30L, m.histograms().get("latency").get(5L));
    }

    @Test
    void append_sameSourceTwice_replacesItsPart_soARetryIsNotCountedTwice() {
        store.append(summary("pod-a", "v2", 0, 10, 1, 50.0, 5, 10));
        store.append(summary("pod-a", "v2", 0, 12, 1, 60.0, 5, 12));

        WindowSummary m = store.read("churn", T0, T0.plus(MINUTE)).get(0);

        assertEquals(12, m.count("requests"));
    }

    @Test
    void read_returnsWindowsStartingInTheRange_orderedByStartThenVersion() {
        store.append(summary("pod-a", "v2", 2, 1, 0, 1.0, 1, 1));
        store.append(summary("pod-a", "v1", 2, 1, 0, 1.0, 1, 1));
        store.append(summary("pod-a", "v2", 1, 1, 0, 1.0, 1, 1));
        store.append(summary("pod-a", "v1", 0, 1, 0, 1.0, 1, 1));
        store.append(summary("pod-a", "v1", 3, 1, 0, 1.0, 1, 1));

        List<WindowSummary> read = store.read("churn", T0.plus(MINUTE), T0.plus(MINUTE
                .multipliedBy(3)));

        assertEquals(List.of("1:v2", "2:v1", "2:v2"), read.stream()
                .map(w -> Duration.between(T0, w.start()).toMinutes() + ":" + w.version())
                .toList());
    }

    @Test
    void read_anotherModel_seesNoneOfThisOne() {
        store.append(summary("pod-a", "v2", 0, 10, 1, 50.0, 5, 10));

        assertEquals(List.of(), store.read("fraud", T0, T0.plus(MINUTE)));
    }

    @Test
    void append_manySourcesOnManyThreads_allAreKept() {
        int sources = 8;
        int windows = 20;

        Concurrently.run(sources, i -> () -> {
            for (int m = 0; m < windows; m++) {
                store.append(summary("pod-" + i, "v2", m, 5, 1, 2.5, 3, 5));
            }
            return null;
        });

        List<WindowSummary> read = store.read("churn", T0, T0.plus(MINUTE.multipliedBy(
                windows)));
        assertEquals(windows, read.size());
        for (WindowSummary w : read) {
            assertEquals(sources, w.sources().size(), "sources of " + w.start());
            assertEquals(5L * sources, w.count("requests"));
            assertEquals(5L * sources, w.histograms().get("latency").get(3L));
        }
    }

    @Test
    void append_aMergedSummary_isRefused() {
        WindowSummary merged = summary("pod-a", "v2", 0, 1, 0, 1, 1, 1)
                .merge(summary("pod-b", "v2", 0, 1, 0, 1, 1, 1));

        assertThrows(IllegalArgumentException.class, () -> store.append(merged));
    }

    @Test
    void close_twice_isHarmless() {
        store.close();
        store.close();
    }

    @Test
    void unreachable_callsThrow_ratherThanPretendToSucceed() {
        disconnect(store);

        assertThrows(RuntimeException.class,
                () -> store.append(summary("pod-a", "v2", 0, 1, 0, 1, 1, 1)));
        assertThrows(RuntimeException.class, () -> store.read("churn", T0, T0.plus(MINUTE)));
    }
}

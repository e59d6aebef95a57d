package dev.releaserouter.rollout.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.spi.MeasurementWindowStore;
import dev.releaserouter.api.spi.WindowSummary;
import dev.releaserouter.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Closed windows go to the MeasurementWindowStore once, and snapshots judge them merged. */
class ArmMeasurementsWindowStoreTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    /** A store that remembers every append and can be made to fail. */
    static final class RecordingStore implements MeasurementWindowStore {
        final MeasurementWindowStore delegate = MeasurementWindowStore.inMemory(100_000);
        final List<WindowSummary> appended = new CopyOnWriteArrayList<>();
        volatile boolean failAppends;
        volatile boolean failReads;

        @Override
        public void append(WindowSummary summary) {
            if (failAppends) {
                throw new IllegalStateException("store down (test)");
            }
            appended.add(summary);
            delegate.append(summary);
        }

        @Override
        public List<WindowSummary> read(String model, Instant from, Instant to) {
            if (failReads) {
                throw new IllegalStateException("store down (test)");
            }
            return delegate.read(model, from, to);
        }
    }


    @Test
    void threeInstancesSharingAStore_judgeTheSameNumbersAndVerdictAsOneSeeingAllTraffic() {
        for (double v2ErrorRate : new double[] {0.007, 0.03}) {
            MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
            MeasurementWindowStore shared = MeasurementWindowStore.inMemory(60);
            ArmMeasurements[] fleet = new ArmMeasurements[3];
            for (int n = 0; n < 3; n++) {
                fleet[n] = ArmMeasurements.builder().clock(clock).windowStore(shared)
                        .source("pod-" + n).build();
            }
            FleetTraffic.assertFleetJudgesAsOne(clock, v2ErrorRate, fleet);
        }
    }

    @Test
    void anInstanceAlone_seesOnlyItsOwnThird_withoutASharedStore() {
        MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
        ArmMeasurements[] fleet = new ArmMeasurements[3];
        for (int n = 0; n < 3; n++) {
            fleet[n] = ArmMeasurements.builder().clock(clock).source("pod-" + n).build();
        }
        FleetTraffic.traffic(clock, 0.007, fleet);

        assertThat(fleet[0].snapshot("churn", Duration.ofMinutes(11)).arm("v2").requests())
                .isEqualTo(500);
    }

    @Test
    void openWindow_isLocalUntilItCloses_thenEveryInstanceSeesIt() {
        MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
        MeasurementWindowStore shared = MeasurementWindowStore.inMemory(60);
        ArmMeasurements a = ArmMeasurements.builder().clock(clock).windowStore(shared)
                .source("a").build();
        ArmMeasurements b = ArmMeasurements.builder().clock(clock).windowStore(shared)
                .source("b").build();
        a.recordCall("churn", "v2", 1_000_000L, false);
        b.recordCall("churn", "v2", 1_000_000L, true);

        assertThat(a.snapshot("churn", MINUTE.multipliedBy(2)).arm("v2").requests())
                .isEqualTo(1);

        clock.advance(MINUTE);
        b.recordCall("churn", "v2", 1_000_000L, false); // b's next call closes b's window
        ArmStats seen = a.snapshot("churn", MINUTE.multipliedBy(2)).arm("v2");
        assertThat(seen.requests()).as("a's closed window, b's closed window").isEqualTo(2);
        assertThat(seen.errors()).isEqualTo(1);
    }

    @Test
    void closedWindow_isAppendedExactlyOncePerArm_whateverClosesIt() {
        MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
        RecordingStore store = new RecordingStore();
        ArmMeasurements m = ArmMeasurements.builder().clock(clock).windowStore(store)
                .source("pod-a").build();
        m.recordCall("churn", "v1", 5_000_000L, false);
        m.recordCall("churn", "v2", 7_000_000L, true);
        m.snapshot("churn", MINUTE);
        assertThat(store.appended).as("nothing closed yet").isEmpty();

        clock.advance(MINUTE);
        m.snapshot("churn", MINUTE);
        m.recordCall("churn", "v1", 5_000_000L, false);
        m.closeElapsedWindows();
        m.snapshot("churn", MINUTE.multipliedBy(2));

        assertThat(store.appended).extracting(WindowSummary::version)
                .containsExactlyInAnyOrder("v1", "v2");
        WindowSummary v2 = store.appended.stream().filter(s -> s.version().equals("v2"))
                .findFirst().orElseThrow();
        assertThat(v2.sources()).containsExactly("pod-a");
        assertThat(v2.start()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(v2.length()).isEqualTo(MINUTE);
        assertThat(v2.count("requests")).isEqualTo(1);
        assertThat(v2.count("errors")).isEqualTo(1);
        assertThat(v2.histograms().get("latency_ns").values()).containsExactly(1L);
    }

    @Test
    void storeFailure_neverFailsRecording_keepsTheWindowLocal_andRetriesAtTheNextClose() {
        MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
        RecordingStore store = new RecordingStore();
        ArmMeasurements m = ArmMeasurements.builder().clock(clock).windowStore(store)
                .source("pod-a").build();
        m.recordCall("churn", "v2", 5_000_000L, false);
        store.failAppends = true;

        clock.advance(MINUTE);
        m.recordCall("churn", "v2", 5_000_000L, true); // closes the first window: append fails

        assertThat(m.windowStoreFailures()).isEqualTo(1);
        assertThat(m.windowsPendingAppend()).isEqualTo(1);
        assertThat(m.snapshot("churn", MINUTE.multipliedBy(2)).arm("v2").requests())
                .as("the failed window is judged from the local copy").isEqualTo(2);

        store.failAppends = false;
        clock.advance(MINUTE);
        m.recordCall("churn", "v2", 5_000_000L, false); // next close: retried, then appended

        assertThat(m.windowsPendingAppend()).isZero();
        assertThat(store.appended).extracting(WindowSummary::start).containsExactlyInAnyOrder(
                Instant.parse("2026-11-22T10:00:00Z"), Instant.parse("2026-11-22T10:01:00Z"));
        assertThat(m.snapshot("churn", MINUTE.multipliedBy(3)).arm("v2").requests())
                .isEqualTo(3);
    }

    @Test
    void storeRead_failing_makesTheSnapshotThrow_andIsCounted() {
        MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
        RecordingStore store = new RecordingStore();
        ArmMeasurements m = ArmMeasurements.builder().clock(clock).windowStore(store).build();
        m.recordCall("churn", "v2", 5_000_000L, false);
        clock.advance(MINUTE);
        store.failReads = true;

        assertThatThrownBy(() -> m.snapshot("churn", MINUTE.multipliedBy(2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("window store");
        assertThat(m.windowStoreFailures()).isEqualTo(1);
    }

    @Test
    void source_defaultsToHostAndRandomSuffix_distinctPerInstance() {
        String a = ArmMeasurements.builder().build().source();
        String b = ArmMeasurements.builder().build().source();

        assertThat(a).matches(".+-[0-9a-f]{6}");
        assertThat(a).isNotEqualTo(b);
        assertThatThrownBy(() -> ArmMeasurements.builder().source(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyThreadsRecordingAcrossWindowBoundaries_appendEveryCallExactlyOnce()
            throws Exception {
        int threads = 8;
        int calls = 20_000;
        MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
        RecordingStore store = new RecordingStore();
        ArmMeasurements m = ArmMeasurements.builder().clock(clock).window(Duration.ofMillis(10))
                .retainedWindows(100_000).windowStore(store).source("pod-a").build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < calls; i++) {
                        if (thread == 0 && i % 50 == 0) {
                            clock.advance(Duration.ofMillis(10)); // a boundary now and then
                        }
                        if (thread == 1 && i % 500 == 0) {
                            m.snapshot("churn", Duration.ofMillis(30)); // closes too
                        }
                        m.recordCall("churn", i % 2 == 0 ? "v1" : "v2", 1_000_000L, i % 7 == 0);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        clock.advance(Duration.ofMillis(10));
        m.closeElapsedWindows();

        List<WindowSummary> appended = new ArrayList<>(store.appended);
        assertThat(appended.stream().mapToLong(s -> s.count("requests")).sum())
                .isEqualTo((long) threads * calls);
        assertThat(appended.stream().mapToLong(s -> s.histograms().get("latency_ns").values()
                .stream().mapToLong(Long::longValue).sum()).sum())
                .isEqualTo((long) threads * calls);
        long expectedErrors = (long) threads * ((calls + 6) / 7);
        assertThat(appended.stream().mapToLong(s -> s.count("errors")).sum())
                .isEqualTo(expectedErrors);
        List<String> keys = new ArrayList<>(appended.stream()
                .map(s -> s.version() + "@" + s.start()).toList());
        assertThat(keys).as("one append per arm and window").doesNotHaveDuplicates();
        MeasurementSnapshot s = m.snapshot("churn", Duration.ofHours(1));
        assertThat(s.arm("v1").requests() + s.arm("v2").requests())
                .isEqualTo((long) threads * calls);
    }
}

package dev.releaserouter.rollout.measure;

import static dev.releaserouter.rollout.measure.StatsAssertions.assertSameStats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.hook.OutcomeEvent;
import dev.releaserouter.core.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * One instance with its window store judges exactly what it judged without one: closed windows
 * read back from the store's summaries give the same counts, quantiles, means and variances as
 * the local windows.
 */
class WindowStoreProperties {

    /**
     * One step: wait {@code waitMillis}, then do {@code kind} (0 call, 1 outcome, 2 label,
     * 3 snapshot on both).
     */
    record Step(long waitMillis, int kind, String version, long latencyNanos, boolean error,
            double score, String metric, double value) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(0, 150_000)),
                Arbitraries.integers().between(0, 3).edgeCases(e -> e.includeOnly(0)),
                Arbitraries.of("v1", "v2"),
                Arbitraries.longs().between(0, 3_000_000_000L),
                Arbitraries.of(true, false),
                Arbitraries.oneOf(Arbitraries.just(Double.NaN),
                        Arbitraries.doubles().between(-0.2, 1.2)),
                Arbitraries.of("converted", "revenue"),
                Arbitraries.doubles().between(-5, 5))
                .as(Step::new);
        return step.list().ofMaxSize(300);
    }

    @Property(tries = 200)
    void snapshotWithTheStore_equalsSnapshotWithout(@ForAll("steps") List<Step> steps,
            @ForAll @IntRange(min = 1, max = 12) int lookbackMinutes) {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:17Z");
        ArmMeasurements with = ArmMeasurements.builder().clock(clock)
                .window(Duration.ofMinutes(1)).retainedWindows(10).build();
        ArmMeasurements without = ArmMeasurements.builder().clock(clock)
                .window(Duration.ofMinutes(1)).retainedWindows(10).localOnly().build();
        Duration lookback = Duration.ofMinutes(lookbackMinutes);
        int i = 0;
        for (Step s : steps) {
            clock.advance(Duration.ofMillis(s.waitMillis()));
            for (ArmMeasurements m : List.of(with, without)) {
                RouteRequest request = RouteRequest.of("churn", "e" + i);
                switch (s.kind()) {
                    case 0 -> m.recordCall("churn", s.version(), s.latencyNanos(), s.error(),
                            TestOutcomes.cost(s.value() + 5, s.latencyNanos() % 100, s.score()));
                    case 1 -> m.onOutcome(OutcomeEvent.outcome(request, s.version(), s.metric(),
                            s.value()));
                    case 2 -> m.onOutcome(OutcomeEvent.label(request, s.version(), s.value(),
                            s.value() / 3));
                    default -> m.snapshot("churn", lookback);
                }
            }
            i++;
            if (s.kind() == 3) {
                assertSame(with.snapshot("churn", lookback), without.snapshot("churn", lookback));
            }
        }
        assertSame(with.snapshot("churn", lookback), without.snapshot("churn", lookback));
        clock.advance(Duration.ofMinutes(1)); // everything recorded is now in closed windows
        assertSame(with.snapshot("churn", lookback), without.snapshot("churn", lookback));
    }

    private static void assertSame(MeasurementSnapshot a, MeasurementSnapshot b) {
        assertThat(a.from()).isEqualTo(b.from());
        assertThat(a.to()).isEqualTo(b.to());
        assertThat(a.windowCount()).isEqualTo(b.windowCount());
        assertThat(a.versions()).isEqualTo(b.versions());
        for (String v : b.versions()) {
            assertSameStats(a.arm(v), b.arm(v));
            for (int w = 0; w < b.windowCount(); w++) {
                assertSameStats(a.windowStats(v).get(w), b.windowStats(v).get(w));
            }
        }
    }
}

package dev.releaserouter.rollout.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.releaserouter.api.Router;
import dev.releaserouter.core.testing.MutableClock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Merging windows over a lookback equals recording everything in one window. */
class WindowMergeProperties {

    private static final MutableClock ROUTER_CLOCK = MutableClock.at("2026-01-01T00:00:00Z");
    private static Router router;

    @BeforeContainer
    static void startRouter() {
        router = TestRouters.fiftyPercentCanary(ROUTER_CLOCK);
    }

    @AfterContainer
    static void closeRouter() {
        router.close();
    }

    /** One thing recorded: a call, an outcome or a label, in window {@code window}. */
    static final class Event {
        int window;
        int kind; // 0 call, 1 outcome, 2 label
        String version = "v1";
        long latencyNanos;
        boolean error;
        double cost;
        double tokens;
        double score;
        String entity = "e";
        String metric = "m";
        double value;

        @Override
        public String toString() {
            return "Event{w=" + window + ", kind=" + kind + ", version=" + version + ", latency="
                    + latencyNanos + ", error=" + error + ", cost=" + cost + ", tokens=" + tokens
                    + ", score=" + score + ", entity=" + entity + ", metric=" + metric
                    + ", value=" + value + "}";
        }
    }

    @Provide
    Arbitrary<List<Event>> events() {
        Arbitrary<Double> maybe = Arbitraries.oneOf(Arbitraries.just(Double.NaN),
                Arbitraries.doubles().between(0, 100).ofScale(3));
        Arbitrary<Event> event = Builders.withBuilder(Event::new)
                .use(Arbitraries.integers().between(0, 5)).in((e, v) -> {
                    e.window = v;
                    return e;
                })
                .use(Arbitraries.integers().between(0, 2)).in((e, v) -> {
                    e.kind = v;
                    return e;
                })
                .use(Arbitraries.of("v1", "v2", "v3")).in((e, v) -> {
                    e.version = v;
                    return e;
                })
                .use(Arbitraries.longs().between(0, 5_000_000_000L))
                .in((e, v) -> {
                    e.latencyNanos = v;
                    return e;
                })
                .use(Arbitraries.of(true, false)).in((e, v) -> {
                    e.error = v;
                    return e;
                })
                .use(maybe).in((e, v) -> {
                    e.cost = v;
                    return e;
                })
                .use(maybe).in((e, v) -> {
                    e.tokens = v;
                    return e;
                })
                .use(Arbitraries.oneOf(Arbitraries.just(Double.NaN),
                        Arbitraries.doubles().between(-0.5, 1.5))).in((e, v) -> {
                    e.score = v;
                    return e;
                })
                .use(Arbitraries.strings().alpha().ofLength(3)).in((e, v) -> {
                    e.entity = v;
                    return e;
                })
                .use(Arbitraries.of("converted", "revenue")).in((e, v) -> {
                    e.metric = v;
                    return e;
                })
                .use(Arbitraries.doubles().between(-10, 10)).in((e, v) -> {
                    e.value = v;
                    return e;
                })
                .build();
        return event.list().ofMaxSize(200);
    }

    private static void record(ArmMeasurements m, Event e) {
        switch (e.kind) {
            case 0:
                m.recordCall("churn", e.version, e.latencyNanos, e.error, TestOutcomes.cost(e.cost, e.tokens, e.score));
                break;
            case 1:
                TestOutcomes.outcome(router, m, "churn", e.entity, e.metric, e.value);
                break;
            default:
                TestOutcomes.label(router, m, "churn", e.entity, e.value, e.value / 2);
        }
    }

    @Property(tries = 200)
    void lookbackOverWindows_equalsOneWindow(@ForAll("events") List<Event> events) {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        ArmMeasurements windowed = ArmMeasurements.builder().clock(clock)
                .window(Duration.ofMinutes(1)).retainedWindows(10).build();
        MutableClock still = MutableClock.at("2026-01-01T00:00:00Z");
        ArmMeasurements single = ArmMeasurements.builder().clock(still)
                .window(Duration.ofHours(1)).build();

        List<Event> ordered = events.stream()
                .sorted(Comparator.comparingInt((Event e) -> e.window)).toList();
        int at = 0;
        for (Event e : ordered) {
            clock.advance(Duration.ofMinutes(e.window - at));
            at = e.window;
            record(windowed, e);
            record(single, e);
        }
        clock.advance(Duration.ofMinutes(5 - at));

        MeasurementSnapshot merged = windowed.snapshot("churn", Duration.ofMinutes(6));
        MeasurementSnapshot one = single.snapshot("churn", Duration.ofHours(1));

        assertThat(merged.versions()).isEqualTo(one.versions());
        for (String v : one.versions()) {
            ArmStats a = merged.arm(v);
            ArmStats b = one.arm(v);
            assertThat(a.requests()).isEqualTo(b.requests());
            assertThat(a.errors()).isEqualTo(b.errors());
            assertThat(a.scores()).isEqualTo(b.scores());
            assertThat(a.labels()).isEqualTo(b.labels());
            assertThat(a.scoreHistogram()).containsExactly(b.scoreHistogram());
            assertThat(a.outcomeCounts()).isEqualTo(b.outcomeCounts());
            assertThat(Double.compare(a.p50Ms(), b.p50Ms())).as("p50Ms").isZero();
            assertThat(Double.compare(a.p95Ms(), b.p95Ms())).as("p95Ms").isZero();
            assertThat(Double.compare(a.p99Ms(), b.p99Ms())).as("p99Ms").isZero();
            close(a.avgScore(), b.avgScore());
            close(a.costPer1kCalls(), b.costPer1kCalls());
            close(a.costPer1kTokens(), b.costPer1kTokens());
            close(a.mae(), b.mae());
            for (Map.Entry<String, Double> o : b.outcomeMeans().entrySet()) {
                close(a.outcomeMeans().get(o.getKey()), o.getValue());
            }
            List<ArmStats> perWindow = merged.windowStats(v);
            assertThat(perWindow).hasSize(6);
            assertThat(perWindow.stream().mapToLong(ArmStats::requests).sum())
                    .isEqualTo(b.requests());
            assertThat(perWindow.stream().mapToLong(ArmStats::errors).sum())
                    .isEqualTo(b.errors());
        }
    }

    private static void close(double actual, double expected) {
        if (Double.isNaN(expected)) {
            assertThat(actual).isNaN();
        } else {
            assertThat(actual).isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
        }
    }
}

package dev.releaserouter.rollout.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.spi.MeasurementWindowStore;
import dev.releaserouter.api.spi.WindowSummary;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.rollout.gates.Estimate;
import dev.releaserouter.stats.RatioAccumulator;
import dev.releaserouter.stats.RatioSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Entity buckets: calls with an entity key are kept per bucket of entities, so that the
 * request-level metrics get the delta method's standard error, exactly mergeable across windows
 * and instances.
 */
class EntityBucketsTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void bucketOf_isAWireContract_goldenVectors() {
        // Never change these: every instance of a fleet must put a key in the same bucket.
        // Computed independently in Python from the documented definition:
        // h = java_string_hash(key) (sign-extended to 64 bits) ^ 0x5bd1e9955bd1e995, then
        // MurmurHash3's fmix64 (h ^= h >>> 33; h *= 0xff51afd7ed558ccd; h ^= h >>> 33;
        // h *= 0xc4ceb9fe1a85ec53; h ^= h >>> 33), bucket = h & (B - 1).
        assertThat(EntityBuckets.bucketOf("customer-1", 256)).isEqualTo(191);
        assertThat(EntityBuckets.bucketOf("customer-2", 256)).isEqualTo(232);
        assertThat(EntityBuckets.bucketOf("", 256)).isEqualTo(22);
        assertThat(EntityBuckets.bucketOf("c42", 65_536)).isEqualTo(3677);
        // A smaller count is the low bits of a larger one: buckets fold exactly.
        for (int i = 0; i < 1000; i++) {
            String key = "k" + i;
            assertThat(EntityBuckets.bucketOf(key, 1024) & 255)
                    .isEqualTo(EntityBuckets.bucketOf(key, 256));
        }
    }

    /** Entity e (of 40) makes 1 + e % 7 calls per minute on v2, erring with its own rate. */
    private static void traffic(ArmMeasurements m, MutableClock clock, int minutes, int from,
            int step) {
        for (int minute = 0; minute < minutes; minute++) {
            for (int e = from; e < 40; e += step) {
                for (int c = 0; c < 1 + e % 7; c++) {
                    boolean error = (e % 5 == 0) && c % 2 == 0;
                    m.recordCall(RouteRequest.of("churn", "e" + e), "v2", 1_000_000L, error,
                            CallCost.NONE);
                }
            }
            clock.advance(MINUTE);
        }
    }

    @Test
    void keyedCalls_giveTheDeltaMethodOverEntityBuckets() {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        ArmMeasurements m = ArmMeasurements.builder().clock(clock).entityBuckets(65_536).build();
        traffic(m, clock, 3, 0, 1);

        ArmStats v2 = m.snapshot("churn", Duration.ofMinutes(4)).arm("v2");
        MetricEstimate e = v2.estimate("error_rate").orElseThrow();
        // With 65,536 buckets the 40 entities are 40 buckets: the delta method over entities,
        // their totals summed over the three windows.
        RatioAccumulator entities = new RatioAccumulator();
        for (int k = 0; k < 40; k++) {
            int calls = 1 + k % 7;
            int errors = k % 5 == 0 ? (calls + 1) / 2 : 0;
            entities.add(3 * errors, 3 * calls);
        }
        RatioSummary expected = entities.toSummary();
        assertThat(e.method()).isEqualTo(MetricEstimate.Method.DELTA_METHOD);
        assertThat(e.clusters()).isEqualTo(40);
        assertThat(e.samples()).isEqualTo(v2.requests());
        assertThat(e.value()).isEqualTo(v2.errorRate());
        assertThat(e.value()).isCloseTo(expected.ratio(), within(1e-15));
        assertThat(e.standardError()).isCloseTo(expected.standardError(), within(1e-15));
        assertThat(e.detail()).isEqualTo("delta method over 40 entity buckets (of 65536)");
        // The per-request (binomial) standard error is smaller: it ignores the correlation.
        double p = v2.errorRate();
        assertThat(e.standardError()).isGreaterThan(Math.sqrt(p * (1 - p) / v2.requests()));
        assertThat(v2.entityRatio("error_rate_5xx")).contains(v2.entityRatio("error_rate")
                .orElseThrow());
        assertThat(v2.estimate("error_rate_5xx")).contains(e);
    }

    @Test
    void gates_useTheDeltaMethodForKeyedCalls_andTheBinomialOtherwise() {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        ArmMeasurements m = ArmMeasurements.builder().clock(clock).entityBuckets(65_536).build();
        traffic(m, clock, 3, 0, 1);
        MeasurementSnapshot snapshot = m.snapshot("churn", Duration.ofMinutes(4));
        MetricEstimate delta = snapshot.arm("v2").estimate("error_rate").orElseThrow();

        Estimate gate = SnapshotGateInput.of(snapshot, "v1", "v2").estimate("candidate",
                "error_rate");

        assertThat(gate.standardError()).isEqualTo(delta.standardError());
        assertThat(gate.value()).isEqualTo(delta.value());
        assertThat(gate.kind()).isEqualTo(Estimate.Kind.PROPORTION);
        assertThat(gate.method()).isEqualTo("delta method over 40 entity buckets (of 65536)");

        ArmMeasurements unkeyed = ArmMeasurements.builder().clock(clock).build();
        unkeyed.recordCall("churn", "v2", 1, true);
        unkeyed.recordCall("churn", "v2", 1, false);
        Estimate binomial = SnapshotGateInput.of(unkeyed.snapshot("churn", MINUTE), "v1", "v2")
                .estimate("candidate", "error_rate");
        assertThat(binomial.method()).isEqualTo("binomial");
    }

    @Test
    void aCallWithoutEntityKey_fallsBackToPerRequestAndSaysWhy() {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        ArmMeasurements m = ArmMeasurements.builder().clock(clock).build();
        m.recordCall(RouteRequest.of("churn", "a"), "v2", 1, true, CallCost.NONE);
        m.recordCall(RouteRequest.of("churn", "b"), "v2", 1, false, CallCost.NONE);
        m.recordCall("churn", "v2", 1, false);
        m.recordCall("churn", "v2", 1, false);

        MetricEstimate e = m.snapshot("churn", MINUTE).arm("v2").estimate("error_rate")
                .orElseThrow();
        assertThat(e.method()).isEqualTo(MetricEstimate.Method.PER_REQUEST);
        assertThat(e.detail()).isEqualTo("per request: 2 of 4 had no entity key");
        assertThat(e.standardError()).isCloseTo(Math.sqrt(0.25 * 0.75 / 4), within(1e-15));
    }

    @Test
    void oneEntityOnly_hasNoStandardError() {
        // One entity is one unit: its correlation cannot be estimated, so nothing is known.
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        ArmMeasurements m = ArmMeasurements.builder().clock(clock).build();
        for (int i = 0; i < 50; i++) {
            m.recordCall(RouteRequest.of("churn", "same"), "v2", 1, i % 10 == 0, CallCost.NONE);
        }
        MetricEstimate e = m.snapshot("churn", MINUTE).arm("v2").estimate("error_rate")
                .orElseThrow();
        assertThat(e.method()).isEqualTo(MetricEstimate.Method.DELTA_METHOD);
        assertThat(e.defined()).isFalse();
        assertThat(e.standardError()).isNaN();
    }

    @Test
    void scoresAndCosts_perBucketToo() {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        ArmMeasurements m = ArmMeasurements.builder().clock(clock).entityBuckets(65_536).build();
        double[] scores = {0.1, 0.9, 0.4, 0.45, 0.2, 0.8};
        for (int i = 0; i < scores.length; i++) {
            // entities x (i even) and y (i odd)
            m.recordCall(RouteRequest.of("churn", i % 2 == 0 ? "x" : "y"), "v2", 1, false,
                    TestOutcomes.cost(2.0 * i, 10, scores[i]));
        }
        ArmStats v2 = m.snapshot("churn", MINUTE).arm("v2");
        RatioSummary score = RatioSummary.ofUnits(new double[] {0.1 + 0.4 + 0.2,
            0.9 + 0.45 + 0.8}, new double[] {3, 3});
        MetricEstimate s = v2.estimate("avg_score").orElseThrow();
        assertThat(s.method()).isEqualTo(MetricEstimate.Method.DELTA_METHOD);
        assertThat(s.value()).isCloseTo(score.ratio(), within(1e-15));
        assertThat(s.standardError()).isCloseTo(score.standardError(), within(1e-15));
        RatioSummary cost = RatioSummary.ofUnits(new double[] {0 + 4 + 8, 2 + 6 + 10},
                new double[] {3, 3});
        MetricEstimate c = v2.estimate("cost_per_1k_calls").orElseThrow();
        assertThat(c.value()).isCloseTo(1000 * cost.ratio(), within(1e-9));
        assertThat(c.standardError()).isCloseTo(1000 * cost.standardError(), within(1e-9));
    }

    @Test
    void route_recordsTheRequestsEntityKey() {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        ArmMeasurements arms = ArmMeasurements.builder().clock(clock).build();
        try (Router router = ReleaseRouter.builder()
                .config(Configs.of(Configs.withStage(Configs.churn(5_000), "v2",
                        Stage.APPROVED).build()))
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .clock(clock)
                .model(ModelBinding.<Double, Double>builder("churn")
                        .version("v1", x -> x).version("v2", x -> x).build())
                .hook(arms)
                .build()) {
            for (int i = 0; i < 300; i++) {
                router.route(RouteRequest.of("churn", "c" + (i % 30)), 1.0);
            }
        }
        MeasurementSnapshot s = arms.snapshot("churn", MINUTE);
        for (String v : List.of("v1", "v2")) {
            MetricEstimate e = s.arm(v).estimate("error_rate").orElseThrow();
            assertThat(e.method()).as(v).isEqualTo(MetricEstimate.Method.DELTA_METHOD);
            assertThat(e.clusters()).as(v).isBetween(5L, 30L);
            assertThat(s.arm(v).entityRatio("error_rate").orElseThrow().sumY())
                    .isEqualTo((double) s.arm(v).requests());
        }
    }

    @Test
    void fleetOfInstancesAndWindows_mergesExactlyAsOneInstance() {
        // The same entities' calls spread over two instances and three windows (so per-entity
        // squares do not add up across sources): the buckets do.
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        MeasurementWindowStore store = MeasurementWindowStore.inMemory(60);
        ArmMeasurements a = instance(clock, store, "a", 128);
        ArmMeasurements b = instance(clock, store, "b", 128);
        MutableClock oneClock = MutableClock.at("2026-01-01T00:00:00Z");
        ArmMeasurements one = instance(oneClock, MeasurementWindowStore.inMemory(60), "one", 128);
        Random random = new Random(7);
        for (int minute = 0; minute < 3; minute++) {
            for (int i = 0; i < 400; i++) {
                String key = "e" + random.nextInt(90);
                boolean error = random.nextInt(key.hashCode() % 7 + 8) == 0;
                RouteRequest r = RouteRequest.of("churn", key);
                (i % 2 == 0 ? a : b).recordCall(r, "v2", 1, error, CallCost.NONE);
                one.recordCall(r, "v2", 1, error, CallCost.NONE);
            }
            clock.advance(MINUTE);
            oneClock.advance(MINUTE);
        }
        a.closeElapsedWindows();
        b.closeElapsedWindows();
        ArmStats fleet = a.snapshot("churn", Duration.ofMinutes(4)).arm("v2");
        ArmStats alone = one.snapshot("churn", Duration.ofMinutes(4)).arm("v2");
        assertThat(fleet.requests()).isEqualTo(1200);
        assertThat(fleet.estimate("error_rate")).isEqualTo(alone.estimate("error_rate"));
        assertThat(fleet.entityRatio("error_rate")).isEqualTo(alone.entityRatio("error_rate"));
        // The store holds one summary per source and window, with the buckets in it.
        List<WindowSummary> read = store.read("churn", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:03:00Z"));
        assertThat(read).hasSize(3);
        assertThat(read.get(0).sources()).containsExactlyInAnyOrder("a", "b");
        assertThat(read.get(0).histograms()).containsKeys("entity.128.requests",
                "entity.128.errors");
    }

    @Test
    void instancesWithDifferentBucketCounts_foldIntoTheSmaller() {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        MeasurementWindowStore store = MeasurementWindowStore.inMemory(60);
        ArmMeasurements a = instance(clock, store, "a", 1024);
        ArmMeasurements b = instance(clock, store, "b", 64);
        MutableClock oneClock = MutableClock.at("2026-01-01T00:00:00Z");
        ArmMeasurements one = instance(oneClock, MeasurementWindowStore.inMemory(60), "one", 64);
        for (int i = 0; i < 600; i++) {
            RouteRequest r = RouteRequest.of("churn", "e" + (i * 7919 % 500));
            boolean error = i % 11 == 0;
            (i % 3 == 0 ? a : b).recordCall(r, "v2", 1, error, CallCost.NONE);
            one.recordCall(r, "v2", 1, error, CallCost.NONE);
        }
        clock.advance(MINUTE);
        oneClock.advance(MINUTE);
        a.closeElapsedWindows();
        b.closeElapsedWindows();
        MetricEstimate fleet = a.snapshot("churn", Duration.ofMinutes(2)).arm("v2")
                .estimate("error_rate").orElseThrow();
        MetricEstimate alone = one.snapshot("churn", Duration.ofMinutes(2)).arm("v2")
                .estimate("error_rate").orElseThrow();
        assertThat(fleet.detail()).isEqualTo("delta method over 64 entity buckets (of 64)");
        assertThat(fleet).isEqualTo(alone);
    }

    @Test
    void eachWindowKeepsItsOwnBucketCount_theTotalFoldsToTheSmallest() {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        MeasurementWindowStore store = MeasurementWindowStore.inMemory(60);
        ArmMeasurements small = instance(clock, store, "small", 64);
        ArmMeasurements large = instance(clock, store, "large", 1024);
        for (int i = 0; i < 100; i++) {
            small.recordCall(RouteRequest.of("churn", "e" + i), "v2", 1, i % 9 == 0,
                    CallCost.NONE);
        }
        clock.advance(MINUTE);
        for (int i = 0; i < 100; i++) {
            large.recordCall(RouteRequest.of("churn", "e" + i), "v2", 1, i % 9 == 0,
                    CallCost.NONE);
        }
        clock.advance(MINUTE);
        small.closeElapsedWindows();
        large.closeElapsedWindows();
        MeasurementSnapshot s = large.snapshot("churn", Duration.ofMinutes(3));
        List<ArmStats> windows = s.windowStats("v2");
        assertThat(windows.get(windows.size() - 3).estimate("error_rate").orElseThrow().detail())
                .endsWith("(of 64)");
        assertThat(windows.get(windows.size() - 2).estimate("error_rate").orElseThrow().detail())
                .endsWith("(of 1024)");
        assertThat(s.arm("v2").estimate("error_rate").orElseThrow().detail())
                .endsWith("(of 64)");
    }

    private static ArmMeasurements instance(MutableClock clock, MeasurementWindowStore store,
            String source, int buckets) {
        return ArmMeasurements.builder().clock(clock).windowStore(store).source(source)
                .entityBuckets(buckets).build();
    }

    @Test
    void entityBuckets_mustBeAPowerOfTwoInRange() {
        assertThatThrownBy(() -> ArmMeasurements.builder().entityBuckets(100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entityBuckets must be a power of two between 16 and 65536, but was"
                        + " 100");
        assertThatThrownBy(() -> ArmMeasurements.builder().entityBuckets(8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void handMadeStats_givePerRequestEstimates() {
        ArmStats s = ArmStats.builder("v2").counts(400, 8).build();
        MetricEstimate e = s.estimate("error_rate").orElseThrow();
        assertThat(e.method()).isEqualTo(MetricEstimate.Method.PER_REQUEST);
        assertThat(e.standardError()).isCloseTo(Math.sqrt(0.02 * 0.98 / 400), within(1e-15));
        assertThat(s.estimate("p95_ms")).isEmpty();
        assertThat(s.entityRatio("error_rate")).isEmpty();
        assertThatThrownBy(() -> s.estimate("nope")).isInstanceOf(IllegalArgumentException.class);
    }
}

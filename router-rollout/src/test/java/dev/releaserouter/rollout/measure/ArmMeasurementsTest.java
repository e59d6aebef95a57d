package dev.releaserouter.rollout.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.core.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ArmMeasurementsTest {

    private static final double NAN = Double.NaN;
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private final Router router = TestRouters.fiftyPercentCanary(clock);
    private final ArmMeasurements measurements = ArmMeasurements.builder()
            .clock(clock)
            .window(MINUTE)
            .retainedWindows(5)
            .build();

    @AfterEach
    void close() {
        router.close();
    }

    private void call(String version, long millis, boolean error) {
        measurements.recordCall("churn", version, TimeUnit.MILLISECONDS.toNanos(millis), error);
    }

    @Test
    void snapshot_countsRequestsAndErrorsPerVersion() {
        call("v1", 10, false);
        call("v1", 10, true);
        call("v2", 20, false);

        MeasurementSnapshot s = measurements.snapshot("churn", MINUTE);

        assertThat(s.versions()).containsExactlyInAnyOrder("v1", "v2");
        assertThat(s.arm("v1").requests()).isEqualTo(2);
        assertThat(s.arm("v1").errors()).isEqualTo(1);
        assertThat(s.arm("v1").errorRate()).isEqualTo(0.5);
        assertThat(s.arm("v2").value("error_rate")).isEqualTo(0.0);
        assertThat(s.arm("v2").windows()).isEqualTo(1);
        assertThat(s.windowMillis()).isEqualTo(60_000);
    }

    @Test
    void requestsPerSecond_isTheArmsRequestsOverThePeriodUpToNow() {
        for (int i = 0; i < 30; i++) {
            call("v2", 20, false);
        }
        clock.advance(Duration.ofSeconds(30));

        ArmStats v2 = measurements.snapshot("churn", MINUTE).arm("v2");

        assertThat(v2.value("requests_per_second")).isCloseTo(1.0, within(1e-9)); // 30 in 30 s
        assertThat(measurements.snapshot("churn", MINUTE).arm("v3")
                .value("requests_per_second")).isZero(); // no requests in a non-empty period
    }

    @Test
    void snapshot_unknownVersionOrModel_isEmptyWithNaNMetrics() {
        MeasurementSnapshot s = measurements.snapshot("nobody", MINUTE);

        assertThat(s.versions()).isEmpty();
        ArmStats v3 = s.arm("v3");
        assertThat(v3.requests()).isZero();
        assertThat(v3.errorRate()).isNaN();
        assertThat(v3.p95Ms()).isNaN();
        assertThat(v3.mae()).isNaN();
        assertThat(s.windowStats("v3")).hasSize(1);
    }

    @Test
    void windows_rollWithTheClock_andLookbackSelectsThem() {
        clock.advance(Duration.ofSeconds(30)); // windows are aligned to the minute
        call("v2", 10, false);
        clock.advance(MINUTE);
        call("v2", 10, true);
        call("v2", 10, true);

        assertThat(measurements.snapshot("churn", MINUTE).arm("v2").requests()).isEqualTo(2);
        MeasurementSnapshot two = measurements.snapshot("churn", Duration.ofMinutes(2));
        assertThat(two.arm("v2").requests()).isEqualTo(3);
        assertThat(two.arm("v2").windows()).isEqualTo(2);
        assertThat(two.from()).isEqualTo(clock.instant().minusSeconds(90));
        assertThat(two.to()).isEqualTo(clock.instant());
        // a lookback that is not a whole number of windows rounds up
        assertThat(measurements.snapshot("churn", Duration.ofSeconds(61)).arm("v2").requests())
                .isEqualTo(3);
    }

    @Test
    void windowStats_oneEntryPerWindowOldestFirst_includingEmptyOnes() {
        call("v2", 100, true);
        clock.advance(MINUTE);
        clock.advance(MINUTE); // a window with no call
        call("v2", 100, false);

        List<ArmStats> windows = measurements.snapshot("churn", Duration.ofMinutes(3))
                .windowStats("v2");

        assertThat(windows).extracting(ArmStats::requests).containsExactly(1L, 0L, 1L);
        assertThat(windows).extracting(ArmStats::errors).containsExactly(1L, 0L, 0L);
        assertThat(windows.get(1).p95Ms()).isNaN();
        assertThat(windows.get(0).from()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(windows.get(0).to()).isEqualTo("2026-01-01T00:01:00Z");
        assertThat(windows.get(2).to()).isEqualTo(clock.instant());
    }

    @Test
    void windows_olderThanRetention_areDropped() {
        call("v2", 10, false);
        clock.advance(Duration.ofMinutes(4));
        call("v2", 10, false);

        // 5 windows retained: the first is still there
        assertThat(measurements.snapshot("churn", Duration.ofHours(1)).arm("v2").requests())
                .isEqualTo(2);

        clock.advance(MINUTE);
        MeasurementSnapshot s = measurements.snapshot("churn", Duration.ofHours(1));
        assertThat(s.arm("v2").requests()).isEqualTo(1);
        assertThat(s.windowStats("v2")).hasSize(5); // the lookback is capped at the retention

        clock.advance(Duration.ofMinutes(10));
        assertThat(measurements.snapshot("churn", Duration.ofHours(1)).versions()).isEmpty();
        assertThat(measurements.snapshot("churn", java.time.temporal.ChronoUnit.FOREVER
                .getDuration()).windowCount()).isEqualTo(5);
        call("v2", 10, false); // an idle version records again
        assertThat(measurements.snapshot("churn", MINUTE).arm("v2").requests()).isEqualTo(1);
    }

    @Test
    void latencyAboveOneHour_countsAsOneHour() {
        measurements.recordCall("churn", "v2", 7_200_000_000_000L, false);
        ArmStats s = measurements.snapshot("churn", MINUTE).arm("v2");
        assertThat(s.p99Ms()).isCloseTo(3_600_000.0, within(36_000.0));
        assertThat(s.requests()).isEqualTo(1);
    }

    @Test
    void ringSlotReuse_replacesTheOldWindow() {
        call("v2", 10, false);
        clock.advance(Duration.ofMinutes(5)); // same ring slot, five windows later
        call("v2", 10, true);

        ArmStats s = measurements.snapshot("churn", Duration.ofMinutes(5)).arm("v2");
        assertThat(s.requests()).isEqualTo(1);
        assertThat(s.errors()).isEqualTo(1);
    }

    @Test
    void quantiles_matchHdrHistogramWithinItsPrecision() {
        // What ArmWindow keeps: 1 microsecond resolution, 2 significant digits, up to 1 hour.
        Histogram expected = new Histogram(1_000, 3_600_000_000_000L, 2);
        for (int i = 1; i <= 1_000; i++) {
            long nanos = i * 123_457L;
            measurements.recordCall("churn", "v2", nanos, false);
            expected.recordValue(nanos);
        }

        ArmStats s = measurements.snapshot("churn", MINUTE).arm("v2");

        assertThat(s.p50Ms()).isEqualTo(expected.getValueAtPercentile(50) / 1e6);
        assertThat(s.p95Ms()).isEqualTo(expected.getValueAtPercentile(95) / 1e6);
        assertThat(s.p99Ms()).isEqualTo(expected.getValueAtPercentile(99) / 1e6);
        // and the true quantiles within 1% (2 significant digits)
        assertThat(s.p50Ms()).isCloseTo(500 * 0.123457, within(500 * 0.123457 * 1e-2));
        assertThat(s.value("p99_ms")).isCloseTo(990 * 0.123457, within(990 * 0.123457 * 1e-2));
    }

    @Test
    void costAndScore_areAveragedOverTheCallsThatReportedThem() {
        measurements.recordCall("churn", "v2", 1, false, TestOutcomes.cost(0.002, 100, 0.30));
        measurements.recordCall("churn", "v2", 1, false, TestOutcomes.cost(0.004, NAN, 0.50));
        measurements.recordCall("churn", "v2", 1, false, TestOutcomes.cost(NAN, 50, NAN));

        ArmStats s = measurements.snapshot("churn", MINUTE).arm("v2");

        assertThat(s.costPer1kCalls()).isCloseTo(3.0, within(1e-12));
        assertThat(s.costPer1kTokens()).isCloseTo(0.02, within(1e-12)); // 0.002 / 100 tokens
        assertThat(s.avgScore()).isCloseTo(0.40, within(1e-12));
        assertThat(s.scores()).isEqualTo(2);
        assertThat(s.value("cost_per_1k_tokens")).isEqualTo(s.costPer1kTokens());
    }

    @Test
    void scoreHistogram_twentyBins_outOfRangeClampedToTheEnds() {
        for (double score : new double[] {-0.5, 0.0, 0.049, 0.05, 0.5, 0.999, 1.0, 7.0}) {
            measurements.recordCall("churn", "v1", 1, false, TestOutcomes.cost(NAN, NAN, score));
        }

        double[] h = measurements.snapshot("churn", MINUTE).arm("v1").scoreHistogram();

        assertThat(h).hasSize(20);
        assertThat(h[0]).isEqualTo(3); // -0.5, 0.0, 0.049
        assertThat(h[1]).isEqualTo(1); // 0.05
        assertThat(h[10]).isEqualTo(1); // 0.5
        assertThat(h[19]).isEqualTo(3); // 0.999, 1.0, 7.0
        assertThat(java.util.Arrays.stream(h).sum()).isEqualTo(8);
    }

    @Test
    void recordOutcome_attributesToTheArmDecideGives() {
        int[] perArm = new int[2];
        for (int i = 0; i < 400; i++) {
            String customer = "customer-" + i;
            String version = router.decide(RouteRequest.of("churn", customer)).version();
            perArm[version.equals("v1") ? 0 : 1]++;
            // v2 customers converted, v1 customers did not
            TestOutcomes.outcome(router, measurements, "churn", customer, "converted",
                    version.equals("v2") ? 1.0 : 0.0);
        }

        MeasurementSnapshot s = measurements.snapshot("churn", MINUTE);

        assertThat(perArm[0]).isBetween(120, 280); // a 50% canary
        assertThat(s.arm("v2").outcomeMeans()).containsEntry("converted", 1.0);
        assertThat(s.arm("v1").outcomeMeans()).containsEntry("converted", 0.0);
        assertThat(s.arm("v2").outcomeCounts()).containsEntry("converted", (long) perArm[1]);
        assertThat(s.arm("v1").value("outcome.converted")).isEqualTo(0.0);
        assertThat(s.arm("v2").value("outcome.never_reported")).isNaN();
        assertThat(s.arm("v2").requests()).isZero(); // outcomes are not calls
    }

    @Test
    void recordOutcome_withRequest_followsSegmentRules() {
        String customer = java.util.stream.IntStream.range(0, 1000)
                .mapToObj(i -> "c" + i)
                .filter(c -> "v2".equals(router.decide(RouteRequest.of("churn", c)).version()))
                .findFirst().orElseThrow();
        RouteRequest request = RouteRequest.builder("churn", customer).tenant("acme").build();

        TestOutcomes.outcome(router, measurements, request, "revenue", 10.0);
        TestOutcomes.outcome(router, measurements, request, "revenue", 20.0);
        TestOutcomes.outcome(router, measurements, request, "revenue", Double.NaN); // ignored

        ArmStats v2 = measurements.snapshot("churn", MINUTE).arm("v2");
        assertThat(v2.outcomeMeans()).containsEntry("revenue", 15.0);
        assertThat(v2.outcomeCounts()).containsEntry("revenue", 2L);
    }

    @Test
    void recordLabel_givesMaePerVersion() {
        for (int i = 0; i < 200; i++) {
            String customer = "customer-" + i;
            boolean v2 = "v2".equals(router.decide(RouteRequest.of("churn", customer)).version());
            TestOutcomes.label(router, measurements, "churn", customer, v2 ? 12.0 : 11.0, 10.0);
        }

        MeasurementSnapshot s = measurements.snapshot("churn", MINUTE);

        assertThat(s.arm("v1").mae()).isEqualTo(1.0);
        assertThat(s.arm("v2").value("mae")).isEqualTo(2.0);
        assertThat(s.arm("v1").labels() + s.arm("v2").labels()).isEqualTo(200);
        assertThat(s.arm("v1").value("labels")).isEqualTo(s.arm("v1").labels());
    }

    @Test
    void value_knowsTheGateNames_andRejectsOthersByName() {
        call("v2", 40, true);
        ArmStats s = measurements.snapshot("churn", MINUTE).arm("v2");

        for (String name : List.of("requests", "errors", "error_rate", "p50_ms", "p95_ms",
                "p99_ms", "avg_score", "cost_per_1k_calls", "cost_per_1k_tokens", "mae",
                "labels")) {
            s.value(name); // does not throw
        }
        assertThat(s.value("requests")).isEqualTo(1);
        assertThat(s.value("errors")).isEqualTo(1);
        assertThat(s.value("p50_ms")).isCloseTo(40.0, within(0.4)); // within 1%
        assertThatThrownBy(() -> s.value("p42_ms"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'p42_ms'");
        assertThatThrownBy(() -> s.value("outcome."))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builder_failsFastOnBadSettings() {
        ArmMeasurements.Builder b = ArmMeasurements.builder();
        assertThatThrownBy(() -> b.window(Duration.ZERO))
                .hasMessageContaining("window must be");
        assertThatThrownBy(() -> b.window(Duration.ofNanos(1_500_000)))
                .hasMessageContaining("whole milliseconds");
        assertThatThrownBy(() -> b.retainedWindows(0))
                .hasMessage("retainedWindows must be between 1 and 100000, but was 0");
        assertThatThrownBy(() -> measurements.snapshot("churn", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lookback must be positive");
        ArmMeasurements defaults = ArmMeasurements.builder().build();
        assertThat(defaults.windowMillis()).isEqualTo(60_000);
        assertThat(defaults.retainedWindows()).isEqualTo(60);
    }

    @Test
    void armStatsBuilder_makesHandMadeStatsForGateTests() {
        ArmStats s = ArmStats.builder("v2")
                .counts(1000, 3)
                .latencyMs(50, 110, 180)
                .labels(2.5, 40)
                .outcome("converted", 0.12, 500)
                .build();

        assertThat(s.value("error_rate")).isEqualTo(0.003);
        assertThat(s.value("p95_ms")).isEqualTo(110);
        assertThat(s.value("outcome.converted")).isEqualTo(0.12);
        assertThat(s.avgScore()).isNaN();
        assertThatThrownBy(() -> ArmStats.builder("v2").counts(1, 2))
                .hasMessage("errors must not exceed requests, but was 2 > 1");
    }

    @Test
    void samplesAndVariance_giveStatisticalCriteriaTheirNAndSpread() {
        measurements.recordCall("churn", "v2", 1, false, TestOutcomes.cost(1.0, 10, 0.2));
        measurements.recordCall("churn", "v2", 1, true, TestOutcomes.cost(3.0, NAN, 0.4));
        measurements.recordCall("churn", "v2", 1, false, TestOutcomes.cost(NAN, NAN, 0.6));
        String customer = java.util.stream.IntStream.range(0, 1000)
                .mapToObj(i -> "c" + i)
                .filter(c -> "v2".equals(router.decide(RouteRequest.of("churn", c)).version()))
                .findFirst().orElseThrow();
        for (double v : new double[] {2, 4, 4, 4, 5, 5, 7, 9}) {
            TestOutcomes.outcome(router, measurements, "churn", customer, "revenue", v);
        }
        TestOutcomes.label(router, measurements, "churn", customer, 3, 1);

        ArmStats s = measurements.snapshot("churn", MINUTE).arm("v2");

        assertThat(s.samples("error_rate")).isEqualTo(3);
        assertThat(s.samples("p95_ms")).isEqualTo(3);
        assertThat(s.samples("avg_score")).isEqualTo(3);
        assertThat(s.samples("cost_per_1k_calls")).isEqualTo(2);
        assertThat(s.samples("cost_per_1k_tokens")).isEqualTo(1);
        assertThat(s.samples("mae")).isEqualTo(1);
        assertThat(s.samples("outcome.revenue")).isEqualTo(8);
        assertThat(s.samples("outcome.missing")).isZero();
        assertThat(s.variance("avg_score")).isCloseTo(0.04, within(1e-12));
        assertThat(s.variance("outcome.revenue")).isCloseTo(32.0 / 7, within(1e-12));
        assertThat(s.outcomeVariances()).containsKey("revenue");
        assertThat(s.variance("mae")).isNaN(); // one label
        assertThat(s.variance("p95_ms")).isNaN();
        assertThatThrownBy(() -> s.samples("nope")).hasMessageContaining("'nope'");
        assertThatThrownBy(() -> s.variance("nope")).hasMessageContaining("'nope'");
    }
}

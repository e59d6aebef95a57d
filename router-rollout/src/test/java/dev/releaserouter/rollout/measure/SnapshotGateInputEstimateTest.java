package dev.releaserouter.rollout.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.rollout.gates.Estimate;
import dev.releaserouter.rollout.gates.GateInput;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The gates' sampling-error seam filled with the delta method when requests carry keys. */
class SnapshotGateInputEstimateTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void keyedRequests_giveTheGatesTheDeltaMethodsStandardError() {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        ArmMeasurements m = ArmMeasurements.builder().clock(clock).build();
        for (int i = 0; i < 600; i++) {
            // 30 entities of 20 requests; a third of them fail every other request
            int entity = i % 30;
            boolean error = entity % 3 == 0 && i % 2 == 0;
            m.recordCall(RouteRequest.of("churn", "e" + entity), i % 2 == 0 ? "v1" : "v2", 1,
                    error, CallCost.NONE);
        }
        MeasurementSnapshot s = m.snapshot("churn", MINUTE);
        GateInput input = SnapshotGateInput.of(s, "v1", "v2");
        Estimate e = input.estimate(GateInput.STABLE, "error_rate");
        MetricEstimate expected = s.arm("v1").estimate("error_rate").orElseThrow();
        assertThat(e.kind()).isEqualTo(Estimate.Kind.PROPORTION);
        assertThat(e.method()).startsWith("delta method over");
        assertThat(e.value()).isEqualTo(expected.value());
        assertThat(e.standardError()).isEqualTo(expected.standardError());
        // Correlated requests: wider than the binomial, so the gate's bounds widen too.
        double p = e.value();
        assertThat(e.standardError()).isGreaterThan(Math.sqrt(p * (1 - p) / e.units()));
        assertThat(e.effectiveUnits()).isLessThan(e.units());
    }

    @Test
    void requestsWithoutKeys_fallBackToTheBinomialProportion() {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        ArmMeasurements m = ArmMeasurements.builder().clock(clock).build();
        for (int i = 0; i < 400; i++) {
            m.recordCall("churn", "v2", 1, i % 50 == 0);
        }
        Estimate e = SnapshotGateInput.of(m.snapshot("churn", MINUTE), "v1", "v2")
                .estimate(GateInput.CANDIDATE, "error_rate");
        assertThat(e.method()).isEqualTo("binomial");
        assertThat(e.standardError()).isCloseTo(Math.sqrt(0.02 * 0.98 / 400), within(1e-15));
        assertThat(SnapshotGateInput.of(m.snapshot("churn", MINUTE), "v1", "v2")
                .estimate(GateInput.CANDIDATE, "p95_ms")).isNull();
    }
}

package dev.releaserouter.rollout.measure;

import static dev.releaserouter.rollout.measure.StatsAssertions.assertSameStats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.hook.OutcomeEvent;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.rollout.gates.GateDecision;
import dev.releaserouter.rollout.gates.GateVerdict;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.gates.PolicyEvaluator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Issue 14's check that fleet-wide measurements are judged as one: instances sharing a
 * {@code MeasurementWindowStore} (in memory here, Redis in router-redis) and sharing the traffic
 * must give the numbers and the gate verdict of one instance that saw all of it. Public in the
 * test-jar for the fleet stores' tests.
 */
public final class FleetTraffic {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    /**
     * Error rate, non-inferiority of conversions and a p95 SLO, over ten minutes. The error rate
     * is compared as measured ({@code confidence} 0.5): the check is that a fleet sees the same
     * numbers as one instance, at a rate 0.4 points from the threshold.
     */
    public static final String POLICY = """
            {"name": "fleet", "min_window": "PT10M", "min_samples": 500,
             "aliases": {"v1": "stable", "v2": "candidate"},
             "criteria": [
               {"name": "error_rate", "expr": "candidate.error_rate <= 0.01",
                "severity": "CRITICAL", "confidence": 0.5},
               {"name": "conversion_not_worse", "type": "non_inferiority",
                "metric": "outcome.converted", "margin": 0.05, "severity": "ALERT"},
               {"name": "p95_slo", "expr": "candidate.p95_ms <= 200", "severity": "CRITICAL"}]}
            """;

    private FleetTraffic() {}

    /**
     * Ten minutes of traffic (v2 erring {@code v2ErrorRate} of the time), request {@code i}
     * recorded by {@code instances[i % n]}: calls on both arms and a 0/1 business outcome. The
     * calls carry entity keys, 60 entities per arm, each making requests in every minute and on
     * every instance: their entity buckets must merge across windows and instances.
     *
     * @param clock the instances' clock, advanced by ten minutes
     * @param v2ErrorRate how often v2 errs
     * @param instances the instances, taking turns
     */
    public static void traffic(MutableClock clock, double v2ErrorRate,
            ArmMeasurements... instances) {
        Random random = new Random(13);
        int i = 0;
        for (int minute = 0; minute < 10; minute++) {
            for (int r = 0; r < 300; r++, i++) {
                ArmMeasurements m = instances[i % instances.length];
                String version = r % 2 == 0 ? "v1" : "v2";
                double errorRate = version.equals("v2") ? v2ErrorRate : 0.005;
                long latency = (long) ((60 + 60 * random.nextDouble()
                        + (random.nextInt(20) == 0 ? 80 : 0)) * 1_000_000L);
                m.recordCall(RouteRequest.of("churn", version + "-c" + (i / 2 % 60)), version,
                        latency, random.nextDouble() < errorRate, CallCost.NONE);
                m.onOutcome(OutcomeEvent.outcome(RouteRequest.of("churn", "c" + i), version,
                        "converted", random.nextInt(10) == 0 ? 1 : 0));
                clock.advance(Duration.ofMillis(150));
            }
            clock.advance(MINUTE.minusMillis(300 * 150));
        }
    }


    /**
     * Sends ten minutes of traffic round-robin through {@code fleet} (sharing one store, on
     * {@code clock}) and the same traffic through one instance alone, and asserts the same
     * numbers per arm and window and the same verdict (PROCEED below 1% v2 errors, ROLLBACK
     * above).
     *
     * @param clock the fleet's clock, at the start of the ten minutes
     * @param v2ErrorRate how often v2 errs
     * @param fleet the instances, sharing one window store
     */
    public static void assertFleetJudgesAsOne(MutableClock clock, double v2ErrorRate,
            ArmMeasurements... fleet) {
        MutableClock oneClock = MutableClock.at(clock.instant().toString());
        ArmMeasurements one = ArmMeasurements.builder().clock(oneClock).source("solo").build();
        traffic(clock, v2ErrorRate, fleet);
        traffic(oneClock, v2ErrorRate, one);
        for (ArmMeasurements m : fleet) {
            m.closeElapsedWindows(); // each instance's scheduler (or its next call)
        }

        MeasurementSnapshot judged = fleet[0].snapshot("churn", Duration.ofMinutes(11));
        MeasurementSnapshot all = one.snapshot("churn", Duration.ofMinutes(11));

        assertThat(judged.versions()).containsExactlyInAnyOrder("v1", "v2");
        for (String v : List.of("v1", "v2")) {
            assertThat(judged.arm(v).requests()).isEqualTo(1500);
            // Every call carried an entity key: the delta method over entity buckets.
            assertThat(judged.arm(v).estimate("error_rate").orElseThrow().method())
                    .isEqualTo(MetricEstimate.Method.DELTA_METHOD);
            assertSameStats(judged.arm(v), all.arm(v));
            for (int w = 0; w < judged.windowCount(); w++) {
                assertSameStats(judged.windowStats(v).get(w), all.windowStats(v).get(w));
            }
        }
        Policy policy = Policy.parse(POLICY.getBytes(StandardCharsets.UTF_8), "fleet.json");
        GateVerdict fleetVerdict = PolicyEvaluator.evaluate(policy,
                SnapshotGateInput.of(judged, "v1", "v2"));
        GateVerdict oneVerdict = PolicyEvaluator.evaluate(policy,
                SnapshotGateInput.of(all, "v1", "v2"));
        assertThat(fleetVerdict.decision()).as(fleetVerdict.reasons().toString())
                .isEqualTo(oneVerdict.decision())
                .isEqualTo(v2ErrorRate < 0.01 ? GateDecision.PROCEED : GateDecision.ROLLBACK);
        assertThat(fleetVerdict.criteria()).isEqualTo(oneVerdict.criteria());
    }
}

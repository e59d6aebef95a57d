package dev.releaserouter.rollout;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** A churn router (v1 stable, v2 candidate), measurements and a policy on one mutable clock. */
public final class RolloutFixture {

    public static final Duration CHECKPOINT = Duration.ofMinutes(10);

    /**
     * p95 is an ALERT (holds), the error rate is CRITICAL (rolls back at once). Values as
     * measured ({@code confidence} 0.5): tests of the controller's mechanics (here and in the
     * fleet, metrics and governance modules) record a few calls; sampling error has its own
     * tests ({@code SamplingErrorTest}, {@code RolloutStageEvidenceTest}).
     */
    public static final String POLICY = "{\"name\": \"rollout-test\","
            + " \"aliases\": {\"v1\": \"stable\", \"v2\": \"candidate\"},"
            + " \"min_samples\": 20,"
            + " \"params\": {\"slo\": {\"p95_ms\": 120, \"error_rate\": 0.05}},"
            + " \"criteria\": ["
            + "  {\"name\": \"p95\", \"expr\": \"v2.p95_ms <= slo.p95_ms\","
            + "   \"severity\": \"ALERT\"},"
            + "  {\"name\": \"error_rate\", \"fail_when\": \"v2.error_rate > slo.error_rate\","
            + "   \"severity\": \"CRITICAL\", \"confidence\": 0.5}]}";

    /** p95 above the SLO for 2 consecutive checkpoints rolls back. */
    public static final String STREAK_POLICY = "{\"name\": \"rollout-streak\","
            + " \"aliases\": {\"v1\": \"stable\", \"v2\": \"candidate\"},"
            + " \"min_samples\": 20,"
            + " \"criteria\": ["
            + "  {\"name\": \"p95\", \"fail_when\": \"v2.p95_ms > 120\","
            + "   \"severity\": \"CRITICAL\", \"consecutive_windows\": 2}]}";

    public final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    public final RecordingAuditSink audit = new RecordingAuditSink();
    public final RouterAdmin admin;
    public final Router router;
    public final ArmMeasurements measurements;

    public RolloutFixture(int v2BasisPoints) {
        measurements = ArmMeasurements.builder().clock(clock)
                .window(Duration.ofMinutes(1)).retainedWindows(120).build();
        admin = ReleaseRouter.builder()
                .config(Configs.of(Configs.churn(v2BasisPoints).build()))
                .auditSink(audit)
                .hashSecretHex(Configs.SECRET)
                .clock(clock)
                .hook(measurements)
                .buildWithAdmin();
        router = admin.router();
    }

    public RolloutFixture() {
        this(0);
    }

    public static Policy policy(String json) {
        return Policy.parse(json.getBytes(StandardCharsets.UTF_8), "test");
    }

    public RolloutPlan.Builder plan(String policyJson) {
        return RolloutPlan.builder().model("churn").stableVersion("v1").candidateVersion("v2")
                .stages(500, 2500, 5000, 10_000).checkpointDuration(CHECKPOINT).minSamples(20)
                .policy(policy(policyJson));
    }

    public RolloutController start(RolloutPlan plan, Path dir) {
        return RolloutController.start(admin, measurements, plan, new FileRolloutStateStore(dir),
                clock, "rollout-bot");
    }

    /** Records n calls per arm now: the candidate with the given latency and error share. */
    public void record(int n, long v2LatencyMs, double v2ErrorShare) {
        int errors = (int) Math.round(n * v2ErrorShare);
        for (int i = 0; i < n; i++) {
            measurements.recordCall("churn", "v1", Duration.ofMillis(50).toNanos(), false);
            measurements.recordCall("churn", "v2", Duration.ofMillis(v2LatencyMs).toNanos(),
                    i < errors);
        }
    }

    /** Half a checkpoint passes, calls are recorded, the other half passes, then one tick. */
    public RolloutStatus checkpoint(RolloutController c, int n, long v2LatencyMs,
            double v2ErrorShare) {
        clock.advance(CHECKPOINT.dividedBy(2));
        record(n, v2LatencyMs, v2ErrorShare);
        clock.advance(CHECKPOINT.dividedBy(2));
        return c.tick();
    }

    /** How many of 2000 entities the router sends to v2. */
    public int candidateShare() {
        int n = 0;
        for (int i = 0; i < 2000; i++) {
            if ("v2".equals(router.decide(RouteRequest.of("churn", "user-" + i)).version())) {
                n++;
            }
        }
        return n;
    }

    public long auditCount(String action) {
        return audit.events.stream().filter(e -> e.action().equals(action)).count();
    }
}

package dev.releaserouter.benchmarks;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.rollout.gates.GateVerdict;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.gates.PolicyEvaluator;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import dev.releaserouter.rollout.measure.CallCost;
import dev.releaserouter.rollout.measure.MeasurementSnapshot;
import dev.releaserouter.rollout.measure.SnapshotGateInput;
import dev.releaserouter.stats.AnalysisConfig;
import dev.releaserouter.stats.ArmSummary;
import dev.releaserouter.stats.Effect;
import dev.releaserouter.stats.ExperimentAnalysis;
import dev.releaserouter.stats.MetricKind;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the promotion gates cost: one gate evaluation of a rollout checkpoint, its parts, and
 * the per-request cost of recording the measurements the gates read.
 *
 * <p>The measurements hold 30 one-minute windows of a 5% canary at 20,000 requests a minute
 * (600,000 calls, each with a latency, a score, a cost and a 0/1 outcome {@code converted}),
 * which is what a 30-minute checkpoint of the seed's rollout looks at.
 *
 * <ul>
 *   <li>{@code snapshot}: merge the 30 windows of both arms into a {@link MeasurementSnapshot};
 *   <li>{@code evaluateThresholdPolicy}: the seed's promotion policy (000, section 4.1: p95,
 *       error rate, cost and score-delta thresholds) on that snapshot;
 *   <li>{@code evaluateStatisticalPolicy}: a non-inferiority z-test and an always-valid
 *       sequential test on the conversion, and the PSI of the score distributions;
 *   <li>{@code checkpoint}: snapshot plus the statistical policy, which is what
 *       {@code RolloutController.tick()} does on every tick;
 *   <li>{@code experimentAnalysis}: router-stats alone ({@link ExperimentAnalysis#of}: z-test,
 *       uplift with its interval, SRM, required sample, verdict);
 *   <li>{@code recordCall}: the serving path's cost of {@code ArmMeasurements.recordCall}
 *       (run it with {@code -t 2} too: the accumulators are shared by all threads).
 * </ul>
 *
 * <p>Run: {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package && java -jar
 * router-benchmarks/target/benchmarks.jar GateBenchmark -prof gc}. Memory per arm of the
 * windows is measured by {@link Footprint}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class GateBenchmark {

    static final String THRESHOLD_POLICY = """
            {
              "name": "serving.traffic.promotion",
              "aliases": {"v1": "stable", "v2": "candidate"},
              "min_window": "PT30M",
              "min_samples": 500,
              "params": {
                "slo": {"p95_ms": 120, "error_rate": 0.005},
                "budget": {"max_cost_per_1k": 0.40},
                "quality": {"max_score_delta": 0.02}
              },
              "criteria": [
                {"name": "p95_within_slo", "expr": "v2.p95_ms <= slo.p95_ms",
                 "severity": "ALERT"},
                {"name": "error_rate_within_slo", "expr": "v2.error_rate <= slo.error_rate",
                 "severity": "ALERT"},
                {"name": "cost_within_budget",
                 "expr": "v2.cost_per_1k_calls <= budget.max_cost_per_1k", "severity": "ALERT"},
                {"name": "score_close_to_stable",
                 "expr": "abs(v2.avg_score - v1.avg_score) <= quality.max_score_delta",
                 "severity": "ALERT"}
              ]
            }
            """;

    static final String STATISTICAL_POLICY = """
            {
              "name": "statistical-gates",
              "min_window": "PT30M",
              "min_samples": 1000,
              "criteria": [
                {"name": "conversion_not_worse", "type": "non_inferiority",
                 "metric": "outcome.converted", "margin": 0.01,
                 "direction": "higher_is_better", "alpha": 0.05, "severity": "ALERT"},
                {"name": "conversion_no_harm", "type": "sequential",
                 "metric": "outcome.converted", "direction": "higher_is_better",
                 "alpha": 0.05, "mixing_sd": 0.01, "severity": "CRITICAL"},
                {"name": "score_drift", "type": "psi", "metric": "score", "max": 0.2,
                 "severity": "ALERT"}
              ]
            }
            """;

    private static final int WINDOWS = 30;
    private static final int CALLS_PER_WINDOW = 20_000;

    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private Router router;
    private ArmMeasurements measurements;
    private Policy thresholds;
    private Policy statistical;
    private SnapshotGateInput input;
    private AnalysisConfig analysisConfig;
    private ArmSummary control;
    private ArmSummary treatment;
    private RouteRequest[] requests;
    private String[] versions;

    /** Records 30 windows of traffic and prepares the policies. */
    @Setup(Level.Trial)
    public void setUp() {
        ModelConfig churn = ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").weightBasisPoints(500).build())
                .build();
        measurements = ArmMeasurements.builder().clock(clock)
                .window(Duration.ofMinutes(1)).retainedWindows(60).build();
        router = ReleaseRouter.builder().config(RouterConfig.builder().model(churn).build())
                .hashSecretHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c")
                .auditSink(new DecideBenchmark.DiscardingSink())
                .clock(clock)
                .hook(measurements)
                .build();
        SplittableRandom random = new SplittableRandom(42);
        requests = new RouteRequest[4096];
        versions = new String[requests.length];
        for (int w = 0; w < WINDOWS; w++) {
            for (int i = 0; i < CALLS_PER_WINDOW; i++) {
                RouteRequest r = RouteRequest.of("churn", "customer-" + (w * CALLS_PER_WINDOW + i));
                RouteDecision d = router.decide(r);
                double score = random.nextDouble();
                long nanos = 20_000_000L + (long) (random.nextDouble() * 80_000_000L);
                measurements.recordCall(r, d.version(), nanos, random.nextInt(1000) == 0,
                        new CallCost(OptionalDouble.of(0.0003), OptionalDouble.of(120),
                                OptionalDouble.of(score)));
                router.recordOutcome(r, "converted", random.nextInt(10) == 0 ? 1 : 0);
                if (w == 0 && i < requests.length) {
                    requests[i] = r;
                    versions[i] = d.version();
                }
            }
            clock.advance(Duration.ofMinutes(1));
        }
        clock.advance(Duration.ofSeconds(-1)); // still inside the 30th window
        thresholds = Policy.parse(THRESHOLD_POLICY.getBytes(StandardCharsets.UTF_8), "threshold");
        statistical = Policy.parse(STATISTICAL_POLICY.getBytes(StandardCharsets.UTF_8),
                "statistical");
        input = SnapshotGateInput.of(snapshot(), "v1", "v2");
        analysisConfig = AnalysisConfig.builder(MetricKind.CONVERSION)
                .minimumDetectableEffect(Effect.relative(0.05)).baseline(0.10)
                .weights(0.95, 0.05).build();
        control = ArmSummary.ofConversions(570_000, 57_000);
        treatment = ArmSummary.ofConversions(30_000, 3_060);
        GateVerdict v = PolicyEvaluator.evaluate(statistical, input);
        if (v.criteria().size() != 3) {
            throw new IllegalStateException("the statistical policy did not run: " + v);
        }
    }

    /** Closes the router. */
    @TearDown(Level.Trial)
    public void tearDown() {
        router.close();
    }

    /**
     * Merges 30 windows of both arms.
     *
     * @return the snapshot
     */
    @Benchmark
    public MeasurementSnapshot snapshot() {
        return measurements.snapshot("churn", Duration.ofMinutes(30));
    }

    /**
     * The seed's threshold policy on a prepared snapshot.
     *
     * @return the verdict
     */
    @Benchmark
    public GateVerdict evaluateThresholdPolicy() {
        return PolicyEvaluator.evaluate(thresholds, input);
    }

    /**
     * The statistical policy on a prepared snapshot.
     *
     * @return the verdict
     */
    @Benchmark
    public GateVerdict evaluateStatisticalPolicy() {
        return PolicyEvaluator.evaluate(statistical, input);
    }

    /**
     * A full checkpoint evaluation: snapshot and statistical policy.
     *
     * @return the verdict
     */
    @Benchmark
    public GateVerdict checkpoint() {
        return PolicyEvaluator.evaluate(statistical,
                SnapshotGateInput.of(snapshot(), "v1", "v2"));
    }

    /**
     * router-stats alone: one analysis of a conversion experiment.
     *
     * @return the analysis
     */
    @Benchmark
    public ExperimentAnalysis experimentAnalysis() {
        return ExperimentAnalysis.of(analysisConfig, control, treatment);
    }

    /**
     * The serving path's cost of recording one call.
     *
     * @return the version recorded
     */
    private static final CallCost COST = new CallCost(OptionalDouble.of(0.0003),
            OptionalDouble.of(120), OptionalDouble.of(0.5));

    @Benchmark
    public String recordCall(Cursor cursor) {
        int i = cursor.next++ & (requests.length - 1);
        measurements.recordCall(requests[i], versions[i], 35_000_000L + i * 1000L, false,
                COST);
        return versions[i];
    }

    /** Each thread's position in the requests (a shared counter would be measured too). */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    /** A clock the benchmark moves by hand. */
    static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

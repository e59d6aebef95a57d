package dev.releaserouter.rollout;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.hook.OutcomeEvent;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.rollout.gates.CriterionResult;
import dev.releaserouter.rollout.gates.CriterionStatus;
import dev.releaserouter.rollout.gates.Estimate;
import dev.releaserouter.rollout.gates.GateDecision;
import dev.releaserouter.rollout.gates.GateHistory;
import dev.releaserouter.rollout.gates.GateInput;
import dev.releaserouter.rollout.gates.GateVerdict;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.gates.PolicyEvaluator;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * The quickstart's canary on seeded simulated traffic (issue 15 item 5): one instance, 1,200
 * requests a minute (one every 50 ms), v1 erring 0.2% of the time and v2 at a chosen rate,
 * one-minute measurement windows, stages 5/25/50/100%, 10-minute checkpoints judged on the last
 * 10 minutes, a tick every 30 seconds, at least 100 samples per arm, give up after 3 hours. Each
 * request goes to v2 with the stage's weight (no deny list), latencies are v1 45 ms and v2 40 ms.
 *
 * <p>Two ways to run the same traffic: {@link #withController} through a real
 * {@link RolloutController} and {@link ArmMeasurements} on a mutable clock, and
 * {@link #synthetic} through {@link PolicyEvaluator} on per-window counts, following the
 * controller's rules, about a hundred times faster (hundreds of runs in seconds).
 * {@code CanarySimulationTest} checks that they agree run by run. Not thread-safe.
 */
final class CanarySimulation {

    static final int REQUESTS_PER_TICK = 600;
    static final long REQUEST_EVERY_MS = 50;
    static final Duration TICK = Duration.ofSeconds(30);
    static final Duration CHECKPOINT = Duration.ofMinutes(10);
    static final long WINDOW_MS = 60_000;
    static final int LOOKBACK_WINDOWS = 10;
    static final Duration GIVE_UP = Duration.ofHours(3);
    static final List<Integer> STAGES = List.of(500, 2_500, 5_000, 10_000);
    static final int MIN_SAMPLES = 100;
    static final double V1_ERROR_RATE = 0.002;
    private static final int FULL = 10_000;

    /** How a run ended: status, time from the start, the stage (0-based) it ended at. */
    record Outcome(RolloutStatus status, Duration elapsed, int stageIndex) {}

    private CanarySimulation() {}

    /** The quickstart's shipped policy, found above the working directory. */
    static Policy quickstartPolicy() {
        Path p = Path.of("").toAbsolutePath();
        String file = "samples/quickstart/src/main/resources/policies/churn-canary.json";
        while (p != null && !Files.exists(p.resolve(file))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException(file + " is not above the working directory");
        }
        return Policy.load(p.resolve(file));
    }

    /** The quickstart's policy as it was before issue 15: point estimates. */
    static Policy policyBefore() {
        return Policy.fromClasspath("simulation/churn-canary-before.json",
                CanarySimulation.class.getClassLoader());
    }

    /** One tick's traffic, drawn the same way by both runners: arm and error per request. */
    private static final class Traffic {
        private final SplittableRandom random;
        private final double v2ErrorRate;

        Traffic(long seed, double v2ErrorRate) {
            this.random = new SplittableRandom(seed);
            this.v2ErrorRate = v2ErrorRate;
        }

        /** @return whether the request goes to v2, at the weight in basis points */
        boolean candidate(int basisPoints) {
            return random.nextInt(FULL) < basisPoints;
        }

        boolean error(boolean candidate) {
            return random.nextDouble() < (candidate ? v2ErrorRate : V1_ERROR_RATE);
        }
    }

    /**
     * Runs the canary through a real controller.
     *
     * @param policy the policy
     * @param v2ErrorRate v2's error rate
     * @param seed the traffic's seed
     * @param dir a directory for the rollout state
     * @return how it ended
     */
    static Outcome withController(Policy policy, double v2ErrorRate, long seed, Path dir) {
        RolloutFixture f = new RolloutFixture();
        MutableClock clock = f.clock; // at a whole minute, as the synthetic runs' time 0
        Instant start = clock.instant();
        ArmMeasurements measurements = ArmMeasurements.builder().clock(clock)
                .window(Duration.ofMillis(WINDOW_MS)).retainedWindows(240).build();
        RolloutPlan plan = RolloutPlan.builder().model("churn").stableVersion("v1")
                .candidateVersion("v2").stages(500, 2_500, 5_000, 10_000)
                .checkpointDuration(CHECKPOINT).minSamples(MIN_SAMPLES).policy(policy).build();
        RolloutController c = RolloutController.start(f.admin, measurements, plan,
                new FileRolloutStateStore(dir), clock, "simulation");
        Traffic traffic = new Traffic(seed, v2ErrorRate);
        RouteRequest request = RouteRequest.of("churn", "simulated");
        long v1Latency = Duration.ofMillis(45).toNanos();
        long v2Latency = Duration.ofMillis(40).toNanos();
        while (c.status() == RolloutStatus.RUNNING
                && Duration.between(start, clock.instant()).compareTo(GIVE_UP) < 0) {
            int bp = c.currentBasisPoints();
            for (int i = 0; i < REQUESTS_PER_TICK; i++) {
                boolean v2 = traffic.candidate(bp);
                String version = v2 ? "v2" : "v1";
                measurements.recordCall("churn", version, v2 ? v2Latency : v1Latency,
                        traffic.error(v2));
                measurements.onOutcome(OutcomeEvent.outcome(request, version,
                        ArmMeasurements.ASSIGNED, 1));
                clock.advance(Duration.ofMillis(REQUEST_EVERY_MS));
            }
            c.tick();
        }
        return new Outcome(c.status(), Duration.between(start, clock.instant()),
                c.state().stageIndex());
    }

    /**
     * Runs the canary on the evaluator directly, following {@link RolloutController}'s rules: every
     * tick evaluates the last 10 windows with the stage's windows as cumulative evidence; a
     * CRITICAL criterion acting on one window rolls back at any tick; at the end of a checkpoint
     * PROCEED (with 100 samples per arm) advances, anything else holds; at 100% the stable arm is
     * read from the last checkpoint below 100%.
     *
     * @param policy the policy
     * @param v2ErrorRate v2's error rate
     * @param seed the traffic's seed
     * @return how it ended
     */
    static Outcome synthetic(Policy policy, double v2ErrorRate, long seed) {
        Traffic traffic = new Traffic(seed, v2ErrorRate);
        int maxWindows = (int) (GIVE_UP.toMillis() / WINDOW_MS) + 2;
        // Per window: requests and errors of v1 (index 0) and v2 (index 1).
        long[][] requests = new long[2][maxWindows];
        long[][] errors = new long[2][maxWindows];
        long now = 0;
        int stage = 0;
        long checkpointStart = 0;
        long stageStart = 0;
        Counts baseline = null;
        GateHistory history = GateHistory.empty();
        while (now < GIVE_UP.toMillis()) {
            int bp = STAGES.get(stage);
            for (int i = 0; i < REQUESTS_PER_TICK; i++) {
                boolean v2 = traffic.candidate(bp);
                int arm = v2 ? 1 : 0;
                int w = (int) (now / WINDOW_MS);
                requests[arm][w]++;
                if (traffic.error(v2)) {
                    errors[arm][w]++;
                }
                now += REQUEST_EVERY_MS;
            }
            int current = (int) (now / WINDOW_MS);
            int first = Math.max(0, current - LOOKBACK_WINDOWS + 1);
            Counts window = Counts.sum(requests, errors, first, current,
                    now - (long) (current - LOOKBACK_WINDOWS + 1) * WINDOW_MS);
            // The stage's windows; while there is no whole one, the one it began in (whose
            // split is then not checked).
            int firstOfStage = (int) ((stageStart + WINDOW_MS - 1) / WINDOW_MS);
            boolean whole = firstOfStage * WINDOW_MS <= now;
            if (!whole) {
                firstOfStage--;
            }
            Counts stageCounts = Counts.sum(requests, errors, firstOfStage, current,
                    now - firstOfStage * WINDOW_MS);
            boolean allTraffic = bp >= FULL;
            GateInput in = new Input(window, allTraffic ? baseline : null,
                    new Input(stageCounts, allTraffic ? baseline : null, null, Double.NaN),
                    whole ? bp / (double) FULL : Double.NaN);
            GateVerdict verdict = PolicyEvaluator.evaluate(policy, in, history);
            boolean checkpointOver = now - checkpointStart >= CHECKPOINT.toMillis();
            boolean critical = verdict.criteria().stream()
                    .filter(r -> checkpointOver || r.consecutiveWindows() <= 1)
                    .map(CriterionResult::status).anyMatch(CriterionStatus.CRITICAL::equals)
                    || (checkpointOver && verdict.decision() == GateDecision.ROLLBACK);
            if (critical) {
                return new Outcome(RolloutStatus.ROLLED_BACK, Duration.ofMillis(now), stage);
            }
            if (!checkpointOver) {
                continue;
            }
            history = history.append(verdict);
            if (!allTraffic && window.requests[0] > 0) {
                baseline = window;
            }
            boolean enough = verdict.samples().values().stream()
                    .allMatch(n -> n >= MIN_SAMPLES);
            checkpointStart = now;
            if (verdict.decision() == GateDecision.PROCEED && enough) {
                if (stage == STAGES.size() - 1) {
                    return new Outcome(RolloutStatus.PROMOTED, Duration.ofMillis(now), stage);
                }
                stage++;
                stageStart = now;
                history = history.withoutSequentialTests();
            }
        }
        return new Outcome(RolloutStatus.RUNNING, Duration.ofMillis(now), stage);
    }

    /** Requests and errors per arm (0: v1, 1: v2) over some windows, and their span. */
    private record Counts(long[] requests, long[] errors, long spanMillis) {

        static Counts sum(long[][] requests, long[][] errors, int from, int to, long span) {
            long[] r = new long[2];
            long[] e = new long[2];
            for (int arm = 0; arm < 2; arm++) {
                for (int w = from; w <= to; w++) {
                    r[arm] += requests[arm][w];
                    e[arm] += errors[arm][w];
                }
            }
            return new Counts(r, e, span);
        }
    }

    /** What {@code SnapshotGateInput} gives for these counts (latencies are constant). */
    private static final class Input implements GateInput {
        private final Counts counts;
        private final @Nullable Counts stableBaseline;
        private final @Nullable GateInput cumulative;
        private final double share;

        Input(Counts counts, @Nullable Counts stableBaseline, @Nullable GateInput cumulative,
                double share) {
            this.counts = counts;
            this.stableBaseline = stableBaseline;
            this.cumulative = cumulative;
            this.share = share;
        }

        private int index(String arm) {
            return arm.equals(STABLE) ? 0 : 1;
        }

        private Counts of(String arm) {
            return arm.equals(STABLE) && stableBaseline != null ? stableBaseline : counts;
        }

        @Override
        public double value(String arm, String metric) {
            long n = of(arm).requests[index(arm)];
            long e = of(arm).errors[index(arm)];
            return switch (metric) {
                case "requests" -> n;
                case "errors" -> e;
                case "error_rate" -> n == 0 ? Double.NaN : (double) e / n;
                case "p95_ms" -> n == 0 ? Double.NaN : index(arm) == 0 ? 45 : 40;
                default -> throw new IllegalArgumentException(metric);
            };
        }

        @Override
        public long samples(String arm) {
            return of(arm).requests[index(arm)];
        }

        @Override
        public Duration window() {
            return Duration.ofMillis(counts.spanMillis);
        }

        @Override
        public long count(String arm, String metric) {
            return metric.equals("errors") ? of(arm).errors[index(arm)] : -1;
        }

        @Override
        public @Nullable Estimate estimate(String arm, String metric) {
            return metric.equals("error_rate")
                    ? Estimate.ofProportion(of(arm).errors[index(arm)], samples(arm)) : null;
        }

        @Override
        public @Nullable GateInput cumulative() {
            return cumulative;
        }

        @Override
        public double candidateShare() {
            return share;
        }

        @Override
        public long assigned(String arm) {
            return samples(arm);
        }
    }

    /**
     * Runs {@code runs} seeds (0 to runs - 1) of the synthetic simulation.
     *
     * @param policy the policy
     * @param v2ErrorRate v2's error rate
     * @param runs how many
     * @return the outcomes, by seed
     */
    static List<Outcome> syntheticRuns(Policy policy, double v2ErrorRate, int runs) {
        List<Outcome> out = new ArrayList<>(runs);
        for (int seed = 0; seed < runs; seed++) {
            out.add(synthetic(policy, v2ErrorRate, seed));
        }
        return out;
    }
}

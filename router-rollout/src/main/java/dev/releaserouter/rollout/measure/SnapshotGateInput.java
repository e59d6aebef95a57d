package dev.releaserouter.rollout.measure;

import dev.releaserouter.rollout.gates.Estimate;
import dev.releaserouter.rollout.gates.GateInput;
import dev.releaserouter.rollout.gates.MetricCatalog;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Presents a {@link MeasurementSnapshot} to the policy gates: the arm {@code stable} (or the
 * stable version's id, e.g. {@code v1}) and the arm {@code candidate} (or the candidate's id,
 * e.g. {@code v2}) read the matching {@link ArmStats}. Immutable and thread-safe.
 */
public final class SnapshotGateInput implements GateInput {

    /**
     * What this input provides: every {@link ArmStats#METRICS} name and {@code outcome.<name>}
     * as a value; the score histogram as {@code score} or {@code avg_score}; event counts of
     * {@code errors} and of {@code outcome.<name>} (0/1 outcomes); variances of
     * {@code avg_score}, {@code mae} and {@code outcome.<name>}. See
     * {@link dev.releaserouter.rollout.gates.Policy#requireMetrics(MetricCatalog)}.
     */
    public static final MetricCatalog METRICS = MetricCatalog.builder()
            .values(ArmStats.METRICS)
            .histograms("score", "avg_score")
            .counts("errors")
            .variances("avg_score", "mae")
            .outcomes(true)
            .build();

    private final MeasurementSnapshot snapshot;
    private final MeasurementSnapshot stableSnapshot;
    private final String stableVersion;
    private final String candidateVersion;

    private SnapshotGateInput(MeasurementSnapshot snapshot, MeasurementSnapshot stableSnapshot,
            String stableVersion, String candidateVersion) {
        this.snapshot = snapshot;
        this.stableSnapshot = stableSnapshot;
        this.stableVersion = stableVersion;
        this.candidateVersion = candidateVersion;
    }

    /**
     * @param snapshot the measurements
     * @param stableVersion the stable version's id
     * @param candidateVersion the candidate's id
     * @return the gate input
     */
    public static SnapshotGateInput of(MeasurementSnapshot snapshot, String stableVersion,
            String candidateVersion) {
        Objects.requireNonNull(snapshot, "snapshot");
        return new SnapshotGateInput(snapshot, snapshot,
                Objects.requireNonNull(stableVersion, "stableVersion"),
                Objects.requireNonNull(candidateVersion, "candidateVersion"));
    }

    /**
     * A gate input whose stable arm is read from an earlier snapshot: for a stage where the
     * candidate takes all the traffic, so the stable arm has no current data. The candidate arm
     * and the window come from {@code current}.
     *
     * @param current the measurements of the candidate, and the window
     * @param baseline the measurements of the stable arm
     * @param stableVersion the stable version's id
     * @param candidateVersion the candidate's id
     * @return the gate input
     * @throws NullPointerException if an argument is null
     */
    public static SnapshotGateInput withBaseline(MeasurementSnapshot current,
            MeasurementSnapshot baseline, String stableVersion, String candidateVersion) {
        return new SnapshotGateInput(Objects.requireNonNull(current, "current"),
                Objects.requireNonNull(baseline, "baseline"),
                Objects.requireNonNull(stableVersion, "stableVersion"),
                Objects.requireNonNull(candidateVersion, "candidateVersion"));
    }

    /**
     * @param arm {@code stable}, {@code candidate}, or a version id of the two
     * @return its stats
     * @throws IllegalArgumentException for another arm
     */
    private ArmStats arm(String arm) {
        if (arm.equals(STABLE) || arm.equals(stableVersion)) {
            return stableSnapshot.arm(stableVersion);
        }
        if (arm.equals(CANDIDATE) || arm.equals(candidateVersion)) {
            return snapshot.arm(candidateVersion);
        }
        throw new IllegalArgumentException("unknown arm '" + arm + "'; known: stable ("
                + stableVersion + "), candidate (" + candidateVersion + ")");
    }

    @Override
    public double value(String arm, String metric) {
        return arm(arm).value(metric);
    }

    @Override
    public long samples(String arm) {
        return arm(arm).requests();
    }

    @Override
    public long samples(String arm, String metric) {
        return arm(arm).samples(metric);
    }

    /** The span the snapshot covers (its windows, the current one included). */
    @Override
    public Duration window() {
        return Duration.between(snapshot.from(), snapshot.to());
    }

    /**
     * Event counts for proportion tests: {@code errors}, or the successes of a 0/1 outcome
     * ({@code outcome.<name>}: mean times count, rounded).
     */
    @Override
    public long count(String arm, String metric) {
        ArmStats s = arm(arm);
        if (metric.equals("errors")) {
            return s.errors();
        }
        if (metric.startsWith("outcome.")) {
            long n = s.samples(metric);
            double mean = s.value(metric);
            return n == 0 || Double.isNaN(mean) ? 0 : Math.round(mean * n);
        }
        return -1;
    }

    @Override
    public double variance(String arm, String metric) {
        return arm(arm).variance(metric);
    }

    /**
     * The request-level metrics ({@code error_rate}, {@code error_rate_5xx}, {@code avg_score},
     * {@code cost_per_call}, {@code cost_per_1k_calls}) with the delta method's standard error
     * over entity buckets whenever every request behind them carried an entity key (requests
     * of one entity are correlated: the per-request error understates the uncertainty; see
     * {@link ArmStats#estimate(String)}); otherwise the error rate as a binomial proportion of
     * the requests and the means with a variance ({@code avg_score}, {@code mae},
     * {@code outcome.<name>}) as normal means; nothing for the other metrics (quantiles, costs
     * without entity buckets, counts), which are compared as measured.
     */
    @Override
    public @Nullable Estimate estimate(String arm, String metric) {
        boolean rate = metric.equals("error_rate") || metric.equals("error_rate_5xx");
        if (rate || metric.equals("avg_score") || metric.equals("cost_per_call")
                || metric.equals("cost_per_1k_calls")) {
            MetricEstimate e = arm(arm).estimate(metric).orElse(null);
            if (e != null && e.method() == MetricEstimate.Method.DELTA_METHOD) {
                return Estimate.of(rate ? Estimate.Kind.PROPORTION : Estimate.Kind.MEAN,
                        e.value(), e.standardError(), e.samples(), e.detail());
            }
        }
        if (rate) {
            ArmStats s = arm(arm);
            return Estimate.ofProportion(s.errors(), s.requests());
        }
        return GateInput.super.estimate(arm, metric);
    }

    /**
     * The calls the router assigned to the arm by the weighted split: the count of the
     * {@value ArmMeasurements#ASSIGNED} outcome, which {@link ArmMeasurements} records on every
     * routed call decided by bucket; unknown (-1) when neither arm has it (calls recorded by
     * hand, not routed).
     */
    @Override
    public long assigned(String arm) {
        Long n = arm(arm).outcomeCounts().get(ArmMeasurements.ASSIGNED);
        if (n != null) {
            return n;
        }
        boolean known = arm(STABLE).outcomeCounts().containsKey(ArmMeasurements.ASSIGNED)
                || arm(CANDIDATE).outcomeCounts().containsKey(ArmMeasurements.ASSIGNED);
        return known ? 0 : -1;
    }

    /** The score histogram (20 bins over [0, 1]) for {@code avg_score} or {@code score}. */
    @Override
    public long @Nullable [] histogram(String arm, String metric) {
        if (!metric.equals("avg_score") && !metric.equals("score")) {
            return null;
        }
        double[] h = arm(arm).scoreHistogram();
        long[] counts = new long[h.length];
        for (int i = 0; i < h.length; i++) {
            counts[i] = Math.round(h[i]);
        }
        return counts;
    }
}

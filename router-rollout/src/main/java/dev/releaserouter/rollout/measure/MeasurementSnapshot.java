package dev.releaserouter.rollout.measure;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Per-version measurements of one model over a lookback: totals over the period and the same
 * statistics window by window.
 *
 * <p>Immutable and thread-safe. The period is made of whole tumbling windows: the current
 * (still open) window and the ones before it, so {@link #from()} is the start of the oldest
 * window and {@link #to()} the instant the snapshot was taken.
 */
public final class MeasurementSnapshot {

    private final String model;
    private final Instant from;
    private final Instant to;
    private final long windowMillis;
    private final int windowCount;
    private final Map<String, ArmStats> arms;
    private final Map<String, List<ArmStats>> windows;

    MeasurementSnapshot(String model, Instant from, Instant to, long windowMillis,
            int windowCount, Map<String, ArmStats> arms, Map<String, List<ArmStats>> windows) {
        this.windowCount = windowCount;
        this.model = model;
        this.from = from;
        this.to = to;
        this.windowMillis = windowMillis;
        this.arms = Map.copyOf(arms);
        this.windows = Map.copyOf(windows);
    }

    /** @return the model */
    public String model() {
        return model;
    }

    /** @return start of the oldest window of the lookback, inclusive */
    public Instant from() {
        return from;
    }

    /** @return when the snapshot was taken (inside the current window) */
    public Instant to() {
        return to;
    }

    /** @return the length of one window in milliseconds */
    public long windowMillis() {
        return windowMillis;
    }

    /** @return how many windows the lookback covers (with or without data) */
    public int windowCount() {
        return windowCount;
    }

    /** @return the versions that recorded anything in the lookback; immutable */
    public Set<String> versions() {
        return arms.keySet();
    }

    /** @return totals per version over the lookback; immutable */
    public Map<String, ArmStats> arms() {
        return arms;
    }

    /**
     * Totals of one version over the lookback.
     *
     * @param version the version
     * @return its statistics; for a version with no data, statistics with 0 requests and NaN
     *     metrics (never null)
     * @throws NullPointerException if version is null
     */
    public ArmStats arm(String version) {
        ArmStats s = arms.get(Objects.requireNonNull(version, "version"));
        return s != null ? s : ArmStats.builder(version).period(from, to).build();
    }

    /**
     * One version's statistics window by window, oldest first, one entry per window of the
     * lookback including windows without data (0 requests, NaN metrics) so that "N consecutive
     * bad windows" counts real consecutive windows. The last entry is the current, still open,
     * window.
     *
     * @param version the version
     * @return immutable list of {@link #windowCount()} entries
     * @throws NullPointerException if version is null
     */
    public List<ArmStats> windowStats(String version) {
        List<ArmStats> list = windows.get(Objects.requireNonNull(version, "version"));
        if (list != null) {
            return list;
        }
        int n = windowCount();
        ArmStats[] empty = new ArmStats[n];
        for (int i = 0; i < n; i++) {
            Instant start = from.plusMillis(i * windowMillis);
            Instant end = i == n - 1 ? to : start.plusMillis(windowMillis);
            empty[i] = ArmStats.builder(version).period(start, end).build();
        }
        return List.of(empty);
    }

    @Override
    public String toString() {
        return "MeasurementSnapshot{model=" + model + ", from=" + from + ", to=" + to
                + ", windowMillis=" + windowMillis + ", arms=" + arms.values() + "}";
    }
}

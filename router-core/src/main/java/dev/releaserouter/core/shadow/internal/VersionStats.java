package dev.releaserouter.core.shadow.internal;

import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ScoreDeltas;
import dev.releaserouter.api.shadow.ShadowStatistics;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Counters of one (model, version): shadow outcomes, dispositions, fallbacks, comparisons,
 * latencies and deltas.
 *
 * <p>Design: every field is a lock-free accumulator (LongAdder, DoubleAdder, a
 * LatencyHistogram of atomic counts, CAS loops for min/max), written by request and worker
 * threads and read by {@link #snapshot} without stopping them; a snapshot is consistent per
 * counter, not across counters.
 */
final class VersionStats {

    private static final long MAX_TRACKED_NANOS = 3_600_000_000_000L; // one hour
    static final int RESERVOIR = 4096;

    final String model;
    final String version;
    private final EnumMap<ShadowOutcome, LongAdder> outcomes = adders(ShadowOutcome.class);
    private final EnumMap<ShadowDisposition, LongAdder> dispositions =
            adders(ShadowDisposition.class);
    private final EnumMap<FallbackCause, LongAdder> fallbacks = adders(FallbackCause.class);
    private final LongAdder comparisons = new LongAdder();
    private final LongAdder matches = new LongAdder();
    private final LongAdder primaryInvalid = new LongAdder();
    private final LatencyHistogram stableLatency = new LatencyHistogram(MAX_TRACKED_NANOS);
    private final LatencyHistogram candidateLatency = new LatencyHistogram(MAX_TRACKED_NANOS);
    private final LongAdder deltaCount = new LongAdder();
    private final DoubleAdder deltaSum = new DoubleAdder();
    private final AtomicLong deltaMin = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong deltaMax = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    /** The last {@value #RESERVOIR} deltas, for quantiles; slots are claimed by a counter. */
    private final AtomicLongArray recentDeltas = new AtomicLongArray(RESERVOIR);
    private final AtomicLong deltaSlots = new AtomicLong();

    VersionStats(String model, String version) {
        this.model = model;
        this.version = version;
    }

    private static <E extends Enum<E>> EnumMap<E, LongAdder> adders(Class<E> type) {
        EnumMap<E, LongAdder> m = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            m.put(e, new LongAdder());
        }
        return m;
    }

    void disposition(ShadowDisposition d) {
        dispositions.get(d).increment();
    }

    void fallback(FallbackCause cause) {
        fallbacks.get(cause).increment();
    }

    void primaryInvalid() {
        primaryInvalid.increment();
    }

    void outcome(ShadowOutcome o, long stableNanos, long candidateNanos) {
        // Latencies first, the count last: a reader that sees the outcome counted also sees its
        // latencies (found by a loaded test run that read a zero latency after the outcome).
        stableLatency.record(clamp(stableNanos));
        if (candidateNanos >= 0) {
            candidateLatency.record(clamp(candidateNanos));
        }
        outcomes.get(o).increment();
    }

    void comparison(boolean match, double delta) {
        comparisons.increment();
        if (match) {
            matches.increment();
        }
        if (!Double.isNaN(delta) && !Double.isInfinite(delta)) {
            deltaCount.increment();
            deltaSum.add(delta);
            extreme(deltaMin, delta, true);
            extreme(deltaMax, delta, false);
            int slot = (int) (deltaSlots.getAndIncrement() % RESERVOIR);
            recentDeltas.set(slot, Double.doubleToLongBits(delta));
        }
    }

    private static void extreme(AtomicLong cell, double v, boolean min) {
        while (true) {
            long bits = cell.get();
            double cur = Double.longBitsToDouble(bits);
            if (!Double.isNaN(cur) && (min ? cur <= v : cur >= v)) {
                return;
            }
            if (cell.compareAndSet(bits, Double.doubleToLongBits(v))) {
                return;
            }
        }
    }

    private static long clamp(long nanos) {
        return Math.max(0, Math.min(nanos, MAX_TRACKED_NANOS));
    }

    /** @return the count of one outcome (for tests and metrics) */
    long count(ShadowOutcome o) {
        return outcomes.get(o).sum();
    }

    long count(ShadowDisposition d) {
        return dispositions.get(d).sum();
    }

    long count(FallbackCause c) {
        return fallbacks.get(c).sum();
    }

    ShadowStatistics snapshot() {
        return ShadowStatistics.builder(model, version)
                .outcomes(sums(outcomes))
                .dispositions(sums(dispositions))
                .fallbacks(sums(fallbacks))
                .comparisons(comparisons.sum(), matches.sum())
                .primaryInvalidOutputs(primaryInvalid.sum())
                .stableLatency(stableLatency.latencyPercentiles())
                .candidateLatency(candidateLatency.latencyPercentiles())
                .scoreDeltas(scoreDeltas())
                .build();
    }

    private static <E extends Enum<E>> Map<E, Long> sums(EnumMap<E, LongAdder> m) {
        Map<E, Long> r = new EnumMap<>(m.keySet().iterator().next().getDeclaringClass());
        m.forEach((k, v) -> r.put(k, v.sum()));
        return r;
    }

    /** Count, mean, extremes and p05, p50, p95 (R type 7) of the recent deltas; null if none. */
    private @Nullable ScoreDeltas scoreDeltas() {
        long n = deltaCount.sum();
        int filled = (int) Math.min(deltaSlots.get(), RESERVOIR);
        double min = Double.longBitsToDouble(deltaMin.get());
        double max = Double.longBitsToDouble(deltaMax.get());
        // Counters are read one by one while writers run: a delta counted but not yet in the
        // reservoir or extremes is reported with the next snapshot.
        if (n == 0 || filled == 0 || Double.isNaN(min) || Double.isNaN(max)) {
            return null;
        }
        double[] v = new double[filled];
        for (int i = 0; i < filled; i++) {
            v[i] = Double.longBitsToDouble(recentDeltas.get(i));
        }
        java.util.Arrays.sort(v);
        return new ScoreDeltas(n, deltaSum.sum() / n, min, max,
                type7(v, 0.05), type7(v, 0.5), type7(v, 0.95));
    }

    private static double type7(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}

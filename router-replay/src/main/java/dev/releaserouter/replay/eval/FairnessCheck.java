package dev.releaserouter.replay.eval;

import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A fairness spot-check of a shadow run (seed 001 §3.5 "fairness spot-check em holdout adicional
 * / tráfego replay", §6 "shadow_eval.json — divergência vs. baseline, fairness spot"): the match
 * rate, failure rate and mean score delta per segment of each dimension (tenant, region,
 * channel), the gap between the best and the worst segment of each dimension, and the largest
 * match-rate gap of all, flagged. Segments with fewer than {@link #minSegmentComparisons()}
 * comparisons are listed but left out of the gaps (too few to say anything). Immutable.
 *
 * @param minSegmentComparisons comparisons a segment needs to count in the gaps
 * @param dimensions the dimensions that had any segment, in the order tenant, region, channel
 */
public record FairnessCheck(int minSegmentComparisons, List<Dimension> dimensions) {

    /** Default of {@link #minSegmentComparisons()}: 30. */
    public static final int DEFAULT_MIN_SEGMENT_COMPARISONS = 30;

    /** No segments. */
    public static final FairnessCheck NONE =
            new FairnessCheck(DEFAULT_MIN_SEGMENT_COMPARISONS, List.of());

    /**
     * @throws IllegalArgumentException if minSegmentComparisons is below 1
     * @throws NullPointerException if dimensions is null
     */
    public FairnessCheck {
        if (minSegmentComparisons < 1) {
            throw new IllegalArgumentException("minSegmentComparisons must be >= 1, but was "
                    + minSegmentComparisons);
        }
        dimensions = List.copyOf(dimensions);
    }

    /**
     * One segment's figures.
     *
     * @param segment the segment's value (e.g. the tenant)
     * @param calls shadow calls that ran
     * @param failures calls that did not succeed (error, timeout, invalid output)
     * @param comparisons calls whose outputs were compared
     * @param matches comparisons that matched
     * @param deltaN finite score deltas
     * @param deltaMean their mean; NaN if none
     */
    public record Segment(String segment, long calls, long failures, long comparisons,
            long matches, long deltaN, double deltaMean) {

        /** @throws NullPointerException if segment is null */
        public Segment {
            Objects.requireNonNull(segment, "segment");
        }

        /** @return matches / comparisons; NaN without comparisons */
        public double matchRate() {
            return comparisons == 0 ? Double.NaN : (double) matches / comparisons;
        }

        /** @return failures / calls; NaN without calls */
        public double failureRate() {
            return calls == 0 ? Double.NaN : (double) failures / calls;
        }
    }

    /**
     * One dimension's segments and gaps.
     *
     * @param name {@code tenant}, {@code region} or {@code channel}
     * @param segments its segments, sorted by value
     * @param matchRateGap highest minus lowest match rate of the segments with enough
     *     comparisons; NaN if fewer than two have enough
     * @param deltaMeanGap highest minus lowest mean score delta of the segments with enough
     *     comparisons and deltas; NaN if fewer than two
     * @param lowest the segment with the lowest match rate among those with enough comparisons
     * @param highest the segment with the highest match rate among those
     */
    public record Dimension(String name, List<Segment> segments, double matchRateGap,
            double deltaMeanGap, @Nullable String lowest, @Nullable String highest) {

        /** @throws NullPointerException if name or segments is null */
        public Dimension {
            Objects.requireNonNull(name, "name");
            segments = List.copyOf(segments);
        }
    }

    /**
     * @return the dimension with the largest match-rate gap (the largest disparity), if any
     *     dimension has a gap
     */
    public Optional<Dimension> largestDisparity() {
        Dimension best = null;
        for (Dimension d : dimensions) {
            if (!Double.isNaN(d.matchRateGap())
                    && (best == null || d.matchRateGap() > best.matchRateGap())) {
                best = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** @return the largest match-rate gap of any dimension; NaN if none has a gap */
    public double largestMatchRateGap() {
        return largestDisparity().map(Dimension::matchRateGap).orElse(Double.NaN);
    }

    /** Accumulates pairs per segment. Not thread-safe. */
    static final class Tally {
        private static final List<String> NAMES = List.of("tenant", "region", "channel");
        private static final List<Function<ShadowPair, @Nullable String>> KEYS =
                List.of(ShadowPair::tenant, ShadowPair::region, ShadowPair::channel);

        private final int minComparisons;
        private final List<TreeMap<String, long[]>> counts = List.of(new TreeMap<>(),
                new TreeMap<>(), new TreeMap<>());
        private final List<TreeMap<String, double[]>> deltas = List.of(new TreeMap<>(),
                new TreeMap<>(), new TreeMap<>());

        Tally(int minComparisons) {
            this.minComparisons = minComparisons;
        }

        void add(ShadowPair p) {
            for (int i = 0; i < KEYS.size(); i++) {
                String segment = KEYS.get(i).apply(p);
                if (segment == null) {
                    continue;
                }
                long[] c = counts.get(i).computeIfAbsent(segment, k -> new long[4]);
                c[0]++;
                if (p.outcome() != ShadowOutcome.SUCCESS) {
                    c[1]++;
                }
                if (p.match().isPresent()) {
                    c[2]++;
                    c[3] += p.match().get() ? 1 : 0;
                }
                if (p.delta().isPresent()) {
                    double[] d = deltas.get(i).computeIfAbsent(segment, k -> new double[2]);
                    d[0]++;
                    d[1] += p.delta().getAsDouble();
                }
            }
        }

        FairnessCheck check() {
            List<Dimension> dims = new ArrayList<>();
            for (int i = 0; i < NAMES.size(); i++) {
                if (!counts.get(i).isEmpty()) {
                    dims.add(dimension(NAMES.get(i), counts.get(i), deltas.get(i)));
                }
            }
            return new FairnessCheck(minComparisons, dims);
        }

        private Dimension dimension(String name, Map<String, long[]> c,
                Map<String, double[]> d) {
            List<Segment> segments = new ArrayList<>();
            Segment low = null;
            Segment high = null;
            double minDelta = Double.NaN;
            double maxDelta = Double.NaN;
            int withDeltas = 0;
            int eligible = 0;
            for (Map.Entry<String, long[]> e : c.entrySet()) {
                long[] n = e.getValue();
                double[] delta = d.getOrDefault(e.getKey(), new double[2]);
                Segment s = new Segment(e.getKey(), n[0], n[1], n[2], n[3], (long) delta[0],
                        delta[0] == 0 ? Double.NaN : delta[1] / delta[0]);
                segments.add(s);
                if (s.comparisons() < minComparisons) {
                    continue;
                }
                eligible++;
                if (low == null || s.matchRate() < low.matchRate()) {
                    low = s;
                }
                if (high == null || s.matchRate() > high.matchRate()) {
                    high = s;
                }
                if (s.deltaN() > 0) {
                    withDeltas++;
                    minDelta = Double.isNaN(minDelta) ? s.deltaMean()
                            : Math.min(minDelta, s.deltaMean());
                    maxDelta = Double.isNaN(maxDelta) ? s.deltaMean()
                            : Math.max(maxDelta, s.deltaMean());
                }
            }
            boolean gap = eligible >= 2;
            return new Dimension(name, segments,
                    gap ? high.matchRate() - low.matchRate() : Double.NaN,
                    withDeltas >= 2 ? maxDelta - minDelta : Double.NaN,
                    gap ? low.segment() : null, gap ? high.segment() : null);
        }
    }
}

package dev.releaserouter.api.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one arm (model and version) recorded in one closed measurement window, as mergeable
 * numbers: named counts and sums (merged by adding) and named histograms (bucket to count,
 * merged by adding per bucket). Immutable.
 *
 * <p>The names and histogram buckets are the writer's (router-rollout's measurements write,
 * e.g., {@code requests}, {@code errors}, a latency histogram); a store keeps and merges them
 * without interpreting them. Two summaries of the same arm and window from different sources
 * (instances) {@link #merge} into the fleet's summary of that window.
 *
 * @param sources who recorded it: one instance id for an appended summary, several for a
 *     merged one
 * @param model the model
 * @param version the version (the arm)
 * @param start the window's start
 * @param length the window's length, positive
 * @param counts named counts, each non-negative
 * @param sums named sums
 * @param histograms named histograms: bucket key to count, each count non-negative
 */
public record WindowSummary(Set<String> sources, String model, String version, Instant start,
        Duration length, Map<String, Long> counts, Map<String, Double> sums,
        Map<String, SortedMap<Long, Long>> histograms) {

    /**
     * Copies the collections (histograms into unmodifiable sorted maps).
     *
     * @throws NullPointerException if an argument, key or value is null
     * @throws IllegalArgumentException if sources is empty, the length is not positive or a
     *     count is negative
     */
    public WindowSummary {
        sources = Set.copyOf(sources);
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(length, "length");
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("sources must name at least one source");
        }
        if (length.isZero() || length.isNegative()) {
            throw new IllegalArgumentException("length must be positive, but was " + length);
        }
        counts = Map.copyOf(counts);
        counts.forEach((k, v) -> requireCount(k, v));
        sums = Map.copyOf(sums);
        Map<String, SortedMap<Long, Long>> h = new TreeMap<>();
        histograms.forEach((name, buckets) -> {
            TreeMap<Long, Long> copy = new TreeMap<>(buckets);
            copy.forEach((b, c) -> requireCount(name + "[" + b + "]", c));
            h.put(name, java.util.Collections.unmodifiableSortedMap(copy));
        });
        histograms = Map.copyOf(h);
    }

    private static void requireCount(String name, Long value) {
        if (value < 0) {
            throw new IllegalArgumentException("count " + name + " must not be negative, but was "
                    + value);
        }
    }

    /**
     * @param name a count's name
     * @return its value, 0 if absent
     */
    public long count(String name) {
        return counts.getOrDefault(name, 0L);
    }

    /**
     * @param name a sum's name
     * @return its value, 0 if absent
     */
    public double sum(String name) {
        return sums.getOrDefault(name, 0d);
    }

    /** @return whether two summaries describe the same arm and window (and so may merge) */
    public boolean sameWindow(WindowSummary other) {
        return model.equals(other.model) && version.equals(other.version)
                && start.equals(other.start) && length.equals(other.length);
    }

    /**
     * The summary of this window's and another's recordings together: sources united, counts,
     * sums and histogram buckets added. Commutative and associative (sums up to floating-point
     * rounding).
     *
     * @param other a summary of the same arm and window
     * @return the merged summary
     * @throws IllegalArgumentException if other is of another arm or window
     */
    public WindowSummary merge(WindowSummary other) {
        if (!sameWindow(other)) {
            throw new IllegalArgumentException("cannot merge windows of different arms or times: "
                    + describe() + " and " + other.describe());
        }
        Set<String> s = new TreeSet<>(sources);
        s.addAll(other.sources);
        Map<String, Long> c = new TreeMap<>(counts);
        other.counts.forEach((k, v) -> c.merge(k, v, WindowSummary::add));
        Map<String, Double> m = new TreeMap<>(sums);
        other.sums.forEach((k, v) -> m.merge(k, v, Double::sum));
        Map<String, SortedMap<Long, Long>> h = new TreeMap<>();
        histograms.forEach((k, v) -> h.put(k, new TreeMap<>(v)));
        other.histograms.forEach((k, v) -> {
            SortedMap<Long, Long> into = h.computeIfAbsent(k, x -> new TreeMap<>());
            v.forEach((b, n) -> into.merge(b, n, WindowSummary::add));
        });
        return new WindowSummary(s, model, version, start, length, c, m, h);
    }

    /** Adds two counts, saturating (a count never wraps negative). */
    private static long add(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    /** @return the window's end (exclusive) */
    public Instant end() {
        return start.plus(length);
    }

    private String describe() {
        return model + "/" + version + "@" + start + "+" + length;
    }
}

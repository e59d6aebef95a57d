package dev.releaserouter.api.spi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link MeasurementWindowStore}: per model, window start to version to source to
 * summary.
 *
 * <p>Design: one lock per store (appends happen once per arm per window, reads once per rollout
 * tick: never on the request path, so a monitor is simpler than a lock-free structure and fast
 * enough). Oldest window starts are dropped past {@code retained} per model.
 */
final class InMemoryMeasurementWindowStore implements MeasurementWindowStore {

    private final int retained;
    private final Map<String, NavigableMap<Instant, Map<String, Map<String, WindowSummary>>>>
            models = new HashMap<>();

    InMemoryMeasurementWindowStore(int retained) {
        if (retained <= 0) {
            throw new IllegalArgumentException("retainedWindows must be positive, but was "
                    + retained);
        }
        this.retained = retained;
    }

    @Override
    public synchronized void append(WindowSummary summary) {
        Objects.requireNonNull(summary, "summary");
        if (summary.sources().size() != 1) {
            throw new IllegalArgumentException("an appended summary has exactly one source, but "
                    + "had " + summary.sources());
        }
        String source = summary.sources().iterator().next();
        NavigableMap<Instant, Map<String, Map<String, WindowSummary>>> windows =
                models.computeIfAbsent(summary.model(), m -> new TreeMap<>());
        windows.computeIfAbsent(summary.start(), s -> new TreeMap<>())
                .computeIfAbsent(summary.version(), v -> new TreeMap<>())
                .put(source, summary);
        while (windows.size() > retained) {
            windows.pollFirstEntry();
        }
    }

    @Override
    public synchronized List<WindowSummary> read(String model, Instant from, Instant to) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        NavigableMap<Instant, Map<String, Map<String, WindowSummary>>> windows =
                models.get(model);
        List<WindowSummary> out = new ArrayList<>();
        if (windows == null || !from.isBefore(to)) {
            return out;
        }
        for (Map<String, Map<String, WindowSummary>> versions
                : windows.subMap(from, true, to, false).values()) {
            for (Map<String, WindowSummary> bySource : versions.values()) {
                @Nullable WindowSummary merged = null;
                for (WindowSummary s : bySource.values()) {
                    merged = merged == null || !merged.sameWindow(s) ? pick(merged, s)
                            : merged.merge(s);
                }
                out.add(merged);
            }
        }
        out.sort(Comparator.comparing(WindowSummary::start).thenComparing(WindowSummary::version));
        return out;
    }

    /** Windows of one start but different lengths (the length changed): keep the longer. */
    private static WindowSummary pick(@Nullable WindowSummary a, WindowSummary b) {
        return a == null || b.length().compareTo(a.length()) > 0 ? b : a;
    }
}

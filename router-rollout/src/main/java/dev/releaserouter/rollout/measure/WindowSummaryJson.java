package dev.releaserouter.rollout.measure;

import dev.releaserouter.api.spi.WindowSummary;
import dev.releaserouter.core.config.JsonFields;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON form of one source's {@link WindowSummary}, shared by the window stores that keep
 * summaries as text (router-redis's, {@link JsonlMeasurementWindowStore}): one object with
 * {@code source}, {@code model}, {@code version}, {@code start} (ISO-8601 instant),
 * {@code length} (ISO-8601 duration), {@code counts}, {@code sums} and {@code histograms}
 * (name to bucket key to count). A wire contract: fields are only ever added.
 *
 * <p>Stateless and thread-safe.
 */
public final class WindowSummaryJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private WindowSummaryJson() {}

    /**
     * Encodes a summary of one source.
     *
     * @param summary the summary
     * @return one line of JSON (no line break)
     * @throws IllegalArgumentException if the summary has more than one source
     * @throws NullPointerException if summary is null
     */
    public static String encode(WindowSummary summary) {
        Objects.requireNonNull(summary, "summary");
        if (summary.sources().size() != 1) {
            throw new IllegalArgumentException("an encoded summary has exactly one source, but "
                    + "had " + summary.sources());
        }
        ObjectNode n = MAPPER.createObjectNode();
        n.put("source", summary.sources().iterator().next());
        n.put("model", summary.model());
        n.put("version", summary.version());
        n.put("start", summary.start().toString());
        n.put("length", summary.length().toString());
        ObjectNode counts = n.putObject("counts");
        summary.counts().forEach(counts::put);
        ObjectNode sums = n.putObject("sums");
        summary.sums().forEach(sums::put);
        ObjectNode hs = n.putObject("histograms");
        summary.histograms().forEach((name, buckets) -> {
            ObjectNode h = hs.putObject(name);
            buckets.forEach((b, c) -> h.put(Long.toString(b), c));
        });
        return MAPPER.writeValueAsString(n);
    }

    /**
     * Decodes what {@link #encode} wrote.
     *
     * @param json one summary as JSON
     * @return the summary
     * @throws IllegalArgumentException if the text is not such a summary (the message says
     *     which field is missing or bad)
     * @throws NullPointerException if json is null
     */
    public static WindowSummary decode(String json) {
        JsonNode n = JsonFields.parseObject(json, "a window summary");
        try {
            Map<String, Long> counts = new TreeMap<>();
            object(n, "counts").properties().forEach(e -> counts.put(e.getKey(),
                    e.getValue().longValue()));
            Map<String, Double> sums = new TreeMap<>();
            object(n, "sums").properties().forEach(e -> sums.put(e.getKey(),
                    e.getValue().doubleValue()));
            Map<String, SortedMap<Long, Long>> hs = new TreeMap<>();
            object(n, "histograms").properties().forEach(e -> {
                SortedMap<Long, Long> h = new TreeMap<>();
                e.getValue().properties().forEach(b -> h.put(Long.parseLong(b.getKey()),
                        b.getValue().longValue()));
                hs.put(e.getKey(), h);
            });
            return new WindowSummary(Set.of(text(n, "source")), text(n, "model"),
                    text(n, "version"), Instant.parse(text(n, "start")),
                    Duration.parse(text(n, "length")), counts, sums, hs);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException("not a window summary: " + e, e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isString()) {
            throw new IllegalArgumentException("/" + field + " must be a string, but was " + v);
        }
        return v.stringValue();
    }

    private static JsonNode object(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isObject()) {
            throw new IllegalArgumentException("/" + field + " must be an object, but was " + v);
        }
        return v;
    }
}

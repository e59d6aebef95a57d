package dev.releaserouter.replay.report;

import dev.releaserouter.rollout.RolloutDecision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads rollout decisions (the JSON-lines log of {@code FileRolloutStateStore}, or
 * {@link RolloutDecision}s) into {@link Checkpoint}s. Stateless and thread-safe.
 */
final class DecisionLog {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private DecisionLog() {}

    /**
     * @param file a decision log
     * @return its decisions in file order
     * @throws IllegalArgumentException naming the file, the line and what is wrong
     * @throws UncheckedIOException if the file cannot be read
     */
    static List<Checkpoint> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rollout decision log " + file, e);
        }
        List<Checkpoint> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = file + ":" + (i + 1);
            out.add(parse(tree(lines.get(i), where), where));
        }
        return out;
    }

    /**
     * @param d a decision
     * @return it as a checkpoint
     * @throws IllegalArgumentException if its verdict JSON is not a gate verdict
     */
    static Checkpoint of(RolloutDecision d) {
        String where = "decision at " + d.time();
        List<Checkpoint.Crit> criteria = List.of();
        String verdict = null;
        if (d.verdictJson() != null) {
            JsonNode v = tree(d.verdictJson(), where);
            verdict = text(v, "decision", where + " /verdict");
            criteria = criteria(v, where + " /verdict");
        }
        return new Checkpoint(d.time(), d.actor(), d.model(), d.candidate(), d.stageIndex(),
                d.stageBasisPoints(), d.action().name(), d.status().name(), d.reasons(), verdict,
                criteria, d.dryRun());
    }

    static JsonNode tree(String json, String where) {
        try {
            return MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(where + ": not well-formed JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static Checkpoint parse(JsonNode o, String where) {
        if (!o.isObject()) {
            throw new IllegalArgumentException(where + ": a rollout decision must be a JSON"
                    + " object, but was " + abbreviate(o));
        }
        Instant time;
        String t = text(o, "time", where);
        try {
            time = Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(where + ": /time must be an ISO-8601 instant,"
                    + " but was \"" + t + "\"", e);
        }
        List<String> reasons = new ArrayList<>();
        JsonNode r = o.get("reasons");
        if (r != null && r.isArray()) {
            r.forEach(n -> reasons.add(n.asString()));
        }
        JsonNode v = o.get("verdict");
        String verdict = null;
        List<Checkpoint.Crit> criteria = List.of();
        if (v != null && v.isObject()) {
            verdict = text(v, "decision", where + " /verdict");
            criteria = criteria(v, where + " /verdict");
        }
        JsonNode dry = o.get("dry_run");
        return new Checkpoint(time, optional(o, "actor"), text(o, "model", where),
                text(o, "candidate", where), whole(o, "stage_index", where),
                whole(o, "stage_bp", where), text(o, "decision", where),
                text(o, "status", where), List.copyOf(reasons), verdict, criteria,
                dry != null && dry.asBoolean());
    }

    private static List<Checkpoint.Crit> criteria(JsonNode verdict, String where) {
        List<Checkpoint.Crit> out = new ArrayList<>();
        JsonNode list = verdict.get("criteria");
        if (list == null || !list.isArray()) {
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            String at = where + "/criteria/" + i;
            out.add(new Checkpoint.Crit(text(c, "name", at), optional(c, "expression"),
                    optional(c, "severity"), optional(c, "status"), number(c.get("value")),
                    number(c.get("threshold")), optional(c, "detail")));
        }
        return List.copyOf(out);
    }

    /** A JSON number, "Infinity"/"-Infinity", or NaN for null and anything else. */
    static double number(@Nullable JsonNode n) {
        if (n == null || n.isNull()) {
            return Double.NaN;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isString()) {
            String s = n.asString();
            if (s.equals("Infinity")) {
                return Double.POSITIVE_INFINITY;
            }
            if (s.equals("-Infinity")) {
                return Double.NEGATIVE_INFINITY;
            }
        }
        return Double.NaN;
    }

    static String text(JsonNode o, String field, String where) {
        JsonNode n = o.get(field);
        if (n == null || !n.isString()) {
            throw new IllegalArgumentException(where + ": /" + field + " must be a string, but"
                    + " was " + (n == null ? "missing" : abbreviate(n)));
        }
        return n.asString();
    }

    static String optional(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? "" : n.asString();
    }

    private static int whole(JsonNode o, String field, String where) {
        JsonNode n = o.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException(where + ": /" + field + " must be a whole"
                    + " number, but was " + (n == null ? "missing" : abbreviate(n)));
        }
        return n.asInt();
    }

    static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}

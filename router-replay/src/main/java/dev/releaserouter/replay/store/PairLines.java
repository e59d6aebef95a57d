package dev.releaserouter.replay.store;

import dev.releaserouter.api.shadow.PolicyViolation;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The line format of a stored pair (a contract: see {@code docs/shadow.md}): one JSON object per
 * line, fields in a fixed order, the input and outputs embedded as JSON (re-serialized compactly)
 * rather than as strings. Stateless and thread-safe.
 */
final class PairLines {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private PairLines() {}

    /**
     * @param pair a pair
     * @return its line, ending with '\n', as UTF-8
     * @throws IllegalArgumentException if the pair's input or an output is not valid JSON (the
     *     message does not quote it)
     */
    static byte[] encode(ShadowPair pair) {
        ObjectNode line = MAPPER.createObjectNode();
        line.put("time", pair.time().toString());
        line.put("model", pair.model());
        line.put("stable_version", pair.stableVersion());
        line.put("candidate_version", pair.candidateVersion());
        line.put("entity_key_hash", pair.entityKeyHash());
        line.set("input", embed(pair.inputJson(), "input"));
        line.set("stable_output", embed(pair.stableOutputJson(), "stable output"));
        line.set("candidate_output", embed(pair.candidateOutputJson(), "candidate output"));
        line.put("outcome", pair.outcome().name());
        if (pair.match().isPresent()) {
            line.put("match", pair.match().get().booleanValue());
        } else {
            line.putNull("match");
        }
        if (pair.delta().isPresent()) {
            line.put("delta", pair.delta().getAsDouble());
        } else {
            line.putNull("delta");
        }
        line.put("stable_latency_ns", pair.stableLatencyNanos());
        // The wire format keeps -1 for "timed out" (docs/shadow.md, pairs file format).
        line.put("candidate_latency_ns", pair.candidateLatencyNanos().orElse(-1));
        line.put("error", pair.error());
        // Added fields, written only when known, so that older lines and goldens are unchanged.
        optional(line, "tenant", pair.tenant());
        optional(line, "region", pair.region());
        optional(line, "channel", pair.channel());
        if (pair.violations().isPresent()) {
            ArrayNode v = line.putArray("violations");
            for (PolicyViolation p : pair.violations().get()) {
                v.addObject().put("policy", p.policy()).put("severity", p.severity().name());
            }
        }
        byte[] json = MAPPER.writeValueAsBytes(line);
        byte[] bytes = Arrays.copyOf(json, json.length + 1);
        bytes[json.length] = '\n';
        return bytes;
    }

    private static void optional(ObjectNode line, String name, @Nullable String value) {
        if (value != null) {
            line.put(name, value);
        }
    }

    private static JsonNode embed(@Nullable String json, String what) {
        if (json == null) {
            return MAPPER.nullNode();
        }
        try {
            JsonNode tree = MAPPER.readTree(json);
            if (tree == null || tree.isMissingNode()) {
                throw new IllegalArgumentException("the pair's " + what + " is empty");
            }
            return tree;
        } catch (JacksonException e) {
            // Not chained: Jackson's message may quote the text.
            throw new IllegalArgumentException("the pair's " + what + " is not valid JSON");
        }
    }

    /**
     * @param line one line, without its '\n'
     * @return the pair
     * @throws IllegalArgumentException saying what is wrong with the line
     */
    static ShadowPair decode(String line) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        // Fields are checked in line order, so the first problem reported is the leftmost.
        String timeText = string(node, "time");
        Instant time;
        try {
            time = Instant.parse(timeText);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field 'time' is not an ISO-8601 instant");
        }
        ShadowPair.Builder pair = ShadowPair.builder()
                .time(time)
                .model(string(node, "model"))
                .stableVersion(string(node, "stable_version"))
                .candidateVersion(string(node, "candidate_version"))
                .entityKeyHash(string(node, "entity_key_hash"))
                .inputJson(MAPPER.writeValueAsString(field(node, "input")))
                .stableOutputJson(json(node, "stable_output"))
                .candidateOutputJson(json(node, "candidate_output"));
        String outcome = string(node, "outcome");
        try {
            pair.outcome(ShadowOutcome.valueOf(outcome));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field 'outcome' is not one of "
                    + Arrays.toString(ShadowOutcome.values()));
        }
        JsonNode match = field(node, "match");
        if (!match.isNull() && !match.isBoolean()) {
            throw new IllegalArgumentException("field 'match' must be true, false or null");
        }
        JsonNode delta = field(node, "delta");
        if (!delta.isNull() && !delta.isNumber()) {
            throw new IllegalArgumentException("field 'delta' must be a number or null");
        }
        return pair
                .match(match.isNull() ? null : match.booleanValue())
                .delta(delta.isNull() ? Double.NaN : delta.doubleValue())
                .stableLatencyNanos(integer(node, "stable_latency_ns"))
                .candidateLatencyNanos(integer(node, "candidate_latency_ns"))
                .error(nullableString(node, "error"))
                .tenant(optionalString(node, "tenant"))
                .region(optionalString(node, "region"))
                .channel(optionalString(node, "channel"))
                .violations(violations(node))
                .build();
    }

    private static @Nullable String optionalString(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : string(node, name);
    }

    private static @Nullable List<PolicyViolation> violations(JsonNode node) {
        JsonNode value = node.get("violations");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException("field 'violations' must be an array");
        }
        List<PolicyViolation> list = new ArrayList<>();
        for (JsonNode v : value) {
            try {
                list.add(new PolicyViolation(string(v, "policy"),
                        PolicyViolation.Severity.valueOf(string(v, "severity"))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("field 'violations' has an element that is"
                        + " not {\"policy\": <label>, \"severity\": "
                        + Arrays.toString(PolicyViolation.Severity.values()) + "}");
            }
        }
        return list;
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing field '" + name + "'");
        }
        return value;
    }

    private static String string(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isString()) {
            throw new IllegalArgumentException("field '" + name + "' must be a string");
        }
        return value.stringValue();
    }

    private static @Nullable String nullableString(JsonNode node, String name) {
        return field(node, name).isNull() ? null : string(node, name);
    }

    private static @Nullable String json(JsonNode node, String name) {
        JsonNode value = field(node, name);
        return value.isNull() ? null : MAPPER.writeValueAsString(value);
    }

    private static long integer(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("field '" + name + "' must be an integer");
        }
        return value.longValue();
    }
}

package dev.releaserouter.rollout;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.config.JsonFields;
import dev.releaserouter.rollout.gates.GateDecision;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** JSON forms of rollout state and decisions. Stateless and thread-safe. */
final class RolloutJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private RolloutJson() {}

    /**
     * @param s the state
     * @return one JSON object
     */
    public static String state(RolloutState s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("model", s.model());
        o.put("candidate", s.candidate());
        o.put("stage_index", s.stageIndex());
        o.put("checkpoint_start", s.checkpointStart().toString());
        o.put("status", s.status().name());
        o.put("policy_sha256", s.policyDigest());
        // The evidence fields are written only when set, so a state without them reads as
        // before (and older files, without them, read as a state without evidence).
        if (s.shadowVerdict() != null) {
            o.put("shadow_verdict", s.shadowVerdict().name());
        }
        if (s.canaryVerdict() != null) {
            o.put("canary_verdict", s.canaryVerdict().name());
        }
        if (s.backoutVerification() != null) {
            o.put("backout_verification", s.backoutVerification().name());
        }
        return MAPPER.writeValueAsString(o);
    }

    /**
     * @param json what {@link #state} wrote
     * @param source the file, for messages
     * @return the state
     * @throws ConfigException (an IllegalArgumentException) naming the source, the JSON pointer
     *     and the bad value if the JSON is not well-formed (nesting deeper than Jackson's limit
     *     included) or is not a state: a field missing or of the wrong type, a stage index that
     *     is not a whole number in 0..2^31-1, a time that is not ISO-8601, an unknown status
     */
    public static RolloutState parseState(String json, String source) {
        JsonNode o;
        try {
            o = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new ConfigException(source, "", null, "not well-formed JSON: "
                    + e.getOriginalMessage() + " at " + JsonFields.location(e), null);
        }
        if (o == null || !o.isObject()) {
            throw JsonFields.error(source, "", o, "a rollout state must be a JSON object");
        }
        JsonNode stage = required(o, "stage_index", source);
        if (!stage.isIntegralNumber() || !stage.canConvertToInt() || stage.asInt() < 0) {
            throw JsonFields.error(source, "/stage_index", stage,
                    "must be a whole number between 0 and " + Integer.MAX_VALUE);
        }
        String start = text(o, "checkpoint_start", source);
        Instant checkpointStart;
        try {
            checkpointStart = Instant.parse(start);
        } catch (DateTimeParseException e) {
            throw new ConfigException(source, "/checkpoint_start", start,
                    "must be an ISO-8601 instant such as 2026-01-01T00:10:00Z", null);
        }
        String status = text(o, "status", source);
        RolloutStatus st;
        try {
            st = RolloutStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, "/status", status, "must be one of "
                    + Arrays.toString(RolloutStatus.values()), null);
        }
        return new RolloutState(text(o, "model", source), text(o, "candidate", source),
                stage.asInt(), checkpointStart, st, text(o, "policy_sha256", source),
                optionalEnum(o, "shadow_verdict", source,
                        ShadowVerdict.Result.PASS, ShadowVerdict.Result.FAIL),
                optionalEnum(o, "canary_verdict", source, GateDecision.values()),
                optionalEnum(o, "backout_verification", source,
                        BackoutVerification.Result.values()));
    }

    /** An optional enum field: absent or null is null; otherwise one of {@code allowed}. */
    @SafeVarargs
    private static <E extends Enum<E>> @Nullable E optionalEnum(JsonNode o, String field,
            String source, E... allowed) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        String name = JsonFields.string(source, v, "/" + field);
        for (E e : allowed) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new ConfigException(source, "/" + field, name, "must be one of "
                + Arrays.toString(allowed), null);
    }

    private static JsonNode required(JsonNode o, String field, String source) {
        JsonNode v = o.get(field);
        if (v == null) {
            throw new ConfigException(source, "/" + field, null, field + " is required", null);
        }
        return v;
    }

    private static String text(JsonNode o, String field, String source) {
        return JsonFields.string(source, required(o, field, source), "/" + field);
    }

    /**
     * @param d the decision
     * @return one JSON object on one line, {@code "type": "rollout_decision"}
     */
    public static String decision(RolloutDecision d) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", "rollout_decision");
        o.put("time", d.time().toString());
        o.put("actor", d.actor());
        o.put("model", d.model());
        o.put("candidate", d.candidate());
        o.put("stage_index", d.stageIndex());
        o.put("stage_bp", d.stageBasisPoints());
        o.put("decision", d.action().name());
        o.put("status", d.status().name());
        ArrayNode reasons = o.putArray("reasons");
        d.reasons().forEach(reasons::add);
        o.put("policy_sha256", d.policyDigest());
        o.put("dry_run", d.dryRun());
        String v = d.verdictJson();
        if (v == null) {
            o.putNull("verdict");
        } else {
            o.set("verdict", MAPPER.readTree(v));
        }
        return MAPPER.writeValueAsString(o);
    }
}

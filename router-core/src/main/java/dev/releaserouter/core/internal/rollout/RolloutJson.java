package dev.releaserouter.core.internal.rollout;

import dev.releaserouter.core.rollout.RolloutDecision;
import dev.releaserouter.core.rollout.RolloutState;
import dev.releaserouter.core.rollout.RolloutStatus;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** JSON forms of rollout state and decisions. Stateless and thread-safe. */
public final class RolloutJson {

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
        return MAPPER.writeValueAsString(o);
    }

    /**
     * @param json what {@link #state} wrote
     * @param source the file, for messages
     * @return the state
     * @throws IllegalArgumentException if the JSON is not a state
     */
    public static RolloutState parseState(String json, String source) {
        try {
            JsonNode o = MAPPER.readTree(json);
            return new RolloutState(text(o, "model"), text(o, "candidate"),
                    o.required("stage_index").asInt(),
                    Instant.parse(text(o, "checkpoint_start")),
                    RolloutStatus.valueOf(text(o, "status")), text(o, "policy_sha256"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("rollout state " + source + " is not valid: "
                    + e.getMessage(), e);
        }
    }

    private static String text(JsonNode o, String field) {
        return o.required(field).asString();
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

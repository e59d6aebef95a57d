package dev.releaserouter.core.shadow;

import dev.releaserouter.api.shadow.PolicyViolation;
import dev.releaserouter.api.shadow.ShadowExecution;
import java.util.Locale;
import java.util.Objects;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a {@link ShadowExecution} as seed 002's structured shadow log line (one JSON object, one
 * line, no line break):
 *
 * <pre>{@code
 * {"event_type":"shadow_v2_execution","session_id":"...","user_message_hash":"a1b2c3d4e5f6a7b8",
 *  "model":"router","original_stage":"v1","shadow_stage":"v2","shadow_status":"success",
 *  "shadow_latency_ms":45.2,"decision_comparison":{"original_target":"\"qualification\"",
 *  "shadow_target":"\"qualification\"","decisions_match":true},"policy_violations":[],
 *  "timestamp":"2025-01-09T10:30:45.123Z"}
 * }</pre>
 *
 * Fields always present, in this order; {@code shadow_status} is the lowercase outcome
 * ({@code success}, {@code error}, {@code timeout}, {@code invalid_output}); absent values are
 * {@code null}. The seed's fields keep the seed's names; {@code model} and
 * {@code policy_violations} ({@code [{"policy":...,"severity":"critical"}]}) are additions.
 * Readers must ignore fields they do not know. Pinned by a golden-file test. Stateless and
 * thread-safe.
 */
public final class ShadowTelemetryJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private ShadowTelemetryJson() {}

    /**
     * @param e an execution
     * @return its JSON line, without a line break
     * @throws NullPointerException if e is null
     */
    public static String write(ShadowExecution e) {
        Objects.requireNonNull(e, "execution");
        ObjectNode n = MAPPER.createObjectNode();
        n.put("event_type", ShadowExecution.EVENT_TYPE);
        n.put("session_id", e.sessionId());
        n.put("user_message_hash", e.userMessageHash());
        n.put("model", e.model());
        n.put("original_stage", e.originalStage());
        n.put("shadow_stage", e.shadowStage());
        n.put("shadow_status", e.status().name().toLowerCase(Locale.ROOT));
        if (e.shadowLatencyMs().isPresent()) {
            n.put("shadow_latency_ms", e.shadowLatencyMs().getAsDouble());
        } else {
            n.putNull("shadow_latency_ms");
        }
        ObjectNode c = n.putObject("decision_comparison");
        c.put("original_target", e.originalTarget());
        c.put("shadow_target", e.shadowTarget());
        c.put("decisions_match", e.decisionsMatch());
        ArrayNode v = n.putArray("policy_violations");
        for (PolicyViolation p : e.violations()) {
            v.addObject().put("policy", p.policy())
                    .put("severity", p.severity().name().toLowerCase(Locale.ROOT));
        }
        n.put("timestamp", e.timestamp().toString());
        return MAPPER.writeValueAsString(n);
    }
}

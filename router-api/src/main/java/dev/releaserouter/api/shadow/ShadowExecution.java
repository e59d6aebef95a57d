package dev.releaserouter.api.shadow;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * One shadow call, as seed 002's structured telemetry line describes it
 * ({@code event_type=shadow_v2_execution}): PII-free (the session and the message are keyed
 * hashes, the targets are masked outputs), one per shadow call that ran. Delivered to a
 * {@link ShadowTelemetrySink}; written as a JSON line by
 * {@code dev.releaserouter.core.shadow.ShadowTelemetryJson}. Immutable.
 *
 * @param sessionId keyed hash of the request's {@code session_id} attribute, or of its entity
 *     key when it has none
 * @param userMessageHash keyed hash of the masked input (16 hex digits)
 * @param model the model
 * @param originalStage the version that served the request (seed: {@code original_stage})
 * @param shadowStage the shadowed version (seed: {@code shadow_stage})
 * @param status how the shadow call ended
 * @param shadowLatencyMs the shadow call's latency in milliseconds; empty if it timed out
 * @param originalTarget the served output, masked (a decision label for a classifier), at most
 *     {@value #MAX_TARGET_CHARS} characters; null if it could not be rendered
 * @param shadowTarget the shadow output, masked, at most {@value #MAX_TARGET_CHARS}
 *     characters; null if the call gave none (error, timeout)
 * @param decisionsMatch whether the comparator matched the outputs; null if not compared
 * @param violations policies the shadow output broke (immutable)
 * @param timestamp when the shadow call ended, from the router's clock
 */
public record ShadowExecution(String sessionId, String userMessageHash, String model,
        String originalStage, String shadowStage, ShadowOutcome status,
        OptionalDouble shadowLatencyMs, @Nullable String originalTarget,
        @Nullable String shadowTarget, @Nullable Boolean decisionsMatch,
        List<PolicyViolation> violations, Instant timestamp) {

    /** The seed's {@code event_type}. */
    public static final String EVENT_TYPE = "shadow_v2_execution";

    /** The longest target kept; longer masked outputs are cut and end with {@code ...}. */
    public static final int MAX_TARGET_CHARS = 256;

    /**
     * @throws NullPointerException if a non-nullable argument is null
     */
    public ShadowExecution {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(userMessageHash, "userMessageHash");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(originalStage, "originalStage");
        Objects.requireNonNull(shadowStage, "shadowStage");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(shadowLatencyMs, "shadowLatencyMs");
        violations = List.copyOf(violations);
        Objects.requireNonNull(timestamp, "timestamp");
        originalTarget = cut(originalTarget);
        shadowTarget = cut(shadowTarget);
    }

    private static @Nullable String cut(@Nullable String target) {
        return target == null || target.length() <= MAX_TARGET_CHARS ? target
                : target.substring(0, MAX_TARGET_CHARS - 3) + "...";
    }
}

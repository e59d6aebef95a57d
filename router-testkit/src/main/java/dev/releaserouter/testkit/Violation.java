package dev.releaserouter.testkit;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.shadow.ShadowDisposition;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One broken invariant: which one, the request and decision that broke it (absent for
 * {@link Invariant#SHARES_MATCH_WEIGHTS}, which is about many requests) and what was wrong.
 * Immutable.
 *
 * @param invariant the invariant
 * @param request the violating request, or null for a share check
 * @param decision the router's decision for it, or null for a share check
 * @param shadow what {@code route(...)} did with the shadow side, or null if not routed
 * @param message what was expected and what happened
 */
public record Violation(Invariant invariant, @Nullable RouteRequest request,
        @Nullable RouteDecision decision, @Nullable ShadowDisposition shadow, String message) {

    /**
     * @throws NullPointerException if {@code invariant} or {@code message} is null
     */
    public Violation {
        Objects.requireNonNull(invariant, "invariant");
        Objects.requireNonNull(message, "message");
    }

    /**
     * @return a multi-line description naming the invariant, the message, and the request (with
     *     its entity key, so the case can be replayed) and decision
     */
    public String describe() {
        StringBuilder b = new StringBuilder(invariant.name()).append(": ").append(message);
        RouteRequest r = request;
        if (r != null) {
            b.append("\n    request:  model=").append(r.model())
                    .append(", entityKey=").append(r.entityKey())
                    .append(", tenant=").append(r.tenant())
                    .append(", region=").append(r.region())
                    .append(", channel=").append(r.channel())
                    .append(", product=").append(r.product())
                    .append(", dataClasses=").append(r.dataClasses());
        }
        if (decision != null) {
            b.append("\n    decision: ").append(decision);
        }
        if (shadow != null) {
            b.append("\n    shadow:   ").append(shadow);
        }
        return b.toString();
    }
}

package dev.releaserouter.api.hook;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.shadow.PolicyViolation;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The shadow side of one routed request: either it was not shadowed (the disposition says why,
 * {@link #outcome()} is empty) or a shadow call ended (disposition
 * {@link ShadowDisposition#SCHEDULED}, with its outcome, latency and comparison). Immutable.
 *
 * @param request the routed request
 * @param stableVersion the version that served the request (its output is the reference)
 * @param shadowVersion the shadow (candidate) version
 * @param disposition scheduled, or why not
 * @param outcome how the shadow call ended; empty if it did not run
 * @param stableLatencyNanos latency of the served call of the same request, in nanoseconds
 * @param shadowLatencyNanos latency of the shadow call; empty if it did not run or timed out
 * @param match whether the outputs matched; empty if they were not compared (the call did not
 *     succeed, or the comparator failed)
 * @param delta shadow minus stable score; empty if the outputs are not scores or not compared
 * @param violations the named policies the shadow output broke, as the model's
 *     {@code OutputValidator.violations} reported them (empty if none, no validator, or no
 *     output); immutable
 */
public record ShadowEvent(RouteRequest request, String stableVersion, String shadowVersion,
        ShadowDisposition disposition, Optional<ShadowOutcome> outcome, long stableLatencyNanos,
        OptionalLong shadowLatencyNanos, Optional<Boolean> match, OptionalDouble delta,
        List<PolicyViolation> violations) {

    /** @throws NullPointerException if an argument is null */
    public ShadowEvent {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(stableVersion, "stableVersion");
        Objects.requireNonNull(shadowVersion, "shadowVersion");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(shadowLatencyNanos, "shadowLatencyNanos");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(delta, "delta");
        violations = List.copyOf(violations);
    }

    /**
     * A shadow event without policy violations (the constructor of earlier versions).
     *
     * @param request the routed request
     * @param stableVersion the version that served the request
     * @param shadowVersion the shadow (candidate) version
     * @param disposition scheduled, or why not
     * @param outcome how the shadow call ended; empty if it did not run
     * @param stableLatencyNanos latency of the served call, in nanoseconds
     * @param shadowLatencyNanos latency of the shadow call; empty if it did not run or timed out
     * @param match whether the outputs matched; empty if not compared
     * @param delta shadow minus stable score; empty if none
     * @throws NullPointerException if an argument is null
     */
    public ShadowEvent(RouteRequest request, String stableVersion, String shadowVersion,
            ShadowDisposition disposition, Optional<ShadowOutcome> outcome,
            long stableLatencyNanos, OptionalLong shadowLatencyNanos, Optional<Boolean> match,
            OptionalDouble delta) {
        this(request, stableVersion, shadowVersion, disposition, outcome, stableLatencyNanos,
                shadowLatencyNanos, match, delta, List.of());
    }

    /** @return the request's model */
    public String model() {
        return request.model();
    }
}

package dev.releaserouter.api.hook;

import dev.releaserouter.api.Role;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.api.shadow.PolicyViolation;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The model call of one {@code route(...)}: which version served, in which role, how long it
 * took (measured by the router's ticker), whether it failed and whether its output was valid.
 * After a fallback, {@link #fallback()} names the canary that failed; the served version is then
 * the stable one. Immutable.
 *
 * @param request the routed request
 * @param decision the router's decision
 * @param servedVersion the version whose answer {@code route} returns (or whose failure it
 *     rethrows)
 * @param role the served version's role: {@link Role#CANDIDATE} only if the decided canary
 *     answered itself
 * @param latencyNanos how long the served version took, in nanoseconds (not negative)
 * @param error whether the served version threw ({@code route} then rethrows it)
 * @param validity what the validator said of the served output
 * @param fallback the canary that failed and why, if the stable version answered in its stead
 * @param violations the named policies the served output broke, as the model's
 *     {@code OutputValidator.violations} reported them (empty if none, no validator, or the call
 *     failed); immutable
 */
public record CallEvent(RouteRequest request, RouteDecision decision, String servedVersion,
        Role role, long latencyNanos, boolean error, OutputValidity validity,
        Optional<Fallback> fallback, List<PolicyViolation> violations) {

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if latencyNanos is negative
     */
    public CallEvent {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(servedVersion, "servedVersion");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(validity, "validity");
        Objects.requireNonNull(fallback, "fallback");
        violations = List.copyOf(violations);
        if (latencyNanos < 0) {
            throw new IllegalArgumentException("latencyNanos must not be negative, but was "
                    + latencyNanos);
        }
    }

    /**
     * A call event without policy violations (the constructor of earlier versions).
     *
     * @param request the routed request
     * @param decision the router's decision
     * @param servedVersion the version whose answer {@code route} returns
     * @param role the served version's role
     * @param latencyNanos how long the served version took, in nanoseconds (not negative)
     * @param error whether the served version threw
     * @param validity what the validator said of the served output
     * @param fallback the canary that failed and why, if any
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if latencyNanos is negative
     */
    public CallEvent(RouteRequest request, RouteDecision decision, String servedVersion,
            Role role, long latencyNanos, boolean error, OutputValidity validity,
            Optional<Fallback> fallback) {
        this(request, decision, servedVersion, role, latencyNanos, error, validity, fallback,
                List.of());
    }

    /** @return the request's model */
    public String model() {
        return request.model();
    }

    /**
     * @return whether the call counts as failed for its version: it threw, or its output was
     *     invalid
     */
    public boolean failed() {
        return error || validity == OutputValidity.INVALID;
    }

    /**
     * A canary that failed on the primary path; the stable version answered instead.
     *
     * @param version the canary that failed
     * @param cause why it was not served
     * @param latencyNanos how long the failed attempt took, in nanoseconds (not negative)
     */
    public record Fallback(String version, FallbackCause cause, long latencyNanos) {

        /**
         * @throws NullPointerException if version or cause is null
         * @throws IllegalArgumentException if latencyNanos is negative
         */
        public Fallback {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(cause, "cause");
            if (latencyNanos < 0) {
                throw new IllegalArgumentException("latencyNanos must not be negative, but was "
                        + latencyNanos);
            }
        }
    }
}

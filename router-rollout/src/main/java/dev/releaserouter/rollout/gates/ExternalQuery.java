package dev.releaserouter.rollout.gates;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What an {@link ExternalMetricSource} reads for: the model, its two versions, the window the
 * gates judge (a rollout's checkpoint duration) and the instant of the evaluation. A source
 * templates its queries with these (router-prometheus: {@code {{model}}}, {@code {{version}}}
 * of each arm, {@code {{stable}}}, {@code {{candidate}}}, {@code {{window}}}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param model the model
 * @param stableVersion the version in production (the arm {@value GateInput#STABLE})
 * @param candidateVersion the version being rolled out (the arm {@value GateInput#CANDIDATE})
 * @param window the span the gates judge; positive
 * @param at when the evaluation happens (the rollout controller's clock)
 */
public record ExternalQuery(String model, String stableVersion, String candidateVersion,
        Duration window, Instant at) {

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if window is not positive
     */
    public ExternalQuery {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(stableVersion, "stableVersion");
        Objects.requireNonNull(candidateVersion, "candidateVersion");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(at, "at");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, but was " + window);
        }
    }

    /**
     * @param arm {@value GateInput#STABLE} or {@value GateInput#CANDIDATE}
     * @return that arm's version
     * @throws IllegalArgumentException for another arm
     */
    public String version(String arm) {
        if (GateInput.STABLE.equals(arm)) {
            return stableVersion;
        }
        if (GateInput.CANDIDATE.equals(arm)) {
            return candidateVersion;
        }
        throw new IllegalArgumentException("arm must be stable or candidate, but was '" + arm
                + "'");
    }
}

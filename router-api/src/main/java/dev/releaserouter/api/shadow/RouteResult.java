package dev.releaserouter.api.shadow;

import dev.releaserouter.api.RouteDecision;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@code route} answers: the served version's output, the decision, which version served
 * (the stable one after a fallback), and what happened to the shadow call. Immutable.
 *
 * @param <O> output type
 */
public final class RouteResult<O> {

    private final @Nullable O output;
    private final RouteDecision decision;
    private final String servedVersion;
    private final @Nullable FallbackCause fallback;
    private final ShadowDisposition shadow;

    /**
     * @param output the served output (as the version returned it)
     * @param decision the routing decision
     * @param servedVersion the version whose output this is
     * @param fallback why the stable version answered instead of the canary, or null
     * @param shadow what happened to the shadow call
     */
    public RouteResult(@Nullable O output, RouteDecision decision, String servedVersion,
            @Nullable FallbackCause fallback, ShadowDisposition shadow) {
        this.output = output;
        this.decision = Objects.requireNonNull(decision, "decision");
        this.servedVersion = Objects.requireNonNull(servedVersion, "servedVersion");
        this.fallback = fallback;
        this.shadow = Objects.requireNonNull(shadow, "shadow");
    }

    /** @return the served version's output; never a shadow output */
    public @Nullable O output() {
        return output;
    }

    /** @return the routing decision */
    public RouteDecision decision() {
        return decision;
    }

    /** @return the version that produced {@link #output()} */
    public String servedVersion() {
        return servedVersion;
    }

    /** @return whether the stable version answered because the canary failed */
    public boolean fellBack() {
        return fallback != null;
    }

    /** @return why the canary was replaced, or null if it was not */
    public @Nullable FallbackCause fallbackCause() {
        return fallback;
    }

    /** @return what happened to the shadow call */
    public ShadowDisposition shadow() {
        return shadow;
    }

    @Override
    public String toString() {
        return "RouteResult{served=" + servedVersion + ", decision=" + decision
                + (fallback != null ? ", fallback=" + fallback : "") + ", shadow=" + shadow + "}";
    }
}

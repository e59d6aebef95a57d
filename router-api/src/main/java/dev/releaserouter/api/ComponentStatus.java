package dev.releaserouter.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The health of one component a router depends on (a fleet store, a remote ledger), as its
 * status contributor reports it into {@link RouterStatus#components()}. Register a contributor
 * with {@code ReleaseRouter.builder().statusContributor(name, supplier)}.
 *
 * <p>A component's state never changes what {@link RouterStatus#upToDate()} says about the flag
 * source: a {@link State#DEGRADED} component means the router still answers every request (from
 * its local state, failing safe) but something it shares with others is not working; health
 * checks decide what that is worth (see docs/spring.md, "Health").
 *
 * <p>Immutable and thread-safe; details keep the order they were given in (for display).
 */
public final class ComponentStatus {

    /** What a component's status says. */
    public enum State {
        /** The component works. */
        UP,
        /** The component does not work; the router fails safe without it. */
        DEGRADED,
        /** The component's status could not be read (its contributor threw or answered null). */
        UNKNOWN
    }

    private final State state;
    private final @Nullable String error;
    private final Map<String, Object> details;

    private ComponentStatus(State state, @Nullable String error, Map<String, ?> details) {
        this.state = Objects.requireNonNull(state, "state");
        if (state != State.UP) {
            Objects.requireNonNull(error, "error");
            if (error.isBlank()) {
                throw new IllegalArgumentException("error must say what is wrong, but was '"
                        + error + "'");
            }
        }
        this.error = error;
        Objects.requireNonNull(details, "details");
        Map<String, Object> copy = new LinkedHashMap<>();
        details.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "detail key"),
                Objects.requireNonNull(v, () -> "detail '" + k + "' is null")));
        this.details = Collections.unmodifiableMap(copy);
    }

    /**
     * @param details what a status page should show (e.g. {@code connected}, {@code lagMillis}),
     *     values without credentials
     * @return a working component's status
     * @throws NullPointerException if details, a key or a value is null
     */
    public static ComponentStatus up(Map<String, ?> details) {
        return new ComponentStatus(State.UP, null, details);
    }

    /**
     * @param error what is wrong, e.g. the last error of the connection (without credentials)
     * @param details what a status page should show
     * @return a degraded component's status
     * @throws NullPointerException if an argument, a key or a value is null
     * @throws IllegalArgumentException if error is blank
     */
    public static ComponentStatus degraded(String error, Map<String, ?> details) {
        return new ComponentStatus(State.DEGRADED, error, details);
    }

    /**
     * @param error why the status could not be read
     * @return the status of a component whose contributor failed
     * @throws NullPointerException if error is null
     * @throws IllegalArgumentException if error is blank
     */
    public static ComponentStatus unknown(String error) {
        return new ComponentStatus(State.UNKNOWN, error, Map.of());
    }

    /** @return the state */
    public State state() {
        return state;
    }

    /** @return whether the state is {@link State#UP} */
    public boolean isUp() {
        return state == State.UP;
    }

    /** @return what is wrong; null when {@link State#UP} */
    public @Nullable String error() {
        return error;
    }

    /** @return the details, unmodifiable, in the order given */
    public Map<String, Object> details() {
        return details;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ComponentStatus c && state == c.state
                && Objects.equals(error, c.error) && details.equals(c.details);
    }

    @Override
    public int hashCode() {
        return Objects.hash(state, error, details);
    }

    @Override
    public String toString() {
        return state + (error != null ? "(" + error + ")" : "") + details;
    }
}

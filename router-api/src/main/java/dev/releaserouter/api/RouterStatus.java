package dev.releaserouter.api;

import dev.releaserouter.api.config.ConfigException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A point-in-time view of a router's health: configuration revision, reload outcomes, whether the
 * flag source's watcher still runs, and internal errors. Immutable and thread-safe; obtain a fresh
 * one from {@link Router#status()}.
 *
 * <p>{@link #upToDate()} is the one answer to "does the router run what its flag source says?":
 * it is false while the last reload was refused ({@link #lastReloadError()} says why: an invalid
 * file with its pointer and value, a conflict with runtime overrides, an audit failure, or an
 * unexpected error such as an {@code OutOfMemoryError} while reading the file, wrapped in a
 * {@link ConfigException} whose cause is the original throwable), and while the watcher that
 * delivers changes is not running ({@link #watcherAlive()} is false): then kill switches written
 * to the file are not applied, so health checks must report the router as unhealthy.
 */
public final class RouterStatus {

    private final long configRevision;
    private final String source;
    private final long reloads;
    private final long reloadFailures;
    private final @Nullable ConfigException lastReloadError;
    private final long internalErrors;
    private final boolean watcherAlive;
    private final int shadowStragglers;
    private final Map<String, ComponentStatus> components;

    /**
     * A status whose flag source watcher (if any) is running; same as the full constructor with
     * {@code watcherAlive} true.
     *
     * @param configRevision revision of the current snapshot
     * @param source description of the flag source
     * @param reloads reloads applied since start
     * @param reloadFailures reloads refused since start (invalid file, conflict with overrides,
     *     audit failure)
     * @param lastReloadError the error of the last refused reload if no reload succeeded since,
     *     else null
     * @param internalErrors faults inside the router, or in a hook it calls, that did not fail a
     *     request
     * @throws NullPointerException if source is null
     */
    public RouterStatus(long configRevision, String source, long reloads, long reloadFailures,
            @Nullable ConfigException lastReloadError, long internalErrors) {
        this(configRevision, source, reloads, reloadFailures, lastReloadError, internalErrors,
                true, 0);
    }

    /**
     * @param configRevision revision of the current snapshot
     * @param source description of the flag source
     * @param reloads reloads applied since start
     * @param reloadFailures reloads refused since start (invalid file, conflict with overrides,
     *     audit failure, unexpected error while reading or applying the file)
     * @param lastReloadError the error of the last refused reload if no reload succeeded since,
     *     else null
     * @param internalErrors faults inside the router, or in a hook it calls, that did not fail a
     *     request
     * @param watcherAlive false if the flag source's watcher has stopped while the router is
     *     open, so that changes to the source are no longer seen; true for a source that needs no
     *     watcher
     * @param shadowStragglers shadow worker threads still alive after {@code close()} returned
     *     (calls that ignored interruption); 0 while the router is open
     * @throws NullPointerException if source is null
     * @throws IllegalArgumentException if {@code shadowStragglers} is negative
     */
    public RouterStatus(long configRevision, String source, long reloads, long reloadFailures,
            @Nullable ConfigException lastReloadError, long internalErrors,
            boolean watcherAlive, int shadowStragglers) {
        this(configRevision, source, reloads, reloadFailures, lastReloadError, internalErrors,
                watcherAlive, shadowStragglers, Map.of());
    }

    /**
     * @param configRevision revision of the current snapshot
     * @param source description of the flag source
     * @param reloads reloads applied since start
     * @param reloadFailures reloads refused since start
     * @param lastReloadError the error of the last refused reload if no reload succeeded since,
     *     else null
     * @param internalErrors faults inside the router, or in a hook it calls, that did not fail a
     *     request
     * @param watcherAlive false if the flag source's watcher has stopped while the router is open
     * @param shadowStragglers shadow worker threads still alive after {@code close()} returned
     * @param components the status of each component the router depends on, by name; copied,
     *     in the map's iteration order
     * @throws NullPointerException if source or components (or one of its keys or values) is
     *     null
     * @throws IllegalArgumentException if {@code shadowStragglers} is negative
     */
    public RouterStatus(long configRevision, String source, long reloads, long reloadFailures,
            @Nullable ConfigException lastReloadError, long internalErrors,
            boolean watcherAlive, int shadowStragglers, Map<String, ComponentStatus> components) {
        Objects.requireNonNull(components, "components");
        Map<String, ComponentStatus> copy = new LinkedHashMap<>();
        components.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "component name"),
                Objects.requireNonNull(v, "component status")));
        // Not Map.copyOf: the registration order is what a status page shows.
        this.components = Collections.unmodifiableMap(copy);
        if (shadowStragglers < 0) {
            throw new IllegalArgumentException(
                    "shadowStragglers must not be negative, but was " + shadowStragglers);
        }
        this.watcherAlive = watcherAlive;
        this.shadowStragglers = shadowStragglers;
        this.configRevision = configRevision;
        this.source = Objects.requireNonNull(source, "source");
        this.reloads = reloads;
        this.reloadFailures = reloadFailures;
        this.lastReloadError = lastReloadError;
        this.internalErrors = internalErrors;
    }

    /** @return revision of the current snapshot */
    public long configRevision() {
        return configRevision;
    }

    /** @return description of the flag source, e.g. {@code file:/etc/router/flags.json} */
    public String source() {
        return source;
    }

    /** @return reloads applied since start */
    public long reloads() {
        return reloads;
    }

    /** @return reloads refused since start */
    public long reloadFailures() {
        return reloadFailures;
    }

    /**
     * @return the error of the last refused reload while the flag source is still bad, or null
     *     when the last reload succeeded (or none failed)
     */
    public @Nullable ConfigException lastReloadError() {
        return lastReloadError;
    }

    /** @return decisions that failed inside the router and answered stable */
    public long internalErrors() {
        return internalErrors;
    }

    /**
     * @return whether the flag source's watcher is running (always true for a source without
     *     one, such as a classpath or in-memory configuration); false means that changes to the
     *     flag file, kill switches included, are no longer applied
     */
    public boolean watcherAlive() {
        return watcherAlive;
    }

    /**
     * Shadow worker threads that outlived {@code close()}: calls to a candidate that ignored
     * interruption and were still running when the close wait ran out. They are daemon threads
     * and end when their call returns; the count falls as they do.
     *
     * @return shadow threads alive after {@code close()} returned; 0 while the router is open
     */
    public int shadowStragglers() {
        return shadowStragglers;
    }

    /**
     * The components the router depends on beyond its flag source, as their contributors
     * reported them when this status was taken (a contributor that threw or answered null is
     * {@link ComponentStatus.State#UNKNOWN}, with the reason).
     *
     * @return each component's status by name, in registration order; unmodifiable, empty when
     *     none is registered
     */
    public Map<String, ComponentStatus> components() {
        return components;
    }

    /**
     * @return the names of the components that are not {@link ComponentStatus.State#UP}, in
     *     registration order; empty when every component is up (or there is none)
     */
    public List<String> degradedComponents() {
        return components.entrySet().stream().filter(e -> !e.getValue().isUp())
                .map(Map.Entry::getKey).toList();
    }

    /**
     * @return whether the flag source's latest content is in force and will keep being followed:
     *     no reload refused since the last good one, and the watcher running
     */
    public boolean upToDate() {
        return lastReloadError == null && watcherAlive;
    }

    @Override
    public String toString() {
        return "RouterStatus{revision=" + configRevision + ", source=" + source + ", reloads="
                + reloads + ", reloadFailures=" + reloadFailures + ", internalErrors="
                + internalErrors + ", watcherAlive=" + watcherAlive
                + (shadowStragglers > 0 ? ", shadowStragglers=" + shadowStragglers : "")
                + (components.isEmpty() ? "" : ", components=" + componentStates())
                + (lastReloadError != null
                        ? ", lastReloadError=" + lastReloadError.getMessage() : "") + "}";
    }

    private String componentStates() {
        StringBuilder b = new StringBuilder("{");
        components.forEach((name, c) -> b.append(b.length() > 1 ? ", " : "").append(name)
                .append('=').append(c.state()));
        return b.append('}').toString();
    }
}

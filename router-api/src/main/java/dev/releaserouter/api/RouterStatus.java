package dev.releaserouter.api;

import dev.releaserouter.api.config.ConfigException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A point-in-time view of a router's health: configuration revision, reload outcomes and internal
 * errors. Immutable; obtain a fresh one from {@link Router#status()}.
 */
public final class RouterStatus {

    private final long configRevision;
    private final String source;
    private final long reloads;
    private final long reloadFailures;
    private final @Nullable ConfigException lastReloadError;
    private final long internalErrors;
    private final int shadowStragglers;

    /**
     * @param configRevision revision of the current snapshot
     * @param source description of the flag source
     * @param reloads reloads applied since start
     * @param reloadFailures reloads refused since start (invalid file, conflict with overrides,
     *     audit failure)
     * @param lastReloadError the error of the last refused reload if no reload succeeded since,
     *     else null
     * @param internalErrors faults inside the router, or in a hook it calls, that did not fail a
     *     request
     */
    public RouterStatus(long configRevision, String source, long reloads, long reloadFailures,
            @Nullable ConfigException lastReloadError, long internalErrors) {
        this(configRevision, source, reloads, reloadFailures, lastReloadError, internalErrors, 0);
    }

    /**
     * @param configRevision revision of the current snapshot
     * @param source description of the flag source
     * @param reloads reloads applied since start
     * @param reloadFailures reloads refused since start (invalid file, conflict with overrides,
     *     audit failure)
     * @param lastReloadError the error of the last refused reload if no reload succeeded since,
     *     else null
     * @param internalErrors faults inside the router, or in a hook it calls, that did not fail a
     *     request
     * @param shadowStragglers shadow worker threads still alive after {@code close()} returned
     *     (calls that ignored interruption); 0 while the router is open
     * @throws IllegalArgumentException if {@code shadowStragglers} is negative
     */
    public RouterStatus(long configRevision, String source, long reloads, long reloadFailures,
            @Nullable ConfigException lastReloadError, long internalErrors,
            int shadowStragglers) {
        if (shadowStragglers < 0) {
            throw new IllegalArgumentException(
                    "shadowStragglers must not be negative, but was " + shadowStragglers);
        }
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

    /**
     * @return faults inside the router, or in a hook it calls (route observer, shadow listener,
     *     comparator, pair masker or store, audit sink at close), that did not fail a request:
     *     decisions that answered stable, failed hooks that were skipped
     */
    public long internalErrors() {
        return internalErrors;
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

    /** @return whether the flag source's latest content is in force */
    public boolean upToDate() {
        return lastReloadError == null;
    }

    @Override
    public String toString() {
        return "RouterStatus{revision=" + configRevision + ", source=" + source + ", reloads="
                + reloads + ", reloadFailures=" + reloadFailures + ", internalErrors="
                + internalErrors
                + (shadowStragglers > 0 ? ", shadowStragglers=" + shadowStragglers : "")
                + (lastReloadError != null
                        ? ", lastReloadError=" + lastReloadError.getMessage() : "") + "}";
    }
}

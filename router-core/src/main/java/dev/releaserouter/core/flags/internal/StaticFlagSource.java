package dev.releaserouter.core.flags.internal;

import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;
import java.util.Objects;

/**
 * A configuration given by the program: {@link #load()} returns it, and it never changes.
 * Immutable and thread-safe.
 */
public final class StaticFlagSource implements FlagSource {

    private final String description;
    private final RouterConfig config;

    /**
     * @param description names the source in errors and the audit trail, e.g. {@code in-memory}
     * @param config the configuration
     */
    public StaticFlagSource(String description, RouterConfig config) {
        this.description = Objects.requireNonNull(description, "description");
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public String description() {
        return description;
    }

    /** @return the configuration given at construction */
    @Override
    public RouterConfig load() {
        return config;
    }

    @Override
    public String toString() {
        return "StaticFlagSource{" + description + "}";
    }
}

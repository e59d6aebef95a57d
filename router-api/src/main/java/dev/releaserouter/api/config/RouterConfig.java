package dev.releaserouter.api.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The whole routing configuration: models by name, and kill switches that apply to every model.
 * Immutable. The router compiles it into a snapshot and swaps it atomically.
 */
public final class RouterConfig {

    /** No models. */
    public static final RouterConfig EMPTY = builder().build();

    private final Map<String, ModelConfig> models;
    private final KillSwitches globalKills;

    private RouterConfig(Builder b) {
        this.models = Collections.unmodifiableMap(new LinkedHashMap<>(b.models));
        this.globalKills = b.globalKills;
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder pre-filled with this configuration */
    public Builder toBuilder() {
        Builder b = builder().globalKills(globalKills);
        models.values().forEach(b::model);
        return b;
    }

    /** @return models by name, in declaration order, immutable */
    public Map<String, ModelConfig> models() {
        return models;
    }

    /**
     * @param name a model name
     * @return the model, or null if unknown
     */
    public @Nullable ModelConfig model(String name) {
        return models.get(name);
    }

    /** @return kill switches applying to every model ({@code versions} is always empty) */
    public KillSwitches globalKills() {
        return globalKills;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof RouterConfig)) {
            return false;
        }
        RouterConfig c = (RouterConfig) o;
        return models.equals(c.models) && globalKills.equals(c.globalKills);
    }

    @Override
    public int hashCode() {
        return Objects.hash(models, globalKills);
    }

    @Override
    public String toString() {
        return "RouterConfig{models=" + models.values() + ", globalKills=" + globalKills + "}";
    }

    /** Builds a {@link RouterConfig}. Not thread-safe. */
    public static final class Builder {
        private final LinkedHashMap<String, ModelConfig> models = new LinkedHashMap<>();
        private KillSwitches globalKills = KillSwitches.NONE;

        private Builder() {}

        /**
         * Adds or replaces a model.
         *
         * @param model the model
         * @return this builder
         */
        public Builder model(ModelConfig model) {
            models.put(model.name(), model);
            return this;
        }

        /**
         * @param kills kill switches for every model; {@code versions} must be empty
         * @return this builder
         * @throws ConfigException if versions are named
         */
        public Builder globalKills(KillSwitches kills) {
            if (!kills.versions().isEmpty()) {
                throw new ConfigException("/kill/versions", kills.versions(),
                        "versions can only be killed inside a model");
            }
            this.globalKills = kills;
            return this;
        }

        /** @return the configuration */
        public RouterConfig build() {
            return new RouterConfig(this);
        }
    }
}

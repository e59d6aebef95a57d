package dev.releaserouter.api.admin;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a kill switch applies to: a model, one version of a model, a tenant or a channel (of one
 * model, or of every model). Immutable.
 */
public final class KillTarget {

    /** The kind of target. */
    public enum Kind {
        /** Every candidate of a model. */
        MODEL,
        /** One candidate version of a model. */
        VERSION,
        /** A tenant, in one model or in all. */
        TENANT,
        /** A channel, in one model or in all. */
        CHANNEL,
        /** Every candidate of every model. */
        ALL
    }

    private final Kind kind;
    private final @Nullable String model;
    private final @Nullable String value;

    private KillTarget(Kind kind, @Nullable String model, @Nullable String value) {
        this.kind = kind;
        this.model = model;
        this.value = value;
    }

    /**
     * @param model the model
     * @return every candidate of the model
     */
    public static KillTarget model(String model) {
        return new KillTarget(Kind.MODEL, nonBlank(model, "model"), null);
    }

    /**
     * @param model the model
     * @param version a candidate version of it
     * @return that candidate
     */
    public static KillTarget version(String model, String version) {
        return new KillTarget(Kind.VERSION, nonBlank(model, "model"), nonBlank(version, "version"));
    }

    /**
     * @param tenant a tenant
     * @return the tenant, in every model
     */
    public static KillTarget tenant(String tenant) {
        return new KillTarget(Kind.TENANT, null, nonBlank(tenant, "tenant"));
    }

    /**
     * @param model the model
     * @param tenant a tenant
     * @return the tenant, in one model
     */
    public static KillTarget tenant(String model, String tenant) {
        return new KillTarget(Kind.TENANT, nonBlank(model, "model"), nonBlank(tenant, "tenant"));
    }

    /**
     * @param channel a channel
     * @return the channel, in every model
     */
    public static KillTarget channel(String channel) {
        return new KillTarget(Kind.CHANNEL, null, nonBlank(channel, "channel"));
    }

    /**
     * @param model the model
     * @param channel a channel
     * @return the channel, in one model
     */
    public static KillTarget channel(String model, String channel) {
        return new KillTarget(Kind.CHANNEL, nonBlank(model, "model"),
                nonBlank(channel, "channel"));
    }

    /** @return every candidate of every model */
    public static KillTarget all() {
        return new KillTarget(Kind.ALL, null, null);
    }

    private static String nonBlank(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " must be a non-blank string, but was "
                    + (s == null ? "null" : "'" + s + "'"));
        }
        return s;
    }

    /** @return the kind */
    public Kind kind() {
        return kind;
    }

    /** @return the model, or null for a global target */
    public @Nullable String model() {
        return model;
    }

    /** @return the version, tenant or channel, or null for MODEL and ALL */
    public @Nullable String value() {
        return value;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof KillTarget)) {
            return false;
        }
        KillTarget t = (KillTarget) o;
        return kind == t.kind && Objects.equals(model, t.model) && Objects.equals(value, t.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, model, value);
    }

    /** @return e.g. {@code model:churn}, {@code version:churn/v2}, {@code tenant:*\/acme} */
    @Override
    public String toString() {
        switch (kind) {
            case ALL:
                return "all";
            case MODEL:
                return "model:" + model;
            default:
                return kind.name().toLowerCase(java.util.Locale.ROOT) + ":"
                        + (model == null ? "*" : model) + "/" + value;
        }
    }
}

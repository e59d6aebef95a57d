package dev.releaserouter.api.spi;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
import dev.releaserouter.api.RouteDecision;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One exposure (assignment) event: an entity was assigned a model's version by a decision, with
 * why, from which bucket, on which configuration revision, and the segment it came in. An
 * experiment is analysed downstream by joining these events with business outcomes (a warehouse
 * table fed by an {@link ExposureSink}); decisions made before the bucket (a kill switch, a deny
 * or allow list, an exhausted budget, ...) are exposures too, with their reason, so that sample
 * ratio mismatch and coverage can be computed from them.
 *
 * <p>The router emits one event per (model, entity, version) per deduplication window (see
 * {@code docs/exposures.md}); {@link #version()} is the version the decision assigned, which
 * {@code route(...)} serves unless the candidate's call fails and falls back to stable.
 *
 * <p>{@link #entity()} is the entity key as given to the router, or its keyed hash when the
 * router is configured to pseudonymise it ({@link #entityEncoding()} says which). Its JSON
 * form, the wire contract of the JSON Lines and Kafka sinks, is described in
 * {@code docs/exposures.md} and pinned by a golden-file test.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder(String, String, String)}.
 */
public final class ExposureEvent {

    /** How {@link #entity()} is written. */
    public enum EntityEncoding {
        /** The entity key as the application gave it. */
        PLAIN,
        /**
         * HMAC-SHA256 of the entity key's UTF-8 bytes, as 64 lowercase hex digits (the key of
         * the HMAC is described in {@code docs/exposures.md}).
         */
        HMAC_SHA256
    }

    private static final int NO_BUCKET = -1;

    private final Instant time;
    private final String model;
    private final String version;
    private final Role role;
    private final Reason reason;
    private final int bucket;
    private final long configRevision;
    private final String entity;
    private final EntityEncoding entityEncoding;
    private final @Nullable String tenant;
    private final @Nullable String region;
    private final @Nullable String channel;
    private final @Nullable String product;
    private final Map<String, String> attributes;

    private ExposureEvent(Builder b) {
        this.time = b.time;
        this.model = b.model;
        this.version = b.version;
        this.role = b.role;
        this.reason = b.reason;
        this.bucket = b.bucket;
        this.configRevision = b.configRevision;
        this.entity = b.entity;
        this.entityEncoding = b.entityEncoding;
        this.tenant = b.tenant;
        this.region = b.region;
        this.channel = b.channel;
        this.product = b.product;
        this.attributes = b.attributes.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(b.attributes));
    }

    /**
     * Starts an event of a model's version for an entity; the rest defaults to a stable
     * assignment from no bucket at revision 0, plain entity key, no segment, no attributes, at
     * the epoch (set every field that matters).
     *
     * @param model the model
     * @param version the version assigned
     * @param entity the entity key, or its keyed hash (then say so with
     *     {@link Builder#entityEncoding(EntityEncoding)})
     * @return a new builder
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(String model, String version, String entity) {
        return new Builder(model, version, entity);
    }

    /** @return when the decision was made (the router's clock) */
    public Instant time() {
        return time;
    }

    /** @return the model */
    public String model() {
        return model;
    }

    /** @return the version the decision assigned */
    public String version() {
        return version;
    }

    /** @return the version's role */
    public Role role() {
        return role;
    }

    /** @return why the version was assigned */
    public Reason reason() {
        return reason;
    }

    /** @return the entity's bucket in {@code [0, 10000)}, or empty if a rule decided before it */
    public OptionalInt bucket() {
        return bucket == NO_BUCKET ? OptionalInt.empty() : OptionalInt.of(bucket);
    }

    /** @return the revision of the configuration the decision was made on */
    public long configRevision() {
        return configRevision;
    }

    /** @return the entity key, or its keyed hash (see {@link #entityEncoding()}) */
    public String entity() {
        return entity;
    }

    /** @return how {@link #entity()} is written */
    public EntityEncoding entityEncoding() {
        return entityEncoding;
    }

    /** @return the tenant, or null if the request had none */
    public @Nullable String tenant() {
        return tenant;
    }

    /** @return the region, or null if the request had none */
    public @Nullable String region() {
        return region;
    }

    /** @return the channel, or null if the request had none */
    public @Nullable String channel() {
        return channel;
    }

    /** @return the product, or null if the request had none */
    public @Nullable String product() {
        return product;
    }

    /**
     * @return the request's attributes that the allow-list kept, sorted by name; unmodifiable,
     *     empty if none
     */
    public Map<String, String> attributes() {
        return attributes;
    }

    /**
     * @param other another event
     * @return whether the other event is the same exposure (all fields equal)
     */
    @Override
    public boolean equals(@Nullable Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ExposureEvent)) {
            return false;
        }
        ExposureEvent e = (ExposureEvent) other;
        return bucket == e.bucket && configRevision == e.configRevision
                && time.equals(e.time) && model.equals(e.model) && version.equals(e.version)
                && role == e.role && reason == e.reason && entity.equals(e.entity)
                && entityEncoding == e.entityEncoding && Objects.equals(tenant, e.tenant)
                && Objects.equals(region, e.region) && Objects.equals(channel, e.channel)
                && Objects.equals(product, e.product) && attributes.equals(e.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, model, version, role, reason, bucket, configRevision, entity,
                entityEncoding, tenant, region, channel, product, attributes);
    }

    /** A plain entity key is masked: it may be personal data. */
    @Override
    public String toString() {
        return "ExposureEvent{time=" + time + ", model=" + model + ", version=" + version
                + ", role=" + role + ", reason=" + reason
                + (bucket == NO_BUCKET ? "" : ", bucket=" + bucket)
                + ", configRevision=" + configRevision + ", entity="
                + (entityEncoding == EntityEncoding.PLAIN ? "<" + entity.length() + " chars>"
                        : entity)
                + ", tenant=" + tenant + ", region=" + region + ", channel=" + channel
                + ", product=" + product + ", attributes=" + attributes.keySet() + "}";
    }

    /** Builds an {@link ExposureEvent}. Not thread-safe. */
    public static final class Builder {
        private Instant time = Instant.EPOCH;
        private final String model;
        private final String version;
        private Role role = Role.STABLE;
        private Reason reason = Reason.STABLE_BUCKET;
        private int bucket = NO_BUCKET;
        private long configRevision;
        private final String entity;
        private EntityEncoding entityEncoding = EntityEncoding.PLAIN;
        private @Nullable String tenant;
        private @Nullable String region;
        private @Nullable String channel;
        private @Nullable String product;
        private final Map<String, String> attributes = new TreeMap<>();

        private Builder(String model, String version, String entity) {
            this.model = Objects.requireNonNull(model, "model");
            this.version = Objects.requireNonNull(version, "version");
            this.entity = Objects.requireNonNull(entity, "entity");
        }

        /**
         * Copies role, reason, bucket and configuration revision from a decision.
         *
         * @param decision the decision
         * @return this builder
         * @throws NullPointerException if decision is null
         */
        public Builder decision(RouteDecision decision) {
            role(decision.role());
            reason(decision.reason());
            bucket = decision.hasBucket() ? decision.bucket().getAsInt() : NO_BUCKET;
            return configRevision(decision.configRevision());
        }

        /**
         * @param time when the decision was made
         * @return this builder
         * @throws NullPointerException if time is null
         */
        public Builder time(Instant time) {
            this.time = Objects.requireNonNull(time, "time");
            return this;
        }

        /**
         * @param role the version's role
         * @return this builder
         * @throws NullPointerException if role is null
         */
        public Builder role(Role role) {
            this.role = Objects.requireNonNull(role, "role");
            return this;
        }

        /**
         * @param reason why the version was assigned
         * @return this builder
         * @throws NullPointerException if reason is null
         */
        public Builder reason(Reason reason) {
            this.reason = Objects.requireNonNull(reason, "reason");
            return this;
        }

        /**
         * @param bucket the entity's bucket in {@code [0, 10000)}, or -1 for none
         * @return this builder
         * @throws IllegalArgumentException if the bucket is out of range
         */
        public Builder bucket(int bucket) {
            if (bucket < NO_BUCKET || bucket >= 10_000) {
                throw new IllegalArgumentException(
                        "bucket must be in [0, 10000) or -1 for none, but was " + bucket);
            }
            this.bucket = bucket;
            return this;
        }

        /**
         * @param configRevision the configuration revision the decision was made on
         * @return this builder
         */
        public Builder configRevision(long configRevision) {
            this.configRevision = configRevision;
            return this;
        }

        /**
         * @param encoding how the entity given to {@link ExposureEvent#builder} is written
         * @return this builder
         * @throws NullPointerException if encoding is null
         */
        public Builder entityEncoding(EntityEncoding encoding) {
            this.entityEncoding = Objects.requireNonNull(encoding, "encoding");
            return this;
        }

        /**
         * @param tenant the tenant, or null
         * @return this builder
         */
        public Builder tenant(@Nullable String tenant) {
            this.tenant = tenant;
            return this;
        }

        /**
         * @param region the region, or null
         * @return this builder
         */
        public Builder region(@Nullable String region) {
            this.region = region;
            return this;
        }

        /**
         * @param channel the channel, or null
         * @return this builder
         */
        public Builder channel(@Nullable String channel) {
            this.channel = channel;
            return this;
        }

        /**
         * @param product the product, or null
         * @return this builder
         */
        public Builder product(@Nullable String product) {
            this.product = product;
            return this;
        }

        /**
         * Adds an attribute.
         *
         * @param name the attribute's name
         * @param value its value
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder attribute(String name, String value) {
            attributes.put(Objects.requireNonNull(name, "name"),
                    Objects.requireNonNull(value, name));
            return this;
        }

        /** @return the immutable event */
        public ExposureEvent build() {
            return new ExposureEvent(this);
        }
    }
}

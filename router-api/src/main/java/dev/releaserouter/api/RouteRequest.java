package dev.releaserouter.api;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the router decides on: the model asked for, the entity whose assignment must be stable, and
 * the segment the request belongs to.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder(String, String)}. The entity key is
 * hashed (never logged nor exported as a metric tag). Segment fields that the application does not
 * know are left {@code null}: a {@code null} value is never on a deny list and never on an allow
 * list.
 *
 * <p>Build a request per call, where the call is made: {@code router.decide(RouteRequest
 * .builder("churn", customerId).tenant(tenant).region(region).build())}. The builder and the
 * request are designed for the JIT's escape analysis: without attributes or data classes they
 * hold only their fields (no collection is made), so when the call is compiled with the
 * router's {@code decide} inlined into it, neither object is allocated (measured in
 * docs/benchmarks.md, guarded by an allocation test). Keeping requests for reuse works as well;
 * it is not needed for speed.
 */
public final class RouteRequest {

    private final String model;
    private final String entityKey;
    private final @Nullable String tenant;
    private final @Nullable String region;
    private final @Nullable String channel;
    private final @Nullable String product;
    private final Map<String, String> attributes;
    private final Set<String> dataClasses;
    private final double monetaryValue;

    private RouteRequest(Builder b) {
        this.model = b.model;
        this.entityKey = b.entityKey;
        this.tenant = b.tenant;
        this.region = b.region;
        this.channel = b.channel;
        this.product = b.product;
        this.attributes = b.attributes == null ? Map.of() : Map.copyOf(b.attributes);
        this.dataClasses = b.dataClasses == null ? Set.of() : Set.copyOf(b.dataClasses);
        this.monetaryValue = b.monetaryValue;
    }

    /**
     * Starts a request for a model and an entity.
     *
     * @param model the model name as it appears in the configuration
     * @param entityKey what is hashed for stable assignment: a customer, user or session id
     * @return a new builder
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(String model, String entityKey) {
        return new Builder(model, entityKey);
    }

    /**
     * Shorthand for a request with no segment information.
     *
     * @param model the model name
     * @param entityKey the entity key
     * @return a request
     * @throws NullPointerException if an argument is null
     */
    public static RouteRequest of(String model, String entityKey) {
        return builder(model, entityKey).build();
    }

    /**
     * A builder pre-filled with this request's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(model, entityKey)
                .tenant(tenant)
                .region(region)
                .channel(channel)
                .product(product)
                .attributes(attributes)
                .dataClasses(dataClasses);
        b.monetaryValue = monetaryValue;
        return b;
    }

    /** @return the model name; never null */
    public String model() {
        return model;
    }

    /** @return the entity key that is hashed; never null */
    public String entityKey() {
        return entityKey;
    }

    /** @return the tenant, or null if unknown */
    public @Nullable String tenant() {
        return tenant;
    }

    /** @return the region, or null if unknown */
    public @Nullable String region() {
        return region;
    }

    /** @return the channel (web, app, batch, ...), or null if unknown */
    public @Nullable String channel() {
        return channel;
    }

    /** @return the product, or null if unknown */
    public @Nullable String product() {
        return product;
    }

    /** @return free attributes, immutable; empty if none */
    public Map<String, String> attributes() {
        return attributes;
    }

    /**
     * Data classification labels carried by the request, such as {@code pii} or
     * {@code sovereign-br}. Used to forbid shadowing of restricted data.
     *
     * @return immutable set; empty if none
     */
    public Set<String> dataClasses() {
        return dataClasses;
    }

    /** @return whether a monetary value was given */
    public boolean hasMonetaryValue() {
        return !Double.isNaN(monetaryValue);
    }

    /**
     * The monetary value at stake, used by revenue-share exposure budgets.
     *
     * @return the value, or empty if none was given
     */
    public OptionalDouble monetaryValue() {
        return hasMonetaryValue() ? OptionalDouble.of(monetaryValue) : OptionalDouble.empty();
    }

    /**
     * The monetary value at stake, or a value of the caller's choice when none was given; unlike
     * {@link #monetaryValue()} it never allocates (for the router's hot path).
     *
     * @param whenAbsent what to return when no value was given
     * @return the value, or {@code whenAbsent}
     */
    public double monetaryValueOr(double whenAbsent) {
        return hasMonetaryValue() ? monetaryValue : whenAbsent;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RouteRequest)) {
            return false;
        }
        RouteRequest r = (RouteRequest) o;
        return model.equals(r.model)
                && entityKey.equals(r.entityKey)
                && Objects.equals(tenant, r.tenant)
                && Objects.equals(region, r.region)
                && Objects.equals(channel, r.channel)
                && Objects.equals(product, r.product)
                && attributes.equals(r.attributes)
                && dataClasses.equals(r.dataClasses)
                && Double.compare(monetaryValue, r.monetaryValue) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, entityKey, tenant, region, channel, product, attributes,
                dataClasses, monetaryValue);
    }

    /** The entity key is masked: it may be personal data. */
    @Override
    public String toString() {
        return "RouteRequest{model=" + model + ", entityKey=<" + entityKey.length() + " chars>"
                + ", tenant=" + tenant + ", region=" + region + ", channel=" + channel
                + ", product=" + product + ", dataClasses=" + dataClasses
                + (hasMonetaryValue() ? ", monetaryValue=" + monetaryValue : "") + "}";
    }

    /** Builds a {@link RouteRequest}. Not thread-safe; use one builder per thread. */
    public static final class Builder {
        private final String model;
        private final String entityKey;
        private @Nullable String tenant;
        private @Nullable String region;
        private @Nullable String channel;
        private @Nullable String product;
        // Made on first use: a builder without them is only its fields (escape analysis).
        private @Nullable Map<String, String> attributes;
        private @Nullable Set<String> dataClasses;
        private double monetaryValue = Double.NaN;

        private Builder(String model, String entityKey) {
            this.model = Objects.requireNonNull(model, "model");
            this.entityKey = Objects.requireNonNull(entityKey, "entityKey");
        }

        /**
         * @param tenant the tenant, or null if unknown
         * @return this builder
         */
        public Builder tenant(@Nullable String tenant) {
            this.tenant = tenant;
            return this;
        }

        /**
         * @param region the region, or null if unknown
         * @return this builder
         */
        public Builder region(@Nullable String region) {
            this.region = region;
            return this;
        }

        /**
         * @param channel the channel, or null if unknown
         * @return this builder
         */
        public Builder channel(@Nullable String channel) {
            this.channel = channel;
            return this;
        }

        /**
         * @param product the product, or null if unknown
         * @return this builder
         */
        public Builder product(@Nullable String product) {
            this.product = product;
            return this;
        }

        /**
         * Adds a free attribute.
         *
         * @param key attribute name
         * @param value attribute value
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder attribute(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, key);
            if (attributes == null) {
                attributes = new LinkedHashMap<>();
            }
            attributes.put(key, value);
            return this;
        }

        /**
         * Adds free attributes.
         *
         * @param values attributes to add; no null keys or values
         * @return this builder
         * @throws NullPointerException if a key or value is null
         */
        public Builder attributes(Map<String, String> values) {
            values.forEach(this::attribute);
            return this;
        }

        /**
         * Adds data classification labels.
         *
         * @param labels labels such as {@code pii}
         * @return this builder
         * @throws NullPointerException if a label is null
         */
        public Builder dataClasses(String... labels) {
            for (String l : labels) {
                dataClass(l);
            }
            return this;
        }

        private void dataClass(String label) {
            Objects.requireNonNull(label, "data class");
            if (dataClasses == null) {
                dataClasses = new LinkedHashSet<>();
            }
            dataClasses.add(label);
        }

        /**
         * Adds data classification labels.
         *
         * @param labels labels such as {@code pii}
         * @return this builder
         * @throws NullPointerException if a label is null
         */
        public Builder dataClasses(Set<String> labels) {
            for (String l : labels) {
                dataClass(l);
            }
            return this;
        }

        /**
         * Sets the monetary value at stake (for revenue-share budgets).
         *
         * @param value a finite, non-negative amount
         * @return this builder
         * @throws IllegalArgumentException if the value is negative, NaN or infinite
         */
        public Builder monetaryValue(double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(
                        "monetaryValue must be finite and >= 0, but was " + value);
            }
            this.monetaryValue = value;
            return this;
        }

        /** @return the immutable request */
        public RouteRequest build() {
            return new RouteRequest(this);
        }
    }
}

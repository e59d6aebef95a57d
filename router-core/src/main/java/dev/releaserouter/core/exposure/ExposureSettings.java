package dev.releaserouter.core.exposure;

import dev.releaserouter.api.spi.ExposureSink;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a router emits exposure (assignment) events: the sink, the deduplication window and
 * capacity, whether entity keys are hashed, which request attributes are kept, and the queue
 * between decisions and the sink. Immutable; build one with {@link #builder(ExposureSink)} and
 * pass it to {@code ReleaseRouter.builder().exposures(settings)}.
 *
 * <pre>{@code
 * ReleaseRouter.builder()
 *         .flagSource(flags)
 *         .hashSecretHex(System.getenv("ROUTER_HASH_SECRET"))
 *         .exposures(ExposureSettings.builder(JsonlExposureSink.builder(dir).build())
 *                 .deduplicationWindow(Duration.ofHours(1))
 *                 .attributes("plan", "app_version")
 *                 .build())
 *         .build();
 * }</pre>
 *
 * <p>Defaults: one event per (model, entity, version) per hour, at most 100,000 entities
 * remembered per model and version, entity keys hashed with an HMAC-SHA256 keyed from the
 * router's hash secret ({@code docs/exposures.md} says how to reproduce it), no attributes, a
 * queue of 10,000 events, and {@code close()} waiting at most 5 s for the sink.
 */
public final class ExposureSettings {

    /** The default deduplication window. */
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    /** The default number of entities remembered per model and version. */
    public static final int DEFAULT_CAPACITY = 100_000;
    /** The default queue capacity. */
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

    /** How the entity key is written into events. */
    public enum EntityKeys {
        /** As the application gave it. */
        PLAIN,
        /** HMAC-SHA256, keyed from the router's hash secret or with an explicit key. */
        HASHED
    }

    private final ExposureSink sink;
    private final Duration window;
    private final int capacity;
    private final EntityKeys entityKeys;
    private final byte @Nullable [] hashKey;
    private final Set<String> attributes;
    private final int queueCapacity;
    private final Duration closeTimeout;

    private ExposureSettings(Builder b) {
        this.sink = b.sink;
        this.window = b.window;
        this.capacity = b.capacity;
        this.entityKeys = b.entityKeys;
        this.hashKey = b.hashKey == null ? null : b.hashKey.clone();
        this.attributes = Set.copyOf(b.attributes);
        this.queueCapacity = b.queueCapacity;
        this.closeTimeout = b.closeTimeout;
    }

    /**
     * @param sink where the events go; the router closes it when it closes
     * @return a builder with the defaults
     * @throws NullPointerException if sink is null
     */
    public static Builder builder(ExposureSink sink) {
        return new Builder(sink);
    }

    /** @return the sink */
    public ExposureSink sink() {
        return sink;
    }

    /**
     * @return how long one (model, entity, version) is remembered after its event; zero means
     *     no deduplication (an event per decision)
     */
    public Duration deduplicationWindow() {
        return window;
    }

    /** @return the most entities remembered per model and version */
    public int deduplicationCapacity() {
        return capacity;
    }

    /** @return how entity keys are written */
    public EntityKeys entityKeys() {
        return entityKeys;
    }

    /**
     * @return the explicit HMAC key (a copy), or null when the key is derived from the router's
     *     hash secret (or keys are plain)
     */
    public byte @Nullable [] hashKey() {
        return hashKey == null ? null : hashKey.clone();
    }

    /** @return the names of the request attributes copied into events; unmodifiable */
    public Set<String> attributes() {
        return attributes;
    }

    /** @return the most events waiting for the sink; more are dropped and counted */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** @return how long {@code close()} waits for the queue to drain and the sink to close */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** Builds {@link ExposureSettings}. Not thread-safe. */
    public static final class Builder {
        private final ExposureSink sink;
        private Duration window = DEFAULT_WINDOW;
        private int capacity = DEFAULT_CAPACITY;
        private EntityKeys entityKeys = EntityKeys.HASHED;
        private byte @Nullable [] hashKey;
        private final Set<String> attributes = new LinkedHashSet<>();
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private Duration closeTimeout = Duration.ofSeconds(5);

        private Builder(ExposureSink sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
        }

        /**
         * @param window how long a (model, entity, version) is remembered after its event, so
         *     that repeated decisions emit nothing; {@link Duration#ZERO} emits an event per
         *     decision
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder deduplicationWindow(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative()) {
                throw new IllegalArgumentException(
                        "exposure deduplicationWindow must not be negative, but was " + window);
            }
            this.window = window;
            return this;
        }

        /**
         * @param capacity the most entities remembered per model and version (least recently
         *     used beyond it are forgotten, so their next decision emits again)
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder deduplicationCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException(
                        "exposure deduplicationCapacity must be at least 1, but was " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * Writes entity keys as the application gave them (no pseudonymisation).
         *
         * @return this builder
         */
        public Builder plainEntityKeys() {
            this.entityKeys = EntityKeys.PLAIN;
            this.hashKey = null;
            return this;
        }

        /**
         * Writes entity keys as HMAC-SHA256 keyed from the router's hash secret (the default);
         * see {@code docs/exposures.md} to reproduce it in a warehouse.
         *
         * @return this builder
         */
        public Builder hashEntityKeys() {
            this.entityKeys = EntityKeys.HASHED;
            this.hashKey = null;
            return this;
        }

        /**
         * Writes entity keys as HMAC-SHA256 with this key, e.g. one shared with the warehouse
         * that joins exposures with outcomes (which then needs not the router's hash secret).
         *
         * @param key the HMAC key, at least 16 bytes
         * @return this builder
         * @throws IllegalArgumentException if shorter than 16 bytes
         */
        public Builder hashEntityKeys(byte[] key) {
            Objects.requireNonNull(key, "key");
            if (key.length < 16) {
                throw new IllegalArgumentException("exposure hash key must be at least 16 bytes,"
                        + " but was " + key.length + " bytes");
            }
            this.entityKeys = EntityKeys.HASHED;
            this.hashKey = key.clone();
            return this;
        }

        /**
         * Allows request attributes into events; others are never written (they may be
         * personal data). Repeatable.
         *
         * @param names attribute names
         * @return this builder
         * @throws IllegalArgumentException if a name is blank
         */
        public Builder attributes(String... names) {
            for (String n : names) {
                Objects.requireNonNull(n, "attribute name");
                if (n.isBlank()) {
                    throw new IllegalArgumentException(
                            "exposure attribute names must be non-blank, but one was '" + n + "'");
                }
                attributes.add(n);
            }
            return this;
        }

        /**
         * @param capacity the most events waiting for the sink; when full, new events are
         *     dropped and counted, so a slow sink never slows a decision
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException(
                        "exposure queueCapacity must be at least 1, but was " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * @param timeout how long the router's {@code close()} waits for queued events to reach
         *     the sink and the sink to close
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException(
                        "exposure closeTimeout must not be negative, but was " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** @return the settings */
        public ExposureSettings build() {
            return new ExposureSettings(this);
        }
    }
}

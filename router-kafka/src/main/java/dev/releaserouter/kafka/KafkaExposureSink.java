package dev.releaserouter.kafka;

import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.api.spi.ExposureSink;
import dev.releaserouter.core.exposure.ExposureJson;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends exposure events to a Kafka topic: the record key is the event's entity (the plain key,
 * or its keyed hash when the router hashes keys), so every event of one entity goes to one
 * partition and keeps its order; the value is the event's JSON ({@link ExposureJson}, UTF-8).
 *
 * <pre>{@code
 * ReleaseRouter.builder()...
 *         .exposures(ExposureSettings.builder(
 *                 KafkaExposureSink.builder("kafka-1:9092,kafka-2:9092", "router.exposures")
 *                         .property("security.protocol", "SSL")   // any producer setting
 *                         .build()).build())
 *         .build();
 * }</pre>
 *
 * <p>Delivery: an idempotent producer with {@code acks=all}, so the producer's own retries
 * neither duplicate nor reorder an entity's events; retries are bounded by the delivery timeout
 * ({@link Builder#deliveryTimeout(Duration)}, 30 s by default), after which the event is lost,
 * counted in {@link #failedDeliveries()} and shown by {@link #failing()} (the router's
 * {@code exposures} status component turns DEGRADED), and logged once when delivery starts
 * failing (and once when it works again). {@link #record} does not wait for the broker; it
 * blocks at most {@link Builder#maxBlock(Duration)} (5 s) when the producer's buffer is full or
 * the topic's metadata is unknown, on the router's exposure thread, never a request thread;
 * after a delivery times out (the broker is unreachable) it refuses events at once (the router
 * counts them as sink failures) for the max-block time, at least 1 s, rather than block that
 * long for each, so the router's queue keeps moving; the next event after the pause tries again.
 * {@link #flush()} does nothing (the producer sends on its own, after {@code linger.ms});
 * {@link #close()} flushes what is buffered and closes, waiting at most
 * {@link Builder#closeTimeout(Duration)} (10 s).
 *
 * <p>Thread-safe: the Kafka producer is, and the counters are atomic. Delivery callbacks run on
 * the producer's I/O thread and only touch atomics and volatile fields.
 */
public final class KafkaExposureSink implements ExposureSink {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaExposureSink.class);

    private final Producer<String, String> producer;
    private final String topic;
    private final Duration closeTimeout;
    private final long pauseNanos;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Callback callback = this::onCompletion;
    /** The last delivery failure while no later delivery succeeded; else null. */
    private volatile @Nullable String failing;
    /** System.nanoTime() before which record() refuses at once (the broker timed out). */
    private volatile long pausedUntil;
    private volatile boolean paused;
    private volatile boolean closed;

    private KafkaExposureSink(Producer<String, String> producer, String topic,
            Duration closeTimeout, Duration pause) {
        this.producer = producer;
        this.topic = topic;
        this.closeTimeout = closeTimeout;
        this.pauseNanos = pause.toNanos();
    }

    /**
     * @param bootstrapServers the brokers, {@code host:port[,host:port...]}
     * @param topic the topic exposures go to (created beforehand, or by the broker's
     *     auto-creation)
     * @return a builder with the defaults
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an argument is blank
     */
    public static Builder builder(String bootstrapServers, String topic) {
        return new Builder(bootstrapServers, topic);
    }

    /**
     * Hands the event to the producer, keyed by its entity; does not wait for the broker.
     *
     * @param event the event
     * @throws IllegalStateException if the sink is closed
     * @throws org.apache.kafka.common.KafkaException if the producer refuses the event at once
     *     (counted by the router)
     */
    @Override
    public void record(ExposureEvent event) {
        Objects.requireNonNull(event, "event");
        if (closed) {
            throw new IllegalStateException("the Kafka exposure sink is closed");
        }
        if (paused && System.nanoTime() - pausedUntil < 0) {
            // Fail fast rather than block maxBlock per event while the broker times out.
            throw new IllegalStateException("Kafka exposure sink paused after a timeout: "
                    + failing);
        }
        sent.incrementAndGet();
        producer.send(new ProducerRecord<>(topic, event.entity(), ExposureJson.write(event)),
                callback);
    }

    private void onCompletion(@Nullable RecordMetadata metadata, @Nullable Exception error) {
        if (error == null) {
            delivered.incrementAndGet();
            paused = false;
            if (failing != null) {
                failing = null;
                LOG.info("Release Router: exposures reach Kafka topic {} again ({} lost so far)",
                        topic, failed.get());
            }
            return;
        }
        String was = failing;
        // Before the count, so that whoever sees the count also sees why.
        failing = "delivery to Kafka topic " + topic + " failed: " + error;
        if (error instanceof TimeoutException) {
            pausedUntil = System.nanoTime() + pauseNanos;
            paused = true;
        }
        failed.incrementAndGet();
        if (was == null) {
            LOG.warn("Release Router: exposures cannot be delivered to Kafka topic {} after "
                    + "retries; they are counted and lost until delivery works again "
                    + "(logged once): {}", topic, error.toString());
        }
    }

    /** Does nothing: the producer sends what {@link #record} buffered on its own. */
    @Override
    public void flush() {
        // The producer batches for linger.ms and sends; close() flushes.
    }

    /** @return events handed to the producer (those refused during a pause are not) */
    public long sent() {
        return sent.get();
    }

    /** @return events the broker acknowledged */
    public long delivered() {
        return delivered.get();
    }

    @Override
    public long failedDeliveries() {
        return failed.get();
    }

    @Override
    public @Nullable String failing() {
        return failing;
    }

    /**
     * Sends what is buffered and closes the producer, waiting at most the close timeout (events
     * not delivered by then are counted in {@link #failedDeliveries()} by their callbacks).
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        producer.close(closeTimeout);
    }

    /** Builds a {@link KafkaExposureSink}. Not thread-safe. */
    public static final class Builder {
        private final String bootstrapServers;
        private final String topic;
        private final Map<String, Object> properties = new HashMap<>();
        private Duration deliveryTimeout = Duration.ofSeconds(30);
        private Duration maxBlock = Duration.ofSeconds(5);
        private Duration closeTimeout = Duration.ofSeconds(10);

        private Builder(String bootstrapServers, String topic) {
            this.bootstrapServers = nonBlank(bootstrapServers, "bootstrapServers");
            this.topic = nonBlank(topic, "topic");
        }

        private static String nonBlank(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException("Kafka exposure sink " + name
                        + " must be non-blank, but was '" + value + "'");
            }
            return value;
        }

        /**
         * Sets a producer property (security, compression, client id, ...); it overrides what
         * this builder sets, serializers excepted.
         *
         * @param name a {@link ProducerConfig} name
         * @param value its value
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder property(String name, Object value) {
            properties.put(Objects.requireNonNull(name, "name"),
                    Objects.requireNonNull(value, name));
            return this;
        }

        /**
         * @param timeout how long the producer retries one event before it counts as lost
         *     ({@code delivery.timeout.ms}); at least 1 s
         * @return this builder
         * @throws IllegalArgumentException if below 1 s
         */
        public Builder deliveryTimeout(Duration timeout) {
            this.deliveryTimeout = atLeast(timeout, Duration.ofSeconds(1), "deliveryTimeout");
            return this;
        }

        /**
         * @param timeout how long {@link #record} may block when the producer's buffer is full
         *     or metadata is missing ({@code max.block.ms})
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxBlock(Duration timeout) {
            this.maxBlock = atLeast(timeout, Duration.ZERO, "maxBlock");
            return this;
        }

        /**
         * @param timeout how long {@link #close()} waits for buffered events
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = atLeast(timeout, Duration.ZERO, "closeTimeout");
            return this;
        }

        private static Duration atLeast(Duration d, Duration min, String name) {
            Objects.requireNonNull(d, name);
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException("Kafka exposure sink " + name
                        + " must be at least " + min + ", but was " + d);
            }
            return d;
        }

        /**
         * Creates the producer (it connects lazily, in the background).
         *
         * @return the sink
         * @throws org.apache.kafka.common.KafkaException if the producer configuration is
         *     invalid
         */
        public KafkaExposureSink build() {
            Duration pause = maxBlock.compareTo(Duration.ofSeconds(1)) < 0
                    ? Duration.ofSeconds(1) : maxBlock;
            return new KafkaExposureSink(new KafkaProducer<>(producerConfig()), topic,
                    closeTimeout, pause);
        }

        /** @return the producer configuration {@link #build()} uses */
        Map<String, Object> producerConfig() {
            Map<String, Object> c = new HashMap<>();
            c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            c.put(ProducerConfig.ACKS_CONFIG, "all");
            c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
            c.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
            // The request timeout must fit in the delivery timeout (with linger.ms).
            c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    (int) Math.min(30_000, deliveryTimeout.toMillis() / 2));
            c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock.toMillis());
            c.put(ProducerConfig.CLIENT_ID_CONFIG, "release-router-exposures");
            c.putAll(properties);
            c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class.getName());
            return c;
        }
    }
}

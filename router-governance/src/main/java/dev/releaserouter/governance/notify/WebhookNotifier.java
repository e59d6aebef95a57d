package dev.releaserouter.governance.notify;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.notify.Notification;
import dev.releaserouter.api.notify.Notifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Notifier} that POSTs each notification as JSON to an HTTP endpoint (a chat
 * incoming-webhook relay, an incident tool, a CI system). Body and headers in
 * {@code docs/notifications.md}:
 *
 * <ul>
 *   <li>{@code Content-Type: application/json}; the body is one JSON object
 *       ({@code event_type}, {@code model}, {@code version}, {@code actor}, {@code reason},
 *       {@code ticket}, {@code time}, {@code details});
 *   <li>{@code X-Release-Router-Event}: the event type; {@code X-Release-Router-Delivery}: one
 *       id per notification, the same on every retry (receivers deduplicate with it);
 *   <li>{@code X-Release-Router-Signature: sha256=<hex>}, the HMAC-SHA256 of the body's bytes
 *       under the shared secret, if a secret was given.
 * </ul>
 *
 * <p>A 2xx answer is delivered. A 408, 429, 5xx answer or an I/O error (refused, timed out) is
 * retried after a backoff that doubles from {@linkplain Builder#initialBackoff the initial one}
 * up to {@linkplain Builder#maxBackoff the maximum}, up to {@linkplain Builder#maxAttempts the
 * attempts}; any other answer (a 4xx: the request itself is wrong) is not retried. A
 * notification that is not delivered is abandoned, counted and logged once.
 *
 * <p>Design: {@link #send} never blocks and never throws: it puts the notification on a queue
 * bounded at {@linkplain Builder#queueCapacity the capacity} (counted by an atomic counter, so
 * the check and the enqueue need no lock) and returns; when the queue is full, or after
 * {@link #close()}, the notification is dropped and counted. One daemon thread takes
 * notifications in order and delivers each (with its retries) before the next, so a dead
 * endpoint delays later notifications but never the callers. Counters are atomics read by
 * {@link #stats()} and {@link #status()} from any thread. {@link #close()} lets the worker
 * deliver what is queued for up to {@linkplain Builder#closeTimeout the close timeout}, then
 * stops it; what is left is counted as abandoned.
 */
public final class WebhookNotifier implements Notifier, AutoCloseable {

    /** The HMAC signature header. */
    public static final String SIGNATURE_HEADER = "X-Release-Router-Signature";
    /** The event type header. */
    public static final String EVENT_HEADER = "X-Release-Router-Event";
    /** The delivery id header, the same on every retry of one notification. */
    public static final String DELIVERY_HEADER = "X-Release-Router-Delivery";

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final Delivery STOP = new Delivery(null, new byte[0], "", "");

    private final URI endpoint;
    private final byte @Nullable [] secret;
    private final int capacity;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration requestTimeout;
    private final Duration closeTimeout;
    private final HttpClient client;
    private final LinkedBlockingQueue<Delivery> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final CountDownLatch abort = new CountDownLatch(1);
    private final Thread worker;
    private volatile boolean closed;
    private volatile boolean lastFailed;
    private volatile @Nullable String lastError;

    private WebhookNotifier(Builder b) {
        this.endpoint = b.endpoint;
        this.secret = b.secret == null ? null : b.secret.clone();
        this.capacity = b.queueCapacity;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.requestTimeout = b.requestTimeout;
        this.closeTimeout = b.closeTimeout;
        this.client = HttpClient.newBuilder().connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.worker = new Thread(this::work, "release-router-webhook-" + endpoint.getHost());
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * @param endpoint the URL notifications are POSTed to; {@code http} or {@code https}
     * @return a builder
     * @throws IllegalArgumentException if the URL is not absolute http(s) with a host
     * @throws NullPointerException if endpoint is null
     */
    public static Builder builder(URI endpoint) {
        return new Builder(endpoint);
    }

    /**
     * Queues the notification for delivery and returns at once; drops it (counted in
     * {@link Stats#dropped()}) if the queue is full or the notifier is closed. Never throws
     * for a non-null notification, never blocks.
     *
     * @param notification the notification
     * @throws NullPointerException if notification is null
     */
    @Override
    public void send(Notification notification) {
        Objects.requireNonNull(notification, "notification");
        if (closed) {
            dropped.incrementAndGet();
            return;
        }
        if (pending.incrementAndGet() > capacity) {
            pending.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        try {
            byte[] body = NotificationJson.write(notification).getBytes(StandardCharsets.UTF_8);
            queue.add(new Delivery(notification, body, notification.type().wireName(),
                    UUID.randomUUID().toString()));
        } catch (RuntimeException | LinkageError e) {
            // A detail the JSON writer refuses must not fail a release step.
            pending.decrementAndGet();
            dropped.incrementAndGet();
            failed("cannot encode " + notification + ": " + e);
        }
    }

    /**
     * What the notifier has done so far.
     *
     * @param delivered notifications delivered (a 2xx answer)
     * @param attempts HTTP requests made, retries included
     * @param retries requests that were retries
     * @param abandoned notifications given up on (a non-retryable answer, the attempts used up,
     *     or still queued when {@link #close()} gave up)
     * @param dropped notifications refused by {@link #send}: queue full or notifier closed
     * @param queued notifications waiting or being delivered now
     * @param lastError the last failure (an answer's status or an I/O error), or null
     */
    public record Stats(long delivered, long attempts, long retries, long abandoned,
            long dropped, int queued, @Nullable String lastError) {}

    /** @return the counters now; thread-safe */
    public Stats stats() {
        return new Stats(delivered.get(), attempts.get(), retries.get(), abandoned.get(),
                dropped.get(), Math.max(0, pending.get()), lastError);
    }

    /**
     * The notifier's health for a status page ({@code ReleaseRouter.builder()
     * .statusContributor("webhook", notifier::status)}): {@link ComponentStatus.State#DEGRADED}
     * if the last notification that finished was abandoned, or notifications are being dropped
     * because the queue is full; otherwise UP. Details: the counters of {@link #stats()} and the
     * endpoint without its query.
     *
     * @return the status now; thread-safe
     */
    public ComponentStatus status() {
        Stats s = stats();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("endpoint", endpoint.getScheme() + "://" + endpoint.getAuthority()
                + (endpoint.getPath() == null ? "" : endpoint.getPath()));
        details.put("delivered", s.delivered());
        details.put("retries", s.retries());
        details.put("abandoned", s.abandoned());
        details.put("dropped", s.dropped());
        details.put("queued", s.queued());
        if (closed) {
            return ComponentStatus.degraded("the webhook notifier is closed", details);
        }
        if (s.queued() >= capacity) {
            return ComponentStatus.degraded("the notification queue is full (" + capacity
                    + "); new notifications are dropped", details);
        }
        String error = lastError;
        if (lastFailed && error != null) {
            return ComponentStatus.degraded(error, details);
        }
        return ComponentStatus.up(details);
    }

    /**
     * Stops taking notifications, lets the worker deliver what is queued for up to the close
     * timeout, then stops it (a delivery in progress is interrupted; what is left is counted as
     * abandoned). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            long millis = closeTimeout.toMillis();
            if (millis > 0) { // join(0) would wait forever
                worker.join(millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            abort.countDown();
            worker.interrupt();
        }
    }

    /**
     * The signature header's value for a body: {@code sha256=} and the lowercase hex
     * HMAC-SHA256 of the body's bytes under the secret. A receiver recomputes it over the raw
     * body it received and compares in constant time.
     *
     * @param secret the shared secret's bytes
     * @param body the body's bytes, exactly as sent
     * @return e.g. {@code sha256=5d5d...}
     * @throws IllegalArgumentException if the secret is empty
     * @throws NullPointerException if an argument is null
     */
    public static String signature(byte[] secret, byte[] body) {
        Objects.requireNonNull(body, "body");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    // ---------------------------------------------------------------------------- worker

    private record Delivery(@Nullable Notification notification, byte[] body, String event,
            String id) {}

    private void work() {
        while (true) {
            Delivery d;
            try {
                d = queue.take();
            } catch (InterruptedException e) {
                break;
            }
            if (d == STOP) {
                break;
            }
            try {
                deliver(d);
            } catch (Throwable t) {
                // The worker never dies silently: anything unexpected abandons one delivery.
                failed("delivery of " + d.notification() + " failed: " + t);
                abandoned.incrementAndGet();
            } finally {
                pending.decrementAndGet();
            }
            if (abort.getCount() == 0) {
                break;
            }
        }
        long left = 0;
        for (Delivery d = queue.poll(); d != null; d = queue.poll()) {
            if (d != STOP) {
                left++;
                pending.decrementAndGet();
            }
        }
        if (left > 0) {
            failed("closed with " + left + " notification(s) not delivered");
            abandoned.addAndGet(left);
        }
    }

    private void deliver(Delivery d) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "release-router-webhook")
                .header(EVENT_HEADER, d.event())
                .header(DELIVERY_HEADER, d.id())
                .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()));
        if (secret != null) {
            request.header(SIGNATURE_HEADER, signature(secret, d.body()));
        }
        HttpRequest built = request.build();
        String problem = "";
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (attempt > 1) {
                retries.incrementAndGet();
            }
            attempts.incrementAndGet();
            boolean retryable;
            try {
                HttpResponse<Void> response = client.send(built,
                        HttpResponse.BodyHandlers.discarding());
                int code = response.statusCode();
                if (code >= 200 && code < 300) {
                    delivered.incrementAndGet();
                    lastFailed = false;
                    return;
                }
                problem = "HTTP " + code;
                retryable = code == 408 || code == 429 || code >= 500;
            } catch (IOException e) {
                problem = e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage());
                retryable = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = "interrupted while closing";
                retryable = false;
            }
            LOG.debug("webhook {} attempt {} of {} for {}: {}", endpoint.getHost(), attempt,
                    maxAttempts, d.notification(), problem);
            if (!retryable || attempt == maxAttempts || !backoff(attempt)) {
                break;
            }
        }
        // The error first: a reader that sees the count also sees why.
        failed("webhook " + endpoint.getHost() + " did not take " + d.notification() + ": "
                + problem);
        abandoned.incrementAndGet();
    }

    /** Waits the backoff after the given attempt; false if the notifier is being stopped. */
    private boolean backoff(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 30);
        millis = Math.min(millis < 0 ? Long.MAX_VALUE : millis, maxBackoff.toMillis());
        try {
            return !abort.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void failed(String message) {
        lastFailed = true;
        lastError = message.length() <= 500 ? message : message.substring(0, 497) + "...";
        LOG.warn("{}", lastError);
    }

    /** Configures a {@link WebhookNotifier}. Not thread-safe. */
    public static final class Builder {
        private final URI endpoint;
        private byte @Nullable [] secret;
        private int queueCapacity = 1_000;
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(5);

        private Builder(URI endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            String scheme = endpoint.getScheme() == null ? ""
                    : endpoint.getScheme().toLowerCase(Locale.ROOT);
            if (!endpoint.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))
                    || endpoint.getHost() == null) {
                throw new IllegalArgumentException("webhook endpoint must be an absolute http"
                        + " or https URL with a host, but was '" + endpoint + "'");
            }
            this.endpoint = endpoint;
        }

        /**
         * @param secret the shared secret for the HMAC signature header, or null (the default)
         *     for no signature; copied
         * @return this builder
         * @throws IllegalArgumentException if the secret is empty
         */
        public Builder hmacSecret(byte @Nullable [] secret) {
            if (secret != null && secret.length == 0) {
                throw new IllegalArgumentException("hmacSecret must not be empty; pass null for"
                        + " no signature");
            }
            this.secret = secret == null ? null : secret.clone();
            return this;
        }

        /**
         * @param capacity how many notifications may wait; 1000 by default; at least 1
         * @return this builder
         * @throws IllegalArgumentException if capacity is below 1
         */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1, but was "
                        + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * @param attempts HTTP requests per notification, the first included; 5 by default;
         *     at least 1
         * @return this builder
         * @throws IllegalArgumentException if attempts is below 1
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, but was "
                        + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param initial the wait after the first failed attempt (then doubled each time);
         *     500 ms by default; not negative
         * @param max the longest wait; 30 s by default; at least {@code initial}
         * @return this builder
         * @throws IllegalArgumentException if initial is negative or max below initial
         */
        public Builder backoff(Duration initial, Duration max) {
            if (initial.isNegative() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff must be 0 <= initial <= max, but was"
                        + " initial " + initial + ", max " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * @param connect the connect timeout; 5 s by default; positive
         * @param request the timeout of one request, answer included; 10 s by default;
         *     positive
         * @return this builder
         * @throws IllegalArgumentException if a timeout is not positive
         */
        public Builder timeouts(Duration connect, Duration request) {
            positive(connect, "connect timeout");
            positive(request, "request timeout");
            this.connectTimeout = connect;
            this.requestTimeout = request;
            return this;
        }

        /**
         * @param timeout how long {@link WebhookNotifier#close()} lets queued notifications be
         *     delivered; 5 s by default; not negative
         * @return this builder
         * @throws IllegalArgumentException if timeout is negative
         */
        public Builder closeTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative, but was "
                        + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        private static void positive(Duration d, String name) {
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, but was " + d);
            }
        }

        /**
         * Builds the notifier and starts its delivery thread (a daemon); close it when done.
         *
         * @return the notifier; thread-safe
         */
        public WebhookNotifier build() {
            return new WebhookNotifier(this);
        }
    }
}

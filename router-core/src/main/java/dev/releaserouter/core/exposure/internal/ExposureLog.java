package dev.releaserouter.core.exposure.internal;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.api.spi.ExposureSink;
import dev.releaserouter.core.exposure.ExposureSettings;
import dev.releaserouter.core.internal.Throwables;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A router's exposure events: deduplication on the decision path, a bounded queue, and one
 * daemon thread that hands events to the sink.
 *
 * <p>Design: {@link #expose} runs on request threads inside {@code decide}, so it takes no lock,
 * does no I/O and, for a duplicate, allocates nothing. Deduplication is one bounded Caffeine
 * cache per (model, version), keyed by the request's own entity-key string (no key object is
 * built) and written with {@code putIfAbsent}: a live entry is a duplicate (Caffeine's optimistic
 * read path, no lock), an absent or expired one is replaced atomically, so two threads deciding
 * the same new exposure emit it once. The per-(model, version) caches are found through two
 * {@link ConcurrentHashMap#get} calls (lock-free) and created once, on first use. A new exposure
 * is counted into {@link #queued} first, so the queue never holds more than its capacity; if it
 * is full the event is dropped (counted) and its deduplication entry removed, so a later
 * decision emits it. The queue is a {@link LinkedTransferQueue}: a lock-free offer that wakes
 * the waiting delivery thread directly. The delivery thread alone touches the sink and the
 * HMAC; everything it catches is counted and shown in {@link #status()}, so it never dies
 * silently, and a sink that fails is logged once when it starts failing and once when it
 * recovers. {@link #close} puts a stop marker on the queue: the thread delivers what came
 * before it, flushes and closes the sink, and is waited for a bounded time.
 */
public final class ExposureLog {

    private static final Logger LOG = LoggerFactory.getLogger(ExposureLog.class);
    /** Events delivered between two flushes under sustained load. */
    private static final int MAX_BATCH = 1_000;
    private static final Pending STOP = new Pending(Instant.EPOCH, RouteRequest.of("-", "-"),
            RouteDecision.withoutBucket("-", Role.STABLE, Reason.INTERNAL_ERROR, 0));

    private final ExposureSink sink;
    private final Clock clock;
    private final LongSupplier ticker;
    private final long windowNanos;
    private final int capacity;
    private final @Nullable EntityKeyHasher hasher;
    private final Set<String> allowedAttributes;
    private final int queueCapacity;
    private final Duration closeTimeout;

    /** Model -> version -> entity keys seen within the window (Caffeine caches' map views). */
    private final Map<String, Map<String, ConcurrentMap<String, Boolean>>> seen =
            new ConcurrentHashMap<>();
    private final LinkedTransferQueue<Pending> queue = new LinkedTransferQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder duplicates = new LongAdder();
    private final AtomicLong exposed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong sinkFailures = new AtomicLong();
    private final AtomicLong internalErrors = new AtomicLong();
    /** What the last record or flush threw, while no later one succeeded; else null. */
    private volatile @Nullable String sinkError;
    /** Why the delivery thread ended, if it ended other than by close. */
    private volatile @Nullable String threadError;
    private volatile boolean closing;
    private final Thread thread;

    /**
     * Starts the delivery thread.
     *
     * @param settings the settings
     * @param clock the router's clock (event times)
     * @param ticker the router's nanosecond ticker (deduplication windows)
     * @param routerSecret the router's hash secret (the derived HMAC key)
     */
    public ExposureLog(ExposureSettings settings, Clock clock, LongSupplier ticker,
            byte[] routerSecret) {
        this.sink = settings.sink();
        this.clock = clock;
        this.ticker = ticker;
        this.windowNanos = settings.deduplicationWindow().toNanos();
        this.capacity = settings.deduplicationCapacity();
        byte[] key = settings.hashKey();
        this.hasher = settings.entityKeys() == ExposureSettings.EntityKeys.PLAIN ? null
                : key != null ? EntityKeyHasher.withKey(key)
                : EntityKeyHasher.derivedFrom(routerSecret);
        this.allowedAttributes = settings.attributes();
        this.queueCapacity = settings.queueCapacity();
        this.closeTimeout = settings.closeTimeout();
        this.thread = new Thread(this::run, "release-router-exposures");
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((t, e) -> threadError = e.toString());
        thread.start();
    }

    // ---------------------------------------------------------------- request threads

    /**
     * Emits the exposure of a decision unless it is a duplicate; never blocks, never throws
     * (but fatal VM errors), allocates nothing for a duplicate. Decisions without a version
     * (an unknown model) are not exposures.
     *
     * @param request the request
     * @param decision its decision
     */
    public void expose(RouteRequest request, RouteDecision decision) {
        try {
            String version = decision.version();
            if (version == null) {
                return;
            }
            ConcurrentMap<String, Boolean> marks = null;
            if (windowNanos > 0) {
                marks = marks(request.model(), version);
                if (marks.putIfAbsent(request.entityKey(), Boolean.TRUE) != null) {
                    duplicates.increment();
                    return;
                }
            }
            boolean stopping = closing; // read once: it may change meanwhile
            if (stopping || queued.incrementAndGet() > queueCapacity) {
                if (!stopping) {
                    queued.decrementAndGet();
                }
                dropped.incrementAndGet();
                if (marks != null) {
                    marks.remove(request.entityKey(), Boolean.TRUE); // a later decision retries
                }
                return;
            }
            queue.offer(new Pending(clock.instant(), request, decision));
            exposed.incrementAndGet();
        } catch (Throwable t) {
            Throwables.rethrowIfFatal(t);
            internalErrors.incrementAndGet();
        }
    }

    private ConcurrentMap<String, Boolean> marks(String model, String version) {
        Map<String, ConcurrentMap<String, Boolean>> byVersion = seen.get(model);
        if (byVersion == null) {
            byVersion = seen.computeIfAbsent(model, m -> new ConcurrentHashMap<>());
        }
        ConcurrentMap<String, Boolean> marks = byVersion.get(version);
        if (marks == null) {
            marks = byVersion.computeIfAbsent(version, v -> newMarks());
        }
        return marks;
    }

    private ConcurrentMap<String, Boolean> newMarks() {
        return Caffeine.newBuilder()
                .maximumSize(capacity)
                .expireAfterWrite(windowNanos, TimeUnit.NANOSECONDS)
                .ticker(ticker::getAsLong)
                .<String, Boolean>build()
                .asMap();
    }

    // ---------------------------------------------------------------- status

    /**
     * The {@code exposures} component of the router's status: DEGRADED while the sink fails
     * or if the delivery thread stopped, with counts as numeric details.
     *
     * @return the status; never throws
     */
    public ComponentStatus status() {
        long sinkDeliveryFailures = 0;
        String sinkFailing = null;
        try {
            sinkDeliveryFailures = sink.failedDeliveries();
            sinkFailing = sink.failing();
        } catch (Throwable t) {
            Throwables.rethrowIfFatal(t);
            sinkFailing = "the exposure sink's status threw " + t;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("exposed", exposed.get());
        details.put("recorded", recorded.get());
        details.put("duplicates", duplicates.sum());
        details.put("dropped", dropped.get());
        details.put("queued", Math.max(0, queued.get()));
        details.put("sinkFailures", sinkFailures.get() + sinkDeliveryFailures);
        details.put("internalErrors", internalErrors.get());
        details.put("tracked", tracked());
        String threadErr = threadError;
        if (threadErr != null || (!closing && !thread.isAlive())) {
            return ComponentStatus.degraded("the exposure thread stopped: "
                    + (threadErr != null ? threadErr : "unknown cause"), details);
        }
        String err = sinkError;
        if (err != null) {
            return ComponentStatus.degraded("the exposure sink fails: " + err, details);
        }
        if (sinkFailing != null) {
            return ComponentStatus.degraded("the exposure sink fails: " + sinkFailing, details);
        }
        return ComponentStatus.up(details);
    }

    /** @return (model, entity, version) entries held for deduplication (an estimate) */
    private long tracked() {
        long n = 0;
        for (Map<String, ConcurrentMap<String, Boolean>> byVersion : seen.values()) {
            for (ConcurrentMap<String, Boolean> m : byVersion.values()) {
                n += m.size();
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- delivery thread

    private void run() {
        while (true) {
            try {
                Pending p = queue.poll(1, TimeUnit.SECONDS);
                if (p == null) {
                    continue;
                }
                int n = 0;
                while (p != null && p != STOP && n < MAX_BATCH) {
                    deliver(p);
                    n++;
                    p = n < MAX_BATCH ? queue.poll() : null;
                }
                if (p == STOP) {
                    drainAndClose();
                    return;
                }
                callSink(sink::flush, false);
            } catch (InterruptedException e) {
                // Nobody interrupts this thread on purpose; keep delivering until close.
            } catch (Throwable t) {
                internalErrors.incrementAndGet();
                try {
                    LOG.error("Release Router: unexpected failure in the exposure thread", t);
                } catch (Throwable ignored) {
                    // Counted above.
                }
            }
        }
    }

    private void drainAndClose() {
        Pending p;
        while ((p = queue.poll()) != null) {
            if (p != STOP) {
                deliver(p);
            }
        }
        callSink(sink::flush, false);
        callSink(sink::close, false);
    }

    private void deliver(Pending p) {
        queued.decrementAndGet();
        ExposureEvent event;
        try {
            event = event(p);
        } catch (Throwable t) {
            internalErrors.incrementAndGet();
            return;
        }
        if (callSink(() -> sink.record(event), true)) {
            recorded.incrementAndGet();
        }
    }

    private ExposureEvent event(Pending p) {
        RouteRequest r = p.request;
        String key = r.entityKey();
        ExposureEvent.Builder b = ExposureEvent.builder(r.model(), p.decision.version(),
                        hasher == null ? key : hasher.hash(key))
                .entityEncoding(hasher == null ? ExposureEvent.EntityEncoding.PLAIN
                        : ExposureEvent.EntityEncoding.HMAC_SHA256)
                .time(p.time)
                .decision(p.decision)
                .tenant(r.tenant())
                .region(r.region())
                .channel(r.channel())
                .product(r.product());
        if (!allowedAttributes.isEmpty() && !r.attributes().isEmpty()) {
            for (String name : allowedAttributes) {
                String v = r.attributes().get(name);
                if (v != null) {
                    b.attribute(name, v);
                }
            }
        }
        return b.build();
    }

    /**
     * Calls the sink; a failure is counted, logged when the sink starts failing, never thrown.
     * Only a record that succeeds ends a failure (a flush of nothing proves little).
     */
    private boolean callSink(Runnable call, boolean record) {
        try {
            call.run();
            if (record && sinkError != null) {
                sinkError = null;
                LOG.info("Release Router: the exposure sink works again ({} failures so far)",
                        sinkFailures.get());
            }
            return true;
        } catch (Throwable t) {
            sinkFailures.incrementAndGet();
            if (sinkError == null) {
                sinkError = t.toString();
                try {
                    LOG.warn("Release Router: the exposure sink fails; events are counted as "
                            + "sinkFailures and lost until it recovers (logged once)", t);
                } catch (Throwable ignored) {
                    // Counted above.
                }
            } else {
                sinkError = t.toString();
            }
            return false;
        }
    }

    // ---------------------------------------------------------------- close

    /**
     * Stops taking exposures, waits up to the close timeout for the queued ones to reach the
     * sink and for the sink to close. Events left after that are counted as dropped.
     *
     * @return whether the thread finished within the timeout
     */
    public boolean close() {
        closing = true;
        queue.offer(STOP);
        try {
            thread.join(Math.max(1, closeTimeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Release Router: the exposure sink did not finish within {}; {} queued "
                    + "events are not delivered", closeTimeout, Math.max(0, queued.get()));
            return false;
        }
        Pending p;
        while ((p = queue.poll()) != null) {
            if (p != STOP) {
                queued.decrementAndGet();
                dropped.incrementAndGet();
            }
        }
        return true;
    }

    /** A new exposure on its way to the sink. */
    private static final class Pending {
        final Instant time;
        final RouteRequest request;
        final RouteDecision decision;

        Pending(Instant time, RouteRequest request, RouteDecision decision) {
            this.time = time;
            this.request = request;
            this.decision = decision;
        }
    }
}

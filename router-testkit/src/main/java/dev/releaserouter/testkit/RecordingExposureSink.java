package dev.releaserouter.testkit;

import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.api.spi.ExposureSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An {@link ExposureSink} that keeps every event, for tests that assert on a router's exposures
 * with AssertJ (or anything else that reads lists and maps).
 *
 * <pre>{@code
 * RecordingExposureSink exposures = new RecordingExposureSink();
 * Router router = ReleaseRouter.builder()...
 *         .exposures(ExposureSettings.builder(exposures).plainEntityKeys().build()).build();
 * router.decide(RouteRequest.of("churn", "customer-42"));
 *
 * assertThat(exposures.awaitEvents(1, Duration.ofSeconds(5)))
 *         .extracting(ExposureEvent::version).containsExactly("v2");
 * assertThat(exposures.countsByVersion("churn")).containsEntry("v2", 1L);
 * }</pre>
 *
 * <p>The router delivers exposures from a background thread, so wait for them with
 * {@link #awaitEvents(int, Duration)} (or close the router first: it delivers what is queued).
 * Thread-safe: one lock guards the events; every accessor returns a copy.
 */
public final class RecordingExposureSink implements ExposureSink {

    private final List<ExposureEvent> events = new ArrayList<>();
    private int flushes;
    private boolean closed;

    /** Creates an empty sink. */
    public RecordingExposureSink() {}

    @Override
    public synchronized void record(ExposureEvent event) {
        events.add(Objects.requireNonNull(event, "event"));
        notifyAll();
    }

    @Override
    public synchronized void flush() {
        flushes++;
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** @return every event so far, in delivery order; a copy */
    public synchronized List<ExposureEvent> events() {
        return List.copyOf(events);
    }

    /**
     * @param model a model
     * @return the model's events, in delivery order
     */
    public List<ExposureEvent> events(String model) {
        Objects.requireNonNull(model, "model");
        return matching(e -> e.model().equals(model));
    }

    /**
     * @param model a model
     * @param entity an entity as written in events (the plain key, or its hash)
     * @return that entity's events of the model, in delivery order (decision order)
     */
    public List<ExposureEvent> events(String model, String entity) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(entity, "entity");
        return matching(e -> e.model().equals(model) && e.entity().equals(entity));
    }

    /**
     * @param model a model
     * @return how many exposures each version of the model had, by version name (sorted); the
     *     counts a sample ratio mismatch check compares with the weights
     */
    public Map<String, Long> countsByVersion(String model) {
        Map<String, Long> counts = new TreeMap<>();
        for (ExposureEvent e : events(model)) {
            counts.merge(e.version(), 1L, Long::sum);
        }
        return counts;
    }

    /**
     * Waits until at least {@code count} events have arrived.
     *
     * @param count how many events to wait for
     * @param timeout how long to wait at most
     * @return every event so far (at least {@code count})
     * @throws AssertionError if fewer arrived within the timeout, saying how many did
     */
    public synchronized List<ExposureEvent> awaitEvents(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected at least " + count + " exposure events within "
                        + timeout + ", but " + events.size() + " arrived");
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for exposure events", e);
            }
        }
        return List.copyOf(events);
    }

    /** @return how many times the router flushed the sink */
    public synchronized int flushes() {
        return flushes;
    }

    /** @return whether the router closed the sink */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Forgets the events recorded so far. */
    public synchronized void clear() {
        events.clear();
    }

    private synchronized List<ExposureEvent> matching(Predicate<ExposureEvent> p) {
        List<ExposureEvent> out = new ArrayList<>();
        for (ExposureEvent e : events) {
            if (p.test(e)) {
                out.add(e);
            }
        }
        return out;
    }
}

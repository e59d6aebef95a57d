package dev.releaserouter.core.testing;

import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.api.spi.ExposureSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps the exposures the router delivers; counts flushes and closes. Thread-safe; extend it to
 * make a sink slow or failing.
 */
public class RecordingExposureSink implements ExposureSink {

    public final List<ExposureEvent> events = new CopyOnWriteArrayList<>();
    public final AtomicInteger flushes = new AtomicInteger();
    public final AtomicInteger closes = new AtomicInteger();
    /** Names of the threads that called the sink. */
    public final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void record(ExposureEvent event) {
        threads.add(Thread.currentThread().getName());
        events.add(event);
    }

    @Override
    public void flush() {
        flushes.incrementAndGet();
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}

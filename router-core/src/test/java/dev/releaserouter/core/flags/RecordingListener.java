package dev.releaserouter.core.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Records what a flag source reports, and on which thread; lets tests await a report. */
final class RecordingListener implements FlagSource.Listener {

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final List<Object> all = new ArrayList<>();
    volatile Thread lastThread;

    @Override
    public void onChange(RouterConfig config) {
        lastThread = Thread.currentThread();
        events.add(config);
    }

    @Override
    public void onError(ConfigException error) {
        lastThread = Thread.currentThread();
        events.add(error);
    }

    /** Everything reported so far (drains the queue into the history). */
    List<Object> events() {
        events.drainTo(all);
        return List.copyOf(all);
    }

    List<RouterConfig> changes() {
        return events().stream().filter(RouterConfig.class::isInstance)
                .map(RouterConfig.class::cast).toList();
    }

    List<ConfigException> errors() {
        return events().stream().filter(ConfigException.class::isInstance)
                .map(ConfigException.class::cast).toList();
    }

    /**
     * Waits until a report of the given type that matches arrives, skipping others.
     *
     * @return the report
     */
    <T> T await(Class<T> type, Predicate<T> matching, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Object event = events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (event == null) {
                return fail("no matching " + type.getSimpleName() + " within " + within
                        + "; reported before: " + all);
            }
            all.add(event);
            if (type.isInstance(event) && matching.test(type.cast(event))) {
                return type.cast(event);
            }
        }
    }

    void assertNothingReported() {
        assertThat(events()).isEmpty();
    }
}

package dev.releaserouter.api.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The default {@link OverrideStore}: one atomic reference.
 *
 * <p>Design: compare-and-set is one CAS on the reference, so it is linearizable. Listeners are
 * told on one notifier thread (a daemon, started by the first write that has listeners to tell,
 * ending when idle for a second), in write order, never on the writer's thread: a writer holding
 * its own lock (a router applying an admin change) never runs another listener's code, so two
 * routers sharing a store cannot deadlock each other.
 */
final class InMemoryOverrideStore implements OverrideStore {

    private final AtomicReference<OverrideDocument> current =
            new AtomicReference<>(OverrideDocument.EMPTY);
    private final CopyOnWriteArrayList<Registration> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final ExecutorService notifier = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "release-router-override-store");
                t.setDaemon(true);
                return t;
            });

    @Override
    public OverrideDocument load() {
        return current.get();
    }

    @Override
    public Optional<OverrideDocument> compareAndSet(long expectedRevision, String content) {
        Objects.requireNonNull(content, "content");
        OverrideDocument now = current.get();
        if (now.revision() != expectedRevision) {
            return Optional.empty();
        }
        OverrideDocument next = new OverrideDocument(expectedRevision + 1, content);
        if (!current.compareAndSet(now, next)) {
            return Optional.empty();
        }
        if (!listeners.isEmpty()) {
            try {
                notifier.execute(() -> {
                    for (Registration r : listeners) {
                        r.tell(next);
                    }
                });
            } catch (RejectedExecutionException closedMeanwhile) {
                // Closed: subscriptions have stopped.
            }
        }
        return Optional.of(next);
    }

    @Override
    public Subscription subscribe(Listener listener) {
        Registration r = new Registration(Objects.requireNonNull(listener, "listener"));
        if (!closed) {
            listeners.add(r);
        }
        return () -> listeners.remove(r);
    }

    @Override
    public void close() {
        closed = true;
        listeners.clear();
        notifier.shutdown();
    }

    /** One listener; its calls are serialized. */
    private static final class Registration {
        private final Listener listener;

        Registration(Listener listener) {
            this.listener = listener;
        }

        synchronized void tell(OverrideDocument d) {
            try {
                listener.onChange(d);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable t) {
                // User code: contained, so the writer and the other listeners go on.
            }
        }
    }
}

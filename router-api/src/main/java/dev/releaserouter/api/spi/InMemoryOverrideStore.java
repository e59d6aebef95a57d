package dev.releaserouter.api.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The default {@link OverrideStore}: one atomic reference.
 *
 * <p>Design: compare-and-set is one CAS on the reference, so it is linearizable. Listeners are
 * told on the writer's thread, after the write, under a per-listener lock, so calls to one
 * listener never overlap; a listener may be told of a document after a newer one (two writers
 * racing to notify), which the contract allows.
 */
final class InMemoryOverrideStore implements OverrideStore {

    private final AtomicReference<OverrideDocument> current =
            new AtomicReference<>(OverrideDocument.EMPTY);
    private final CopyOnWriteArrayList<Registration> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

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
        for (Registration r : listeners) {
            r.tell(next);
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

package dev.releaserouter.replay.store;

import dev.releaserouter.api.shadow.PairStore;
import dev.releaserouter.api.shadow.ShadowPair;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link PairStore} that keeps the first {@code capacity} pairs in memory and drops (and counts)
 * the rest, for tests and demos. Create one with {@link PairStores#inMemory(int)}.
 *
 * <p>Thread-safe; {@link #append} never waits. After {@link #close()} it accepts nothing more, but
 * {@link #pairs()} still returns what it kept.
 */
public final class InMemoryPairStore implements PairStore {

    private final ArrayBlockingQueue<ShadowPair> pairs;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    InMemoryPairStore(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, but was " + capacity);
        }
        this.pairs = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * @param pair the pair
     * @return false if it was dropped (full, or closed)
     * @throws NullPointerException if pair is null
     */
    @Override
    public boolean append(ShadowPair pair) {
        Objects.requireNonNull(pair, "pair");
        if (!closed && pairs.offer(pair)) {
            return true;
        }
        dropped.incrementAndGet();
        return false;
    }

    /** @return a copy of the kept pairs, in the order they were accepted */
    public List<ShadowPair> pairs() {
        return List.copyOf(pairs);
    }

    /** @return pairs dropped because the store was full or closed */
    @Override
    public long dropped() {
        return dropped.get();
    }

    /** Stops accepting pairs. Idempotent. */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "InMemoryPairStore[" + pairs.size() + " pairs, dropped " + dropped() + "]";
    }
}

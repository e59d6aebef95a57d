package dev.releaserouter.core.shadow.internal;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.shadow.OutputValidator;
import dev.releaserouter.api.shadow.Predictor;
import dev.releaserouter.api.shadow.ShadowComparator;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A bounded multi-producer, multi-consumer ring of preallocated slots that carry shadow calls
 * from request threads to shadow workers: the hand-off writes the call's fields into a slot in
 * place, so it allocates nothing.
 *
 * <p>Design: Dmitry Vyukov's bounded MPMC queue. Each slot has a sequence number; a producer
 * claims position {@code p} when the slot's sequence equals {@code p} (one CAS on the enqueue
 * counter), writes the fields and publishes by setting the sequence to {@code p + 1}; a consumer
 * takes position {@code p} when the sequence equals {@code p + 1} (one CAS on the dequeue
 * counter), copies the fields out, clears them and frees the slot for the next lap by setting the
 * sequence to {@code p + capacity}. The sequence is a volatile field: its write publishes the
 * plain field writes before it, and, being sequentially consistent, it pairs with the workers'
 * idle announcement (see {@code ShadowRunner}) so that a call published while a worker goes idle
 * is never missed. JCTools' queues implement the same algorithm but carry references, which would
 * need an object per call or a second queue of free slots; the in-place slots need neither.
 *
 * <p>Lock-free; a full ring refuses ({@link #claim()} returns -1), never blocks. A producer that
 * claimed a slot must publish it: consumers wait in order behind an unpublished slot.
 */
final class HandOffRing {

    /** One call in the ring; its fields are written by one producer, read by one consumer. */
    static final class Slot {
        volatile long sequence;
        @Nullable Lane lane;
        @Nullable String stableVersion;
        @Nullable Predictor<Object, Object> candidate;
        @Nullable Object input;
        @Nullable Object stableOutput;
        long stableNanos;
        @Nullable RouteRequest request;
        @Nullable ShadowComparator<Object> comparator;
        @Nullable OutputValidator<Object> validator;

        Slot(long sequence) {
            this.sequence = sequence;
        }

        void clear() {
            lane = null;
            stableVersion = null;
            candidate = null;
            input = null;
            stableOutput = null;
            request = null;
            comparator = null;
            validator = null;
        }
    }

    private final Slot[] slots;
    private final int capacity;
    private final AtomicLong enqueue = new AtomicLong();
    private final AtomicLong dequeue = new AtomicLong();

    /**
     * @param capacity the most calls waiting, at least 1; a ring holds at least 2 (the algorithm
     *     cannot tell a full one-slot ring from an empty one), so bound a smaller number of calls
     *     outside it
     */
    HandOffRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, but was " + capacity);
        }
        this.capacity = Math.max(2, capacity);
        this.slots = new Slot[this.capacity];
        for (int i = 0; i < this.capacity; i++) {
            slots[i] = new Slot(i);
        }
    }

    /** @return how many calls the ring holds, at least 2 */
    int capacity() {
        return capacity;
    }

    private Slot at(long position) {
        return slots[(int) (position % capacity)];
    }

    /**
     * Claims the next free slot for writing.
     *
     * @return its position, or -1 if the ring is full
     */
    long claim() {
        long pos = enqueue.get();
        for (;;) {
            long dif = at(pos).sequence - pos;
            if (dif == 0) {
                if (enqueue.compareAndSet(pos, pos + 1)) {
                    return pos;
                }
                pos = enqueue.get();
            } else if (dif < 0) {
                return -1;
            } else {
                pos = enqueue.get(); // another producer took it
            }
        }
    }

    /** @return the slot at a claimed or taken position */
    Slot slot(long position) {
        return at(position);
    }

    /** Makes a claimed slot's call visible to consumers. */
    void publish(long position) {
        at(position).sequence = position + 1;
    }

    /**
     * Takes the oldest published call.
     *
     * @return its position (read its {@link #slot}, then {@link #free} it), or -1 if there is
     *     none
     */
    long take() {
        long pos = dequeue.get();
        for (;;) {
            long dif = at(pos).sequence - (pos + 1);
            if (dif == 0) {
                if (dequeue.compareAndSet(pos, pos + 1)) {
                    return pos;
                }
                pos = dequeue.get();
            } else if (dif < 0) {
                return -1;
            } else {
                pos = dequeue.get();
            }
        }
    }

    /** Clears a taken slot and gives it to the next lap. */
    void free(long position) {
        Slot s = at(position);
        s.clear();
        s.sequence = position + capacity;
    }

    /** @return whether a published call is waiting (a volatile read of its sequence) */
    boolean hasWork() {
        long pos = dequeue.get();
        return at(pos).sequence == pos + 1;
    }

    /** @return calls claimed and not yet taken (approximate while producers work) */
    int size() {
        return (int) Math.max(0, Math.min(capacity, enqueue.get() - dequeue.get()));
    }
}

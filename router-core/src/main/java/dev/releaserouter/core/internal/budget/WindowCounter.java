package dev.releaserouter.core.internal.budget;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts grants in a rolling window of {@value #SLOTS} slots and never grants more than the limit
 * within the slots that make up the window, whatever the concurrency.
 *
 * <p>Design: each slot is one {@code long} packing the slot's epoch (high 32 bits, truncated) and
 * its count (low 32 bits), updated by CAS, so rotating a stale slot to the current epoch and
 * counting in it is one atomic step. A grant is optimistic: increment the current slot, sum the
 * window, and roll back if the sum is over the limit (so racing callers can only be refused, never
 * over-granted). The epoch used is the largest any caller has seen ({@link #latestEpoch}); a caller
 * whose epoch was overtaken while it counted rolls back and retries in the new epoch, so a caller
 * with a slightly older clock cannot add to a slot that a newer window has already summed.
 * Lock-free; no allocation.
 */
public final class WindowCounter {

    static final int SLOTS = 60;

    private final long slotMillis;
    private final AtomicLongArray slots = new AtomicLongArray(SLOTS);
    private final AtomicLong latestEpoch = new AtomicLong(Long.MIN_VALUE);
    private final long windowMillis;

    /**
     * @param windowMillis the window length, at least 1000 ms
     */
    public WindowCounter(long windowMillis) {
        this.windowMillis = windowMillis;
        this.slotMillis = Math.max(1, windowMillis / SLOTS);
    }

    /** @return the window length this counter was built for */
    public long windowMillis() {
        return windowMillis;
    }

    /**
     * Grants one unit if fewer than {@code limit} were granted in the window ending now.
     *
     * @param nowMillis current time
     * @param limit the most grants per window
     * @return the epoch of the grant (pass it to {@link #release}), or {@code Long.MIN_VALUE} if
     *     refused
     */
    public long tryAcquire(long nowMillis, long limit) {
        while (true) {
            long epoch = advance(Math.floorDiv(nowMillis, slotMillis));
            int idx = (int) Math.floorMod(epoch, (long) SLOTS);
            increment(idx, epoch);
            long sum = sum(epoch);
            if (latestEpoch.get() != epoch) {
                decrement(idx, epoch);
                continue; // a newer window started while we counted: retry there
            }
            if (sum <= limit) {
                return epoch;
            }
            decrement(idx, epoch);
            return Long.MIN_VALUE;
        }
    }

    /**
     * Gives back a grant (when another limit refused the same request).
     *
     * @param epoch what {@link #tryAcquire} returned
     */
    public void release(long epoch) {
        decrement((int) Math.floorMod(epoch, (long) SLOTS), epoch);
    }

    /**
     * @param nowMillis current time
     * @return grants counted in the window ending now
     */
    public long used(long nowMillis) {
        long epoch = Math.max(Math.floorDiv(nowMillis, slotMillis), latestEpoch.get());
        return sum(epoch);
    }

    /** Forgets every grant. */
    public void reset() {
        for (int i = 0; i < SLOTS; i++) {
            slots.set(i, 0);
        }
    }

    private long advance(long clockEpoch) {
        long seen = latestEpoch.get();
        while (clockEpoch > seen) {
            if (latestEpoch.compareAndSet(seen, clockEpoch)) {
                return clockEpoch;
            }
            seen = latestEpoch.get();
        }
        return seen;
    }

    private void increment(int idx, long epoch) {
        int e = (int) epoch;
        while (true) {
            long cur = slots.get(idx);
            long count = (int) (cur >>> 32) == e ? cur & 0xFFFF_FFFFL : 0;
            if (slots.compareAndSet(idx, cur, ((long) e << 32) | (count + 1))) {
                return;
            }
        }
    }

    private void decrement(int idx, long epoch) {
        int e = (int) epoch;
        while (true) {
            long cur = slots.get(idx);
            long count = cur & 0xFFFF_FFFFL;
            if ((int) (cur >>> 32) != e || count == 0) {
                return; // the slot moved on: its grants left the window anyway
            }
            if (slots.compareAndSet(idx, cur, ((long) e << 32) | (count - 1))) {
                return;
            }
        }
    }

    private long sum(long epoch) {
        long total = 0;
        int e = (int) epoch;
        for (int i = 0; i < SLOTS; i++) {
            long v = slots.get(i);
            int age = e - (int) (v >>> 32);
            if (age >= 0 && age < SLOTS) {
                total += v & 0xFFFF_FFFFL;
            }
        }
        return total;
    }
}

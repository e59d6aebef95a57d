package dev.releaserouter.core.budget.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * The grant history of one candidate's budget, at a resolution of one sixtieth of a window
 * length, and the rolling-window check on it: never grants more than the limit within any
 * window of that length, whatever the concurrency, and keeps what was granted when the window
 * length changes.
 *
 * <p>Design. <b>Fine slots</b>: a ring of {@value #RING} slots of {@code ceil(window / 60)} ms,
 * each one {@code long} packing the slot's epoch (high 32 bits, truncated) and its count (low 32
 * bits), updated by CAS, so rotating a stale slot to the current epoch and counting in it is one
 * atomic step. The window check sums the slots of ages 0 to {@value #SLOTS} (61 slots): since a
 * window is at most 60 slot lengths, two grants less than a window apart are always at most 60
 * slots apart, so a grant is counted for at least a whole window (and at most two slot lengths
 * more). A grant is optimistic: increment the current slot, sum, and roll back if the sum is over
 * the limit (so racing callers can only be refused, never over-granted). The epoch used is the
 * largest any caller has seen ({@link #latestEpoch}); a caller whose epoch was overtaken while it
 * counted rolls back and retries in the new epoch.
 *
 * <p><b>Older history</b>: when a fine slot is rotated, its count is first added to a ring of
 * {@value #COARSE} coarse buckets of 64 slots each (about a window each), and a coarse bucket
 * that rotates is folded into one "ancient" count with the latest time it may hold. Adding
 * before the rotating CAS (and undoing the add if the CAS fails) means a reader that reads the
 * fine slots first and the coarse ones after may count a grant twice, never miss it. This
 * history is read only when the window length changes.
 *
 * <p><b>Window changes</b> ({@link BudgetState#windowFor}): a new counter is built for the new
 * length and seeded with everything this one recorded, each count placed at the latest instant
 * it may have happened (the end of its slot or bucket), so it stays counted at least as long as
 * it truly should: consumption survives the change conservatively. Snapshots compiled before the
 * change may still grant through the old counter: once this counter has a {@link #successor},
 * its grants are handed over to the successor (and refused while the successor is being seeded),
 * so nothing granted through an old snapshot is missing from the new history.
 *
 * <p>Lock-free; the grant path allocates nothing.
 */
public final class WindowCounter {

    /** Slots per window; the window check spans {@code SLOTS + 1} slots. */
    static final int SLOTS = 60;
    static final int RING = 64;
    static final int COARSE = 64;
    /** A coarse bucket is {@code 1 << COARSE_SHIFT} fine slots. */
    static final int COARSE_SHIFT = 6;
    private static final long COUNT_MASK = 0xFFFF_FFFFL;
    /** Default history for budgets without a window: one-minute slots. */
    static final long DEFAULT_WINDOW_MILLIS = 3_600_000L;

    private final long windowMillis;
    private final long slotMillis;
    private final AtomicLongArray slots = new AtomicLongArray(RING);
    private final AtomicLongArray coarse = new AtomicLongArray(COARSE);
    private final AtomicLong latestEpoch = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong ancientCount = new AtomicLong();
    private final AtomicLong ancientLatestMillis = new AtomicLong(Long.MIN_VALUE);
    private volatile @Nullable WindowCounter successor;
    private volatile boolean seeded = true;

    /**
     * @param windowMillis the window length, at least 1000 ms
     */
    public WindowCounter(long windowMillis) {
        this.windowMillis = windowMillis;
        // Rounded up: 60 slots must cover at least the whole window.
        this.slotMillis = Math.max(1, (windowMillis + SLOTS - 1) / SLOTS);
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
        WindowCounter c = this;
        while (true) {
            long epoch = c.acquireHere(nowMillis, limit);
            WindowCounter next = c.successor;
            if (next == null) {
                return epoch;
            }
            // Replaced while we counted (or before): count in the newest history instead.
            if (epoch != Long.MIN_VALUE) {
                c.decrement(epoch);
            }
            c = next;
            if (!c.seeded) {
                return Long.MIN_VALUE; // being seeded right now: refuse rather than guess
            }
        }
    }

    /**
     * Records a grant without checking a limit (budgets without a window keep a history too, so
     * that a window added later knows what was granted).
     *
     * @param nowMillis current time
     * @return the epoch of the grant (pass it to {@link #release})
     */
    public long record(long nowMillis) {
        WindowCounter c = this;
        while (true) {
            long epoch = c.advance(Math.floorDiv(nowMillis, c.slotMillis));
            c.increment(epoch);
            WindowCounter next = c.successor;
            if (next == null) {
                return c == this ? epoch : Long.MIN_VALUE;
            }
            // Replaced meanwhile: the seeding may not have seen this grant, so record it in the
            // newest history too (a grant counted twice only makes later checks stricter).
            c = next;
        }
    }

    private long acquireHere(long nowMillis, long limit) {
        while (true) {
            long epoch = advance(Math.floorDiv(nowMillis, slotMillis));
            increment(epoch);
            long sum = sum(epoch);
            if (latestEpoch.get() != epoch) {
                decrement(epoch);
                continue; // a newer window started while we counted: retry there
            }
            if (sum <= limit) {
                return epoch;
            }
            decrement(epoch);
            return Long.MIN_VALUE;
        }
    }

    /**
     * Gives back a grant (when another limit refused the same request). A grant whose counter
     * was replaced meanwhile stays counted (stricter, never looser).
     *
     * @param epoch what {@link #tryAcquire} or {@link #record} returned
     */
    public void release(long epoch) {
        if (epoch != Long.MIN_VALUE && successor == null) {
            decrement(epoch);
        }
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
        for (int i = 0; i < RING; i++) {
            slots.set(i, 0);
        }
        for (int i = 0; i < COARSE; i++) {
            coarse.set(i, 0);
        }
        ancientCount.set(0);
        ancientLatestMillis.set(Long.MIN_VALUE);
    }

    /**
     * Builds the counter that replaces this one for another window length, seeded with this
     * one's history; from then on, grants through this counter go to the new one. Call under
     * the owner's lock (one replacement at a time).
     *
     * @param newWindowMillis the new window length
     * @param nowMillis current time, or {@code Long.MIN_VALUE} if unknown
     * @return the new counter
     */
    WindowCounter replaceWith(long newWindowMillis, long nowMillis) {
        WindowCounter next = new WindowCounter(newWindowMillis);
        next.seeded = false;
        long latestMillis = nowMillis;
        long seen = latestEpoch.get();
        if (seen != Long.MIN_VALUE) {
            latestMillis = Math.max(latestMillis, seen * slotMillis);
        } else if (latestMillis == Long.MIN_VALUE) {
            latestMillis = 0; // no clock and no grant: nothing to carry
        }
        next.latestEpoch.set(Math.floorDiv(latestMillis, next.slotMillis));
        // Publish the successor first: a grant that did not see it is in the slots read below
        // (its increment came before its check of successor); one that did goes to next.
        successor = next;
        for (int i = 0; i < RING; i++) {
            long v = slots.get(i);
            long count = v & COUNT_MASK;
            if (count > 0) {
                long epoch = epochOf(v, seen);
                next.seed(count, (epoch + 1) * slotMillis - 1);
            }
        }
        for (int i = 0; i < COARSE; i++) {
            long v = coarse.get(i);
            long count = v & COUNT_MASK;
            if (count > 0) {
                long bucket = epochOf(v, seen >> COARSE_SHIFT);
                next.seed(count, ((bucket + 1) << COARSE_SHIFT) * slotMillis - 1);
            }
        }
        long ancient = ancientCount.get();
        if (ancient > 0) {
            next.seed(ancient, ancientLatestMillis.get());
        }
        next.seeded = true;
        return next;
    }

    /** Full epoch of a packed value, given a full epoch near it (within 2^31). */
    private static long epochOf(long packed, long near) {
        int truncated = (int) (packed >>> 32);
        return near + (truncated - (int) near);
    }

    /**
     * Adds {@code count} grants that happened at or before {@code latestMillis} (placed at that
     * instant: counted at least as long as they truly should be). Only while being seeded.
     */
    private void seed(long count, long latestMillis) {
        long latest = latestEpoch.get();
        long epoch = Math.min(Math.floorDiv(latestMillis, slotMillis), latest);
        if (latest - epoch < RING) {
            addToSlot(epoch, count);
        } else if ((latest >> COARSE_SHIFT) - (epoch >> COARSE_SHIFT) < COARSE) {
            addToCoarse(epoch >> COARSE_SHIFT, count);
        } else {
            addToAncient(count, latestMillis);
        }
    }

    private void addToSlot(long epoch, long count) {
        add(epoch, count);
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

    private void increment(long epoch) {
        add(epoch, 1);
    }

    /** Adds a positive count to the slot of an epoch, rotating the slot if it is stale. */
    private void add(long epoch, long delta) {
        int idx = (int) (epoch & (RING - 1));
        int e = (int) epoch;
        while (true) {
            long cur = slots.get(idx);
            long count = cur & COUNT_MASK;
            if ((int) (cur >>> 32) == e) {
                if (count + delta > COUNT_MASK) { // over 4e9 in one slot: keep it, as ancient
                    addToAncient(delta, (epoch + 1) * slotMillis - 1);
                    return;
                }
                if (slots.compareAndSet(idx, cur, cur + delta)) {
                    return;
                }
                continue;
            }
            long held = epochOf(cur, epoch);
            if (count > 0 && held > epoch) {
                // The slot already holds a newer epoch (a late caller): keep the count in the
                // older history, where it is counted at least as long.
                addToCoarse(epoch >> COARSE_SHIFT, delta);
                return;
            }
            // Rotating a stale slot: move what it held into the older history first.
            if (count > 0) {
                addToCoarse(held >> COARSE_SHIFT, count);
            }
            if (slots.compareAndSet(idx, cur, ((long) e << 32) | delta)) {
                return;
            }
            if (count > 0) {
                addToCoarse(held >> COARSE_SHIFT, -count); // undo, then retry
            }
        }
    }

    private void decrement(long epoch) {
        int idx = (int) (epoch & (RING - 1));
        int e = (int) epoch;
        while (true) {
            long cur = slots.get(idx);
            long count = cur & COUNT_MASK;
            if ((int) (cur >>> 32) != e || count == 0) {
                return; // the slot moved on: the grant stays in the older history (stricter)
            }
            if (slots.compareAndSet(idx, cur, cur - 1)) {
                return;
            }
        }
    }

    /** Adds (or, to undo, subtracts) a count to a coarse bucket, rotating it if stale. */
    private void addToCoarse(long bucket, long delta) {
        int idx = (int) (bucket & (COARSE - 1));
        int b = (int) bucket;
        long bucketEnd = ((bucket + 1) << COARSE_SHIFT) * slotMillis - 1;
        while (true) {
            long cur = coarse.get(idx);
            long count = cur & COUNT_MASK;
            boolean same = (int) (cur >>> 32) == b;
            if (same || (count == 0 && delta > 0)) {
                long sum = (same ? count : 0) + delta;
                if (sum < 0 || sum > COUNT_MASK) {
                    // An undo after the bucket was folded into the ancient count, or over 4e9
                    // grants in a bucket: the ancient count takes it.
                    addToAncient(delta, bucketEnd);
                    return;
                }
                if (coarse.compareAndSet(idx, cur, ((long) b << 32) | sum)) {
                    return;
                }
                continue;
            }
            long held = epochOf(cur, bucket);
            if (delta < 0 || held > bucket) {
                // An undo of a bucket already folded, or a count older than the ring holds.
                addToAncient(delta, bucketEnd);
                return;
            }
            // Rotating a stale bucket: fold it into the ancient count first.
            long heldEnd = ((held + 1) << COARSE_SHIFT) * slotMillis - 1;
            addToAncient(count, heldEnd);
            if (coarse.compareAndSet(idx, cur, ((long) b << 32) | delta)) {
                return;
            }
            addToAncient(-count, heldEnd); // undo, then retry
        }
    }

    private void addToAncient(long delta, long latestMillis) {
        ancientLatestMillis.accumulateAndGet(latestMillis, Math::max);
        ancientCount.addAndGet(delta);
    }

    private long sum(long epoch) {
        long total = 0;
        int e = (int) epoch;
        for (int i = 0; i < RING; i++) {
            long v = slots.get(i);
            int age = e - (int) (v >>> 32);
            if (age >= 0 && age <= SLOTS) {
                total += v & COUNT_MASK;
            }
        }
        return total;
    }
}

package dev.releaserouter.rollout.measure;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The retained windows of one (model, version): a ring of {@code retained} slots, slot
 * {@code floorMod(index, retained)} holding window {@code index}.
 *
 * <p>Design (concurrency): lock-free. A writer finds the slot of the current window; when it
 * holds an older window (or nothing), the writer installs a fresh window with compare-and-set and
 * whoever loses the race uses the winner's. An old window is thereby dropped when its slot is
 * reused, and readers also ignore windows older than the retention, so nothing needs a
 * background thread. A writer whose clock reads an older window than the one in the slot records
 * into the newer one (clocks of different threads may disagree by a tick). A writer stalled for
 * a whole retention period may add to a window that was already dropped; that call is lost,
 * which is the price of not locking. A window pushed out of its slot is {@link ArmWindow#close()
 * closed} by whoever replaced it (closing is idempotent), so none escapes being summarized.
 */
final class ArmSeries {

    private final AtomicReferenceArray<@Nullable ArmWindow> ring;
    private final int retained;
    private final String model;
    private final String version;
    private final Consumer<ArmWindow> onClosed;
    private final int entityBuckets;

    /**
     * @param model the model
     * @param version the version
     * @param retained how many windows to keep, at least 1
     * @param entityBuckets entity buckets per window, a power of two
     * @param onClosed given each window once it is closed and idle
     */
    ArmSeries(String model, String version, int retained, int entityBuckets,
            Consumer<ArmWindow> onClosed) {
        this.model = model;
        this.version = version;
        this.retained = retained;
        this.entityBuckets = entityBuckets;
        this.onClosed = onClosed;
        this.ring = new AtomicReferenceArray<>(retained);
    }

    /** @return how many windows the ring keeps */
    int retained() {
        return retained;
    }

    /**
     * The window to record into, created if needed.
     *
     * @param index the current window's number
     * @return the window
     */
    public ArmWindow window(long index) {
        int slot = (int) Math.floorMod(index, (long) retained);
        while (true) {
            ArmWindow w = ring.get(slot);
            if (w != null && w.index() >= index) {
                return w;
            }
            ArmWindow fresh = new ArmWindow(model, version, index, entityBuckets, onClosed);
            if (ring.compareAndSet(slot, w, fresh)) {
                if (w != null) {
                    w.close();
                }
                return fresh;
            }
        }
    }

    /**
     * The retained window with this number, if any.
     *
     * @param index the window's number
     * @return the window, or null if nothing was recorded in it or it was dropped
     */
    public @Nullable ArmWindow peek(long index) {
        ArmWindow w = ring.get((int) Math.floorMod(index, (long) retained));
        return w != null && w.index() == index ? w : null;
    }

    /**
     * Whether every retained window is older than {@code oldestKept}.
     *
     * @param oldestKept the oldest window number still retained
     * @return true if this series holds no live window
     */
    public boolean expired(long oldestKept) {
        for (int i = 0; i < retained; i++) {
            ArmWindow w = ring.get(i);
            if (w != null && w.index() >= oldestKept) {
                return false;
            }
        }
        return true;
    }
}

package dev.releaserouter.core.testing;

import dev.releaserouter.api.shadow.PairStore;
import dev.releaserouter.api.shadow.ShadowPair;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A pair store that keeps every pair, for tests of pair capture through the router's SPI. */
public final class RecordingPairStore implements PairStore {

    private final List<ShadowPair> pairs = new CopyOnWriteArrayList<>();

    @Override
    public boolean append(ShadowPair pair) {
        pairs.add(pair);
        return true;
    }

    @Override
    public long dropped() {
        return 0;
    }

    @Override
    public void close() {}

    /** @return the pairs appended so far, oldest first */
    public List<ShadowPair> pairs() {
        return List.copyOf(pairs);
    }
}

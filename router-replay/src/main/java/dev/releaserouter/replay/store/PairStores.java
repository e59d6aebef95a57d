package dev.releaserouter.replay.store;

/**
 * Factories of {@link dev.releaserouter.api.shadow.PairStore}s. For files, see {@link
 * JsonlPairStore#builder(java.nio.file.Path)}.
 */
public final class PairStores {

    private PairStores() {}

    /**
     * A bounded in-memory store for tests and demos: keeps the first {@code capacity} pairs and
     * drops (and counts) the rest.
     *
     * @param capacity how many pairs to keep
     * @return a new, empty store
     * @throws IllegalArgumentException if capacity is not positive
     */
    public static InMemoryPairStore inMemory(int capacity) {
        return new InMemoryPairStore(capacity);
    }
}

package dev.releaserouter.api.shadow;

/**
 * Keeps shadow pairs for offline analysis and replay. Pairs arrive already masked.
 *
 * <p>Implementations must be thread-safe and must never block the caller of {@link #append}: when
 * they cannot keep up they drop the pair and count it. {@link #close()} must flush everything
 * accepted so far.
 */
public interface PairStore extends AutoCloseable {

    /**
     * Accepts a pair for storage, without blocking.
     *
     * @param pair the masked pair
     * @return false if it was dropped (buffer full, store closed)
     */
    boolean append(ShadowPair pair);

    /** @return pairs dropped so far */
    long dropped();

    /** Flushes every accepted pair and releases resources. Idempotent. */
    @Override
    void close();
}

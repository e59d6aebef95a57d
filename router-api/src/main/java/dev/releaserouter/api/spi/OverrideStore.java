package dev.releaserouter.api.spi;

import java.util.Optional;

/**
 * Where the router keeps its runtime overrides (what the admin API changed: kill switches,
 * weights, stages, budgets, segments), so that they survive flag-file reloads and, in a fleet,
 * so that a change made on one instance is applied by every instance.
 *
 * <p>The store holds one revisioned {@link OverrideDocument}. A writer reads it, builds the next
 * content and writes it with {@link #compareAndSet(long, String)}: the write succeeds only if
 * nobody wrote since the revision it read, so concurrent changes on different instances never
 * lose one another (the loser re-reads and retries). Every successful write produces a revision
 * strictly greater than every earlier one, and is announced to every
 * {@link #subscribe subscriber}.
 *
 * <p>Guarantees an implementation must keep (router-testkit's {@code OverrideStoreContract}):
 * compare-and-set is atomic (of N racing writers on one revision exactly one succeeds; N
 * successful read-modify-write loops leave N changes); revisions strictly increase; {@link #load}
 * returns the latest successful write (read-your-writes); subscribers eventually see the latest
 * document (intermediate ones may be skipped, and a document may be delivered more than once
 * or late, so a subscriber applies a document only if its revision is newer than what it has);
 * {@link #close()} is idempotent.
 *
 * <p>Thread-safe. The router never calls the store from {@code decide}: only admin changes and
 * notifications touch it. Failure: a method that cannot complete throws (e.g.
 * {@link java.io.UncheckedIOException}); the router then refuses the change (the admin caller
 * sees the exception), keeps what it has, and counts the failure.
 */
public interface OverrideStore extends AutoCloseable {

    /**
     * An in-memory store (the default): one JVM, notifications on the writer's thread.
     *
     * @return a new, empty, thread-safe store
     */
    static OverrideStore inMemory() {
        return new InMemoryOverrideStore();
    }

    /**
     * The latest document.
     *
     * @return the document, {@link OverrideDocument#EMPTY} if never written
     * @throws java.io.UncheckedIOException (or another unchecked exception) if the store cannot
     *     be read
     */
    OverrideDocument load();

    /**
     * Writes the content if the store is still at {@code expectedRevision}.
     *
     * @param expectedRevision the revision the content was derived from
     * @param content the next content
     * @return the stored document (its revision greater than {@code expectedRevision}), or
     *     empty if another write came first (nothing was written: reload and retry)
     * @throws NullPointerException if content is null
     * @throws java.io.UncheckedIOException (or another unchecked exception) if the store cannot
     *     be written; the write may or may not have happened (a later {@link #load} tells)
     */
    Optional<OverrideDocument> compareAndSet(long expectedRevision, String content);

    /**
     * {@link #compareAndSet(long, String)}, fenced: the write also requires that {@code fence}
     * is still the current grant of its lease (same name and fencing token, not expired),
     * checked atomically with the write. A fleet store that keeps the leases of its
     * {@link Lease} must check it, so that a lease holder paused past its lease (a GC pause, a
     * frozen VM) cannot change routing after another instance took over. The default, for stores
     * that share nothing with the lease (one JVM: the in-memory store), ignores the fence: there
     * the holder checks its lease before it acts.
     *
     * @param expectedRevision the revision the content was built on
     * @param content the new content
     * @param fence the lease grant the writer holds
     * @return as {@link #compareAndSet(long, String)}
     * @throws IllegalStateException (e.g. router-rollout's {@code FencedWriteException}) if the
     *     fence is no longer the lease's current grant; nothing was written
     * @throws java.io.UncheckedIOException (or another unchecked exception) as
     *     {@link #compareAndSet(long, String)}
     */
    default Optional<OverrideDocument> compareAndSet(long expectedRevision, String content,
            LeaseGrant fence) {
        return compareAndSet(expectedRevision, content);
    }

    /**
     * Registers a listener for documents written from now on (by this instance or another).
     * Calls to one listener do not overlap, and are made on the store's own threads, never on
     * the thread of a {@link #compareAndSet(long, String)} call in progress (a router writes
     * while it holds its lock; a listener of another router takes that router's lock). The
     * listener is user code to the store: what it throws is contained by the store, and later
     * notifications still arrive.
     *
     * @param listener told of new documents
     * @return the subscription, to close
     * @throws NullPointerException if listener is null
     */
    Subscription subscribe(Listener listener);

    /** Releases resources; subscriptions stop. Idempotent. */
    @Override
    default void close() {}

    /** Told of new override documents. */
    @FunctionalInterface
    interface Listener {

        /**
         * A document was written. It may be older than one already seen (apply only newer
         * revisions) or a repeat.
         *
         * @param document the new document
         */
        void onChange(OverrideDocument document);
    }
}

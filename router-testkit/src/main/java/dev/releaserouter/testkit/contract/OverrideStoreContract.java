package dev.releaserouter.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.releaserouter.api.spi.OverrideDocument;
import dev.releaserouter.api.spi.OverrideStore;
import dev.releaserouter.api.spi.Subscription;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of an {@link OverrideStore}: compare-and-set is atomic and loses no update,
 * revisions strictly increase, reads see the latest write, subscribers eventually see the latest
 * document, close is idempotent, an unreachable store throws.
 *
 * <pre>{@code
 * class RedisOverrideStoreTest extends OverrideStoreContract {
 *     protected OverrideStore createStore() { return RedisOverrideStore.connect(redis.uri()); }
 * }
 * }</pre>
 *
 * <p>Each test gets a new, empty store from {@link #createStore()} and closes it afterwards.
 */
public abstract class OverrideStoreContract {

    private OverrideStore store;

    /** Creates a contract test; subclasses implement {@link #createStore()}. */
    protected OverrideStoreContract() {}

    /**
     * @return a new, empty store (revision 0), not shared with other tests
     */
    protected abstract OverrideStore createStore();

    /**
     * Makes the store unreachable, so that its calls fail. By default the failure tests are
     * skipped (an in-memory store cannot fail).
     *
     * @param store the store under test
     */
    protected void disconnect(OverrideStore store) {
        Assumptions.abort("this implementation cannot be made unreachable");
    }

    @BeforeEach
    final void openStore() {
        store = createStore();
    }

    @AfterEach
    final void closeStore() {
        store.close();
    }

    @Test
    void load_newStore_isTheEmptyDocumentAtRevisionZero() {
        assertEquals(OverrideDocument.EMPTY, store.load());
    }

    @Test
    void compareAndSet_atTheCurrentRevision_storesTheContentAtAGreaterRevision() {
        Optional<OverrideDocument> written = store.compareAndSet(0, "{\"a\":1}");

        assertTrue(written.isPresent(), "a write at the current revision succeeds");
        assertTrue(written.get().revision() > 0, "the revision grows");
        assertEquals("{\"a\":1}", written.get().content());
        assertEquals(written.get(), store.load(), "a read sees the write");
    }

    @Test
    void compareAndSet_atAStaleRevision_writesNothing() {
        OverrideDocument first = store.compareAndSet(0, "{\"a\":1}").orElseThrow();

        assertEquals(Optional.empty(), store.compareAndSet(0, "{\"a\":2}"));
        assertEquals(first, store.load());
    }

    @Test
    void revisions_strictlyIncrease_acrossWrites() {
        long previous = store.load().revision();
        for (int i = 0; i < 20; i++) {
            OverrideDocument d = store.compareAndSet(previous, "{\"n\":" + i + "}")
                    .orElseThrow();
            assertTrue(d.revision() > previous, "revision " + d.revision() + " after "
                    + previous);
            previous = d.revision();
        }
    }

    @Test
    void compareAndSet_racingWritersOnOneRevision_exactlyOneWins() {
        long revision = store.load().revision();

        List<Boolean> won = Concurrently.run(16,
                i -> () -> store.compareAndSet(revision, "{\"writer\":" + i + "}").isPresent());

        assertEquals(1, won.stream().filter(w -> w).count(), "winners among 16: " + won);
    }

    @Test
    void readModifyWrite_manyThreads_losesNoUpdate() {
        int threads = 8;
        int increments = 25;

        Concurrently.run(threads, i -> () -> {
            for (int n = 0; n < increments; n++) {
                while (true) {
                    OverrideDocument d = store.load();
                    long next = counter(d) + 1;
                    if (store.compareAndSet(d.revision(), "{\"n\":" + next + "}").isPresent()) {
                        break;
                    }
                }
            }
            return null;
        });

        assertEquals(threads * increments, counter(store.load()));
    }

    @Test
    void subscribe_seesTheLatestDocument() {
        AtomicReference<OverrideDocument> seen = new AtomicReference<>(OverrideDocument.EMPTY);
        try (Subscription s = store.subscribe(d -> seen.accumulateAndGet(d,
                (a, b) -> b.revision() > a.revision() ? b : a))) {
            OverrideDocument d1 = store.compareAndSet(0, "{\"n\":1}").orElseThrow();
            OverrideDocument d2 = store.compareAndSet(d1.revision(), "{\"n\":2}").orElseThrow();

            Concurrently.await("the subscriber sees revision " + d2.revision(),
                    () -> seen.get().equals(d2));
        }
    }

    @Test
    void subscription_closed_receivesNoLaterDocument() {
        List<OverrideDocument> closedOne = new CopyOnWriteArrayList<>();
        AtomicLong openOne = new AtomicLong();
        Subscription closed = store.subscribe(closedOne::add);
        try (Subscription open = store.subscribe(d -> openOne.set(d.revision()))) {
            closed.close();
            closed.close(); // idempotent
            OverrideDocument d = store.compareAndSet(0, "{\"n\":1}").orElseThrow();

            Concurrently.await("the open subscription sees the write",
                    () -> openOne.get() == d.revision());
            assertEquals(List.of(), closedOne);
        }
    }

    @Test
    void subscribe_listenerThrows_laterDocumentsStillArrive() {
        AtomicLong seen = new AtomicLong();
        try (Subscription s = store.subscribe(d -> {
            seen.set(d.revision());
            throw new IllegalStateException("listener bug");
        })) {
            OverrideDocument d1 = store.compareAndSet(0, "{\"n\":1}").orElseThrow();
            Concurrently.await("the first document arrives", () -> seen.get() == d1.revision());
            OverrideDocument d2 = store.compareAndSet(d1.revision(), "{\"n\":2}").orElseThrow();
            Concurrently.await("the next document arrives", () -> seen.get() == d2.revision());
        }
    }

    @Test
    void compareAndSet_nullContent_throwsNullPointerException() {
        assertThrows(NullPointerException.class, () -> store.compareAndSet(0, null));
    }

    @Test
    void close_twice_isHarmless() {
        store.close();
        store.close();
    }

    @Test
    void unreachable_callsThrow_ratherThanPretendToSucceed() {
        store.compareAndSet(0, "{\"n\":1}").orElseThrow();
        disconnect(store);

        assertThrows(RuntimeException.class, store::load);
        assertThrows(RuntimeException.class, () -> store.compareAndSet(1, "{\"n\":2}"));
    }

    private static long counter(OverrideDocument d) {
        String c = d.content();
        int i = c.indexOf(':');
        return i < 0 ? 0 : Long.parseLong(c.substring(i + 1, c.length() - 1));
    }
}

package dev.releaserouter.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of an {@link AuditSink} meant to be the record of changes: what {@code record}
 * accepted reads back, in order, with every field; events recorded from many threads are all
 * kept, each thread's in its order; close is idempotent; a sink that cannot store throws (so the
 * router refuses the change).
 *
 * <pre>{@code
 * class JsonlAuditSinkContractTest extends AuditSinkContract {
 *     @TempDir Path dir;
 *     protected AuditSink createSink() { return JsonlAuditSink.open(dir.resolve("a.jsonl")); }
 *     protected List<AuditEvent> recorded(AuditSink sink) {
 *         return JsonlAuditSink.read(((JsonlAuditSink) sink).file());
 *     }
 * }
 * }</pre>
 */
public abstract class AuditSinkContract {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private AuditSink sink;

    /** Creates a contract test; subclasses implement the factory and the reader. */
    protected AuditSinkContract() {}

    /** @return a new, empty sink, not shared with other tests */
    protected abstract AuditSink createSink();

    /**
     * Reads back what a sink stored (from its durable medium, not from memory, where possible).
     *
     * @param sink the sink under test
     * @return its events, oldest first
     */
    protected abstract List<AuditEvent> recorded(AuditSink sink);

    /**
     * Makes the sink unable to store, so that {@code record} fails. By default the failure test
     * is skipped.
     *
     * @param sink the sink under test
     */
    protected void disconnect(AuditSink sink) {
        Assumptions.abort("this implementation cannot be made unreachable");
    }

    @BeforeEach
    final void openSink() {
        sink = createSink();
    }

    private static AuditEvent event(String actor, int n) {
        return new AuditEvent(T0.plusSeconds(n), actor, "weight.set", "churn/v2",
                n == 0 ? null : "\"" + (n - 1) + "%\"", "\"" + n + "%\"", "step " + n,
                n % 2 == 0 ? null : "CHG-" + n, n + 1);
    }

    @Test
    void recorded_readsBackEveryEventInOrder_withEveryField() {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            AuditEvent e = event("ops@example.com", i);
            sink.record(e);
            events.add(e);
        }

        List<AuditEvent> back = recorded(sink);
        assertEquals(events.size(), back.size());
        for (int i = 0; i < events.size(); i++) {
            assertEquals(describe(events.get(i)), describe(back.get(i)), "event " + i);
        }
    }

    @Test
    void record_manyThreads_keepsEveryEvent_andEachThreadsOrder() {
        int threads = 8;
        int each = 25;

        Concurrently.run(threads, t -> () -> {
            for (int i = 0; i < each; i++) {
                sink.record(event("actor-" + t, i));
            }
            return null;
        });

        List<AuditEvent> back = recorded(sink);
        assertEquals(threads * each, back.size());
        Set<String> seen = new HashSet<>();
        int[] next = new int[threads];
        for (AuditEvent e : back) {
            int t = Integer.parseInt(e.actor().substring("actor-".length()));
            assertEquals("step " + next[t], e.reason(), "order of " + e.actor());
            next[t]++;
            seen.add(describe(e));
        }
        assertEquals(threads * each, seen.size());
    }

    @Test
    void close_twice_isHarmless() {
        sink.close();
        sink.close();
    }

    @Test
    void unreachable_recordThrows_soTheChangeIsRefused() {
        disconnect(sink);

        assertThrows(RuntimeException.class, () -> sink.record(event("ops@example.com", 0)));
    }

    private static String describe(AuditEvent e) {
        return e.time() + "|" + e.actor() + "|" + e.action() + "|" + e.target() + "|"
                + e.before() + "|" + e.after() + "|" + e.reason() + "|" + e.ticket() + "|"
                + e.revision();
    }
}

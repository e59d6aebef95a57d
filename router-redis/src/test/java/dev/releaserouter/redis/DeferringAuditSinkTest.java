package dev.releaserouter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.core.audit.AuditVerification;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.redis.testing.RedisServer;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet's audit sink while Redis is down: base-configuration entries wait in a bounded
 * queue and are replayed, in order, after whatever other instances wrote meanwhile; every other
 * entry is refused. Replay is driven by hand here (the fleet drives it on its tick).
 */
class DeferringAuditSinkTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private RedisServer redis;
    private RedisTestStores stores;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        stores = new RedisTestStores(redis);
    }

    @AfterEach
    void stop() {
        stores.close();
        redis.close();
    }

    private static AuditEvent event(String action, int n) {
        return new AuditEvent(T0.plusSeconds(n), "source:file:/etc/flags.json", action,
                "file:/etc/flags.json", "{}", "{\"n\":" + n + "}", "flag source changed", null,
                n);
    }

    /** Records on the other sink once its connection is back (bounded by Polling). */
    private static void recordWhenBack(RedisAuditSink sink, AuditEvent e) {
        Polling.await(() -> {
            try {
                sink.record(e);
                return true;
            } catch (UncheckedIOException down) {
                return false;
            }
        }, Duration.ofSeconds(10));
    }

    @Test
    void replay_afterAnotherInstanceWrote_appendsAfterIt_inOrder_oneValidChain() {
        DeferringAuditSink a = new DeferringAuditSink(stores.auditSink("pod-a"), 10);
        RedisAuditSink b = stores.auditSink("pod-b");
        a.record(event("config.load", 1)); // Redis up: straight into the stream
        redis.stop();

        a.record(event("config.reload", 2));
        a.record(event("config.reload", 3));
        assertThat(a.waiting()).isEqualTo(2);
        assertThat(a.oldestWaiting()).isEqualTo(T0.plusSeconds(2));

        redis.restart(); // empty: the chain starts again from genesis
        recordWhenBack(b, event("config.reload", 10));
        a.record(event("config.reload", 4)); // older entries wait: joins the queue, in order
        assertThat(a.waiting()).isEqualTo(3);

        Polling.await(() -> { // a's own connection may come back after b's
            a.replay();
            return a.waiting() == 0;
        }, Duration.ofSeconds(10));

        assertThat(a.waiting()).isZero();
        assertThat(a.oldestWaiting()).isNull();
        assertThat(a.replayed()).isEqualTo(3);
        List<AuditEvent> trail = a.trail().read();
        assertThat(trail).extracting(AuditEvent::revision).containsExactly(10L, 2L, 3L, 4L);
        assertThat(trail.get(0).actor()).endsWith("[instance pod-b]");
        assertThat(trail.subList(1, 4)).allSatisfy(e ->
                assertThat(e.actor()).endsWith("[instance pod-a] (deferred)"));
        assertThat(trail.get(1).time()).as("original time").isEqualTo(T0.plusSeconds(2));
        AuditVerification v = a.trail().verify();
        assertThat(v.ok()).as(v.toString()).isTrue();
        assertThat(v.entries()).isEqualTo(4);
    }

    @Test
    void overrideAndBudgetEntries_whileRedisIsDown_areRefused_notDeferred() {
        DeferringAuditSink a = new DeferringAuditSink(stores.auditSink("pod-a"), 10);
        redis.stop();

        assertThatThrownBy(() -> a.record(event("kill.on", 1)))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("Redis");
        assertThatThrownBy(() -> a.record(event("budget.reset", 2)))
                .isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> a.record(event("stage.promote", 3)))
                .as("unknown actions stay strict").isInstanceOf(UncheckedIOException.class);
        assertThat(a.waiting()).isZero();
        assertThat(a.deferredTotal()).isZero();
    }

    @Test
    void strictEntry_withDeferredEntriesWaiting_drainsThemFirst_orIsRefused() {
        DeferringAuditSink a = new DeferringAuditSink(stores.auditSink("pod-a"), 10);
        redis.stop();
        a.record(event("config.reload", 1));
        assertThatThrownBy(() -> a.record(event("kill.on", 2)))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(a.waiting()).isEqualTo(1);

        redis.restart();
        RedisAuditSink probe = stores.auditSink("probe");
        Polling.await(() -> {
            try {
                probe.lines();
                return true;
            } catch (UncheckedIOException down) {
                return false;
            }
        }, Duration.ofSeconds(10));
        Polling.await(() -> {
            try {
                a.record(event("kill.on", 3));
                return true;
            } catch (UncheckedIOException down) {
                return false; // a's own connection not back yet
            }
        }, Duration.ofSeconds(10));

        assertThat(a.waiting()).isZero();
        assertThat(a.trail().read()).extracting(AuditEvent::action)
                .containsExactly("config.reload", "kill.on");
        assertThat(a.trail().verify().ok()).isTrue();
    }

    @Test
    void fullQueue_dropsFurtherEntries_countsThem_andReplaysTheOnesKept() {
        DeferringAuditSink a = new DeferringAuditSink(stores.auditSink("pod-a"), 3);
        redis.stop();
        for (int i = 1; i <= 5; i++) {
            a.record(event("config.reload", i)); // never throws: the kill switch applies
        }
        assertThat(a.waiting()).isEqualTo(3);
        assertThat(a.overflowed()).isEqualTo(2);
        assertThat(a.deferredTotal()).isEqualTo(5);

        redis.restart();
        Polling.await(() -> {
            a.replay();
            return a.waiting() == 0;
        }, Duration.ofSeconds(10));
        assertThat(a.trail().read()).extracting(AuditEvent::revision)
                .containsExactly(1L, 2L, 3L);
        assertThat(a.trail().verify().ok()).isTrue();
    }

    @Test
    void spool_keepsDeferredEntriesAcrossARestartOfTheProcess_andTheNextOneReplaysThem(
            @TempDir Path dir) throws Exception {
        Path spool = dir.resolve("audit-spool.jsonl");
        DeferringAuditSink first = new DeferringAuditSink(stores.auditSink("pod-a"), 10, spool);
        redis.stop();
        first.record(event("config.reload", 1));
        first.record(event("config.reload", 2));
        assertThat(Files.readAllLines(spool)).as("synced to the spool").hasSize(2);
        first.close(); // the process dies while Redis is down

        redis.restart();
        DeferringAuditSink next = new DeferringAuditSink(stores.auditSink("pod-a-2"), 10, spool);
        assertThat(next.waiting()).as("loaded from the spool").isEqualTo(2);
        Polling.await(() -> {
            next.replay();
            return next.waiting() == 0;
        }, Duration.ofSeconds(10));

        List<AuditEvent> trail = next.trail().read();
        assertThat(trail).extracting(AuditEvent::revision).containsExactly(1L, 2L);
        assertThat(trail).as("recorded as the instance that deferred them").allSatisfy(e ->
                assertThat(e.actor()).endsWith("[instance pod-a] (deferred)"));
        assertThat(Files.readAllLines(spool)).as("emptied as replayed").isEmpty();
        assertThat(next.trail().verify().ok()).isTrue();
        assertThat(next.spoolFailures()).isZero();
    }

    @Test
    void spool_withABadLine_skipsAndCountsIt_andLoadsTheRest(@TempDir Path dir)
            throws Exception {
        Path spool = dir.resolve("audit-spool.jsonl");
        DeferringAuditSink first = new DeferringAuditSink(stores.auditSink("pod-a"), 10, spool);
        redis.stop();
        first.record(event("config.reload", 1));
        Files.writeString(spool, "not an entry\n", StandardOpenOption.APPEND);
        first.close();
        redis.restart(); // the test stores connect at once

        DeferringAuditSink next = new DeferringAuditSink(stores.auditSink("pod-a"), 10, spool);

        assertThat(next.waiting()).isEqualTo(1);
        assertThat(next.spoolFailures()).isEqualTo(1);
    }

    @Test
    void replayedEntry_whoseReplyWasLost_isNotAppendedTwice() {
        RedisAuditSink sink = stores.auditSink("pod-a");
        AuditEvent recorded = sink.recorded(event("config.reload", 1), true);

        sink.replay(recorded, "id-1");
        sink.replay(recorded, "id-1"); // the same entry again, as after a lost reply
        sink.replay(sink.recorded(event("config.reload", 2), true), "id-2");

        assertThat(sink.read()).extracting(AuditEvent::revision).containsExactly(1L, 2L);
        assertThat(sink.verify().ok()).isTrue();
    }
}

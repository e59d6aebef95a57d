package dev.releaserouter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.core.audit.AuditVerification;
import dev.releaserouter.redis.testing.RedisServer;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One hash-chained trail for the fleet, tamper-evident. */
class RedisAuditSinkTest {

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

    private static AuditEvent event(String actor, int n) {
        return new AuditEvent(Instant.parse("2026-11-22T10:00:00Z").plusSeconds(n), actor,
                "kill.on", "churn/v2", "false", "true", "step " + n, null, n);
    }

    @Test
    void record_threeInstancesConcurrently_oneValidChain_actorsNameTheirInstance()
            throws Exception {
        List<RedisAuditSink> sinks = List.of(stores.auditSink("pod-0"),
                stores.auditSink("pod-1"), stores.auditSink("pod-2"));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            RedisAuditSink sink = sinks.get(t % 3);
            int thread = t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    sink.record(event("ops-" + thread, i));
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdownNow();

        AuditVerification v = sinks.get(1).verify();
        assertThat(v.ok()).as(v.toString()).isTrue();
        assertThat(v.entries()).isEqualTo(300);
        List<AuditEvent> events = sinks.get(2).read();
        assertThat(events).hasSize(300);
        assertThat(events.get(0).actor()).matches("ops-\\d \\[instance pod-\\d\\]");
        System.out.println("3 sinks x 2 threads x 50 appends: " + v);
    }

    private RedisAuditSink trailOf(int n) {
        RedisAuditSink sink = stores.auditSink("pod-a");
        for (int i = 0; i < n; i++) {
            sink.record(event("ops", i));
        }
        assertThat(sink.verify().ok()).isTrue();
        return sink;
    }

    private List<StreamMessage<String, String>> entries(RedisAuditSink sink) {
        return stores.connect().sync().xrange(sink.key(), Range.create("-", "+"));
    }

    /** Rewrites the stream with raw commands (an attacker with Redis access). */
    private void rewrite(RedisAuditSink sink, List<String[]> entries) {
        redis.command("DEL", sink.key());
        for (String[] e : entries) {
            redis.command("XADD", sink.key(), e[0], "seq", e[1], "hash", e[2], "line", e[3]);
        }
    }

    private static String[] raw(StreamMessage<String, String> m) {
        return new String[] {m.getId(), m.getBody().get("seq"), m.getBody().get("hash"),
            m.getBody().get("line")};
    }

    @Test
    void verify_xdelOfAnEntry_isDetected() {
        RedisAuditSink sink = trailOf(5);
        redis.command("XDEL", sink.key(), entries(sink).get(2).getId());

        AuditVerification v = sink.verify();

        assertThat(v.ok()).isFalse();
        assertThat(v.line()).isEqualTo(3);
    }

    @Test
    void verify_anEditedLine_isDetected() {
        RedisAuditSink sink = trailOf(5);
        List<String[]> raw = new ArrayList<>(entries(sink).stream().map(
                RedisAuditSinkTest::raw).toList());
        raw.get(1)[3] = raw.get(1)[3].replace("\"after\":\"true\"", "\"after\":\"false\"");
        rewrite(sink, raw);

        AuditVerification v = sink.verify();

        assertThat(v.ok()).isFalse();
        assertThat(v.line()).isEqualTo(2);
        assertThat(v.message()).contains("edited");
    }

    @Test
    void verify_anEditedHashField_isDetected() {
        RedisAuditSink sink = trailOf(3);
        List<String[]> raw = new ArrayList<>(entries(sink).stream().map(
                RedisAuditSinkTest::raw).toList());
        raw.get(2)[2] = "f".repeat(64);
        rewrite(sink, raw);

        assertThat(sink.verify().line()).isEqualTo(3);
    }

    @Test
    void verify_reorderedEntries_areDetected() {
        RedisAuditSink sink = trailOf(4);
        List<String[]> raw = entries(sink).stream().map(RedisAuditSinkTest::raw).toList();
        String[] second = raw.get(1).clone();
        String[] third = raw.get(2).clone();
        String id2 = second[0];
        second[0] = third[0];
        third[0] = id2;
        rewrite(sink, List.of(raw.get(0), third, second, raw.get(3)));
        assertThat(sink.verify().line()).as("reordered").isEqualTo(2);
    }

    @Test
    void verify_aReplayedEntry_isDetected() {
        RedisAuditSink other = trailOf(3);
        List<String[]> more = new ArrayList<>(entries(other).stream()
                .map(RedisAuditSinkTest::raw).toList());
        String[] copy = more.get(0).clone();
        copy[0] = more.get(2)[0].replaceAll("-\\d+$", "-999999");
        more.add(copy); // an old entry replayed at the end
        rewrite(other, more);
        assertThat(other.verify().line()).as("inserted").isEqualTo(4);
    }

    @Test
    void record_anotherInstanceAppends_itChainsToTheStreamsLastEntry() {
        RedisAuditSink a = trailOf(2);
        RedisAuditSink b = stores.auditSink("pod-b");
        b.record(event("ops", 2)); // b had never seen the tail: it learns it from Redis

        assertThat(a.verify().ok()).isTrue();
        assertThat(a.verify().entries()).isEqualTo(3);
    }

    @Test
    void record_redisDown_throws_soTheChangeIsRefused_thenWorksWhenBack() {
        RedisAuditSink sink = trailOf(1);
        redis.stop();

        org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                () -> sink.record(event("ops", 1)));
        assertThat(sink.degraded()).isTrue();
        assertThat(sink.failures()).isEqualTo(1);
    }
}

package dev.releaserouter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.redis.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adoption script after Redis restarted empty, or failed over to a replica that lacked the
 * last writes, run on a real server with the states the fleet can leave: the newest document
 * any adopting instance knew wins, whoever re-seeds first.
 */
class OverrideAdoptionScriptTest {

    private static final String KEY = "adopt-test:overrides";
    private static final String CHANNEL = "adopt-test:overrides:changes";

    private RedisServer redis;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> c;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        client = RedisClient.create(redis.uri());
        connection = client.connect();
        c = connection.sync();
    }

    @AfterEach
    void stop() {
        connection.close();
        client.shutdown();
        redis.close();
    }

    /** One instance adopts: it knew {@code content} at {@code revision} in epoch "old". */
    private List<String> adopt(long revision, String content) {
        return c.eval(RedisOverrideStore.ADOPT, ScriptOutputType.MULTI, new String[] {KEY},
                "old", Long.toString(revision), content, "new-" + revision, CHANNEL);
    }

    /** One instance of epoch "e" adopts the document: it saw {@code content} at revision. */
    private List<String> adoptSameEpoch(long revision, String content) {
        return c.eval(RedisOverrideStore.ADOPT, ScriptOutputType.MULTI, new String[] {KEY},
                "e", Long.toString(revision), content, "unused", CHANNEL);
    }

    @Test
    void failoverLostMyRevisions_sameEpoch_myDocumentIsReseededAboveMine() {
        c.hset(KEY, Map.of("rev", "4", "epoch", "e", "content", "replicated"));

        List<String> r = adoptSameEpoch(5, "lost-in-the-failover");

        assertThat(r).containsExactly("e", "6", "lost-in-the-failover");
        assertThat(c.hgetall(KEY)).containsEntry("seed", "5");
    }

    @Test
    void anotherDocumentWrittenAtMyRevisionAfterAFailover_isKept_andRaisedAboveMine() {
        c.hset(KEY, Map.of("rev", "5", "epoch", "e", "content", "written-after"));

        assertThat(adoptSameEpoch(5, "lost-in-the-failover"))
                .containsExactly("e", "6", "written-after");
    }

    @Test
    void myDocument_orANewerOne_sameEpoch_isLeftAlone() {
        c.hset(KEY, Map.of("rev", "5", "epoch", "e", "content", "same"));

        assertThat(adoptSameEpoch(5, "same")).containsExactly("e", "5", "same");
        assertThat(adoptSameEpoch(4, "older")).containsExactly("e", "5", "same");
    }

    @Test
    void sameEpochReseed_anInstanceThatKnewNewerStillReplacesIt() {
        c.hset(KEY, Map.of("rev", "4", "epoch", "e", "content", "replicated"));
        adoptSameEpoch(5, "lost-5");   // re-seeded at 6, seed 5

        assertThat(adoptSameEpoch(6, "lost-6")).containsExactly("e", "7", "lost-6");
    }

    @Test
    void staleInstanceReseedsFirst_theInstanceThatKnewNewerReplacesItsContent() {
        adopt(5, "stale");            // X knew revision 5: first to find Redis empty
        List<String> r = adopt(9, "newest"); // Y knew revision 9

        assertThat(r.get(2)).isEqualTo("newest");
        assertThat(Long.parseLong(r.get(1))).isGreaterThan(9);
        Map<String, String> h = c.hgetall(KEY);
        assertThat(h).containsEntry("content", "newest").containsEntry("seed", "9");
    }

    @Test
    void newestInstanceReseedsFirst_aStaleOneKeepsIt() {
        adopt(9, "newest");
        List<String> r = adopt(5, "stale");

        assertThat(r.get(2)).isEqualTo("newest");
        assertThat(c.hget(KEY, "content")).isEqualTo("newest");
    }

    @Test
    void documentWrittenOnTheEmptyRedis_isKept_andRaisedAboveTheAdopter() {
        // A fresh instance's ordinary write (no seed mark) on the empty Redis: kept by all.
        c.hset(KEY, Map.of("rev", "1", "epoch", "fresh", "content", "fresh-change"));
        List<String> r = adopt(9, "older-than-the-fresh-change");

        assertThat(r.get(2)).isEqualTo("fresh-change");
        assertThat(r.get(1)).isEqualTo("10");
    }
}

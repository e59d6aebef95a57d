package dev.releaserouter.redis.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The replicated fixture runs real processes: Sentinel promotes a replica when the primary is
 * killed, with what was replicated, and a cut replication makes a failover lose later writes.
 */
class RedisReplicaSetTest {

    @Test
    void killedPrimary_isReplacedByAReplica_withTheReplicatedWrites_notTheOnesAfterACut() {
        try (RedisReplicaSet redis = RedisReplicaSet.start(2, Duration.ofMillis(500))) {
            RedisServer first = redis.primary();
            assertThat(redis.uri()).startsWith("redis-sentinel://127.0.0.1:").endsWith("#fleet");
            assertThat(redis.replicas()).hasSize(2);
            first.query("SET", "replicated", "yes");
            assertThat(first.query("WAIT", "2", "5000")).isEqualTo(2L);

            redis.cutReplication();
            first.query("SET", "after-the-cut", "yes");
            assertThat(first.query("WAIT", "1", "200")).as("nobody acknowledges now")
                    .isEqualTo(0L);

            long killed = System.nanoTime();
            RedisServer old = redis.killPrimary();
            RedisServer promoted = redis.awaitNewPrimary(old);
            long millis = (System.nanoTime() - killed) / 1_000_000;

            assertThat(promoted).isNotSameAs(first);
            assertThat(promoted.query("GET", "replicated")).isEqualTo("yes");
            assertThat(promoted.query("GET", "after-the-cut")).as("lost in the failover")
                    .isNull();
            redis.awaitReplicasOnline(1); // the other replica follows the new primary
            System.out.printf("Sentinel failover (down-after 500 ms): new primary named "
                    + "%d ms after kill -9%n", millis);
        }
    }
}

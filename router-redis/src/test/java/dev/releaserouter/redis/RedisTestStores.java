package dev.releaserouter.redis;

import dev.releaserouter.redis.testing.RedisServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Test-only: builds this worktree's stores from a {@link RedisServer} the way the fleet entry
 * point will (one client and connection each, a command timeout, commands rejected while
 * disconnected), and shuts every client down on {@link #close()}. Not thread-safe.
 */
final class RedisTestStores implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofMillis(500);

    private final RedisServer redis;
    private final String prefix = "rr-test-" + UUID.randomUUID() + ":";
    private final List<RedisClient> clients = new ArrayList<>();

    RedisTestStores(RedisServer redis) {
        this.redis = redis;
    }

    String prefix() {
        return prefix;
    }

    StatefulRedisConnection<String, String> connect() {
        RedisClient client = RedisClient.create(RedisURI.create(redis.uri()));
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(true)
                .build());
        clients.add(client);
        StatefulRedisConnection<String, String> c = client.connect();
        c.setTimeout(TIMEOUT);
        return c;
    }

    /** A new connection, handed out as the stores take it (the fleet hands out its current one). */
    Supplier<StatefulRedisConnection<String, String>> supplier() {
        StatefulRedisConnection<String, String> c = connect();
        return () -> c;
    }

    RedisBudgetLedger ledger(String instanceId, int allotment) {
        return new RedisBudgetLedger(supplier(), prefix, instanceId, TIMEOUT, allotment,
                Clock.systemUTC());
    }

    RedisMeasurementWindowStore windowStore(int retained) {
        return new RedisMeasurementWindowStore(supplier(), prefix, retained, Duration.ofHours(1),
                TIMEOUT);
    }

    RedisAuditSink auditSink(String instanceId) {
        return new RedisAuditSink(supplier(), prefix, instanceId, TIMEOUT);
    }

    @Override
    public void close() {
        for (RedisClient c : clients) {
            c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        clients.clear();
    }
}

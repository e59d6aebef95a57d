package dev.releaserouter.redis;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.redis.testing.RedisServer;
import dev.releaserouter.testkit.contract.AuditSinkContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link RedisAuditSink} keeps the {@link AuditSink} contract against a real Redis. The reader
 * takes the instance id off the recorded actor ({@code "<actor> [instance <id>]"}), which the
 * contract compares with the actor it passed in.
 */
class RedisAuditSinkContractTest extends AuditSinkContract {

    private static final List<RedisTestStores> STORES = new ArrayList<>();
    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        STORES.forEach(RedisTestStores::close);
        redis.close();
    }

    @Override
    protected AuditSink createSink() {
        RedisTestStores stores = new RedisTestStores(redis);
        STORES.add(stores);
        return stores.auditSink("pod-a");
    }

    @Override
    protected List<AuditEvent> recorded(AuditSink sink) {
        RedisAuditSink s = (RedisAuditSink) sink;
        String suffix = s.recordedActor("");
        return s.read().stream().map(e -> {
            if (!e.actor().endsWith(suffix)) {
                throw new AssertionError("the actor does not name the instance: " + e.actor());
            }
            return new AuditEvent(e.time(), e.actor().substring(0, e.actor().length()
                    - suffix.length()), e.action(), e.target(), e.before(), e.after(),
                    e.reason(), e.ticket(), e.revision());
        }).toList();
    }

    @Override
    protected void disconnect(AuditSink sink) {
        redis.stop();
    }

    @AfterEach
    void restart() {
        if (!redis.running()) {
            redis.restart();
        }
    }
}

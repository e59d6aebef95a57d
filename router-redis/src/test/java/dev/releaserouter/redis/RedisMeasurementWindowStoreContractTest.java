package dev.releaserouter.redis;

import dev.releaserouter.api.spi.MeasurementWindowStore;
import dev.releaserouter.redis.testing.RedisServer;
import dev.releaserouter.testkit.contract.MeasurementWindowStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** {@link RedisMeasurementWindowStore} keeps its contract against a real Redis. */
class RedisMeasurementWindowStoreContractTest extends MeasurementWindowStoreContract {

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
    protected MeasurementWindowStore createStore() {
        RedisTestStores stores = new RedisTestStores(redis);
        STORES.add(stores);
        return stores.windowStore(100);
    }

    @Override
    protected void disconnect(MeasurementWindowStore store) {
        redis.stop();
    }

    @AfterEach
    void restart() {
        if (!redis.running()) {
            redis.restart();
        }
    }
}

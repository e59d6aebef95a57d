package dev.releaserouter.redis;

import dev.releaserouter.api.spi.BudgetLedger;
import dev.releaserouter.redis.testing.RedisServer;
import dev.releaserouter.testkit.contract.BudgetLedgerContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** {@link RedisBudgetLedger} keeps the {@link BudgetLedger} contract against a real Redis. */
class RedisBudgetLedgerContractTest extends BudgetLedgerContract {

    private static RedisServer redis;
    private static final java.util.List<RedisTestStores> STORES = new java.util.ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        STORES.forEach(RedisTestStores::close); // after the contract closed every ledger
        redis.close();
    }

    @Override
    protected BudgetLedger createLedger() {
        RedisTestStores stores = new RedisTestStores(redis); // a new key prefix per test
        STORES.add(stores);
        return stores.ledger("pod-a", 16);
    }

    @Override
    protected BudgetLedger createPeer(BudgetLedger ledger) {
        return STORES.get(STORES.size() - 1).ledger("pod-b", 16); // the same key prefix
    }

    @Override
    protected void disconnect(BudgetLedger ledger) {
        redis.stop();
    }

    @AfterEach
    void restart() {
        if (!redis.running()) {
            redis.restart();
        }
    }
}

package dev.releaserouter.redis;

import dev.releaserouter.api.spi.Lease;
import dev.releaserouter.api.spi.OverrideStore;
import dev.releaserouter.redis.testing.RedisServer;
import dev.releaserouter.rollout.RolloutStateStore;
import dev.releaserouter.testkit.ManualClock;
import dev.releaserouter.testkit.contract.LeaseContract;
import dev.releaserouter.testkit.contract.OverrideStoreContract;
import dev.releaserouter.testkit.contract.RolloutStateStoreContract;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * Every SPI implementation of this part of fleet mode passes its router-testkit contract against
 * a real redis-server, failure tests included (disconnect = the server stopped).
 */
class RedisSpiContractTests {

    private static RedisServer redis;
    private static final List<RedisFleet> FLEETS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    /** A new fleet on a fresh key prefix (so each test starts empty), on a running server. */
    static RedisFleet fleet() {
        if (!redis.running()) {
            redis.restart();
        }
        RedisFleet f = RedisFleet.builder(redis.uri()).keyPrefix("t-" + UUID.randomUUID() + ":")
                .commandTimeout(Duration.ofSeconds(2)).build();
        FLEETS.add(f);
        return f;
    }

    static void closeFleets() {
        for (RedisFleet f : FLEETS) {
            f.close();
        }
        FLEETS.clear();
    }

    @Nested
    class OverrideStoreOnRedis extends OverrideStoreContract {
        @Override
        protected OverrideStore createStore() {
            return fleet().overrideStore();
        }

        @Override
        protected void disconnect(OverrideStore store) {
            redis.stop();
        }

        @AfterEach
        void closeFleet() {
            closeFleets();
        }
    }

    @Nested
    class LeaseOnRedis extends LeaseContract {
        private RedisFleet fleet;

        @Override
        protected Lease createLease(ManualClock clock) {
            fleet = fleet();
            return fleet.lease();
        }

        /** Server time cannot be moved: the leases' remaining time to live is cut instead. */
        @Override
        protected void advance(ManualClock clock, Duration d) {
            redis.command("EVAL", """
                    for _, k in ipairs(redis.call('KEYS', ARGV[1] .. 'lease:*')) do
                      local left = redis.call('PTTL', k) - tonumber(ARGV[2])
                      if left <= 0 then redis.call('DEL', k)
                      else redis.call('PEXPIRE', k, left) end
                    end
                    return 0
                    """, "0", fleet.connections().keyPrefix(), Long.toString(d.toMillis()));
        }

        @Override
        protected void disconnect(Lease lease) {
            redis.stop();
        }

        @AfterEach
        void closeFleet() {
            closeFleets();
        }
    }

    @Nested
    class RolloutStateStoreOnRedis extends RolloutStateStoreContract {
        @Override
        protected RolloutStateStore createStore() {
            return fleet().rolloutStateStore();
        }

        @Override
        protected void disconnect(RolloutStateStore store) {
            redis.stop();
        }

        @AfterEach
        void closeFleet() {
            closeFleets();
        }
    }
}

package dev.releaserouter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.spi.LeaseGrant;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.redis.testing.RedisServer;
import dev.releaserouter.rollout.FencedWriteException;
import dev.releaserouter.rollout.RolloutLease;
import dev.releaserouter.rollout.RolloutState;
import dev.releaserouter.rollout.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a failover can do to the lease, reproduced on one real redis-server by writing the state
 * a promoted replica would have: the last grant and its token counter forgotten. The next grant
 * still gets a greater token, and a write fenced by a grant that is not the lease's current
 * holder is refused even when the token matches.
 */
class RedisLeaseFailoverTest {

    private static final Duration TTL = Duration.ofMinutes(15);
    private static final String NAME = RolloutLease.name("churn");

    private RedisServer redis;
    private String prefix;
    private RedisFleet fleetA;
    private RedisFleet fleetB;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        prefix = "lease-failover-" + UUID.randomUUID() + ":";
        fleetA = RedisFleet.builder(redis.uri()).instanceId("a").keyPrefix(prefix).build();
        fleetB = RedisFleet.builder(redis.uri()).instanceId("b").keyPrefix(prefix).build();
    }

    @AfterEach
    void stop() {
        fleetA.close();
        fleetB.close();
        redis.close();
    }

    private long serverMillis() {
        List<?> t = (List<?>) redis.query("TIME");
        return Long.parseLong((String) t.get(0)) * 1000 + Long.parseLong((String) t.get(1)) / 1000;
    }

    @Test
    void grantForgottenByAFailover_theNextGrantStillHasAGreaterToken() {
        LeaseGrant first = fleetA.lease().tryAcquire(NAME, "a", TTL).orElseThrow();
        fleetA.lease().release(first);
        String counterAfterFirst = String.valueOf(redis.query("GET", prefix + "lease-token:"
                + NAME));
        LeaseGrant lost = fleetB.lease().tryAcquire(NAME, "b", TTL).orElseThrow();
        // The promoted replica had the counter of the first grant, not the lost one.
        redis.query("DEL", prefix + "lease:" + NAME);
        redis.query("SET", prefix + "lease-token:" + NAME, counterAfterFirst);
        // A real failover takes at least down-after-milliseconds; here 1 ms of server time.
        Polling.await(() -> serverMillis() > lost.fencingToken());

        LeaseGrant next = fleetA.lease().tryAcquire(NAME, "a", TTL).orElseThrow();

        assertThat(lost.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(next.fencingToken()).as("not the lost grant's token again")
                .isGreaterThan(lost.fencingToken());
    }

    @Test
    void writeFencedByTheCurrentTokenButAnotherHolder_isRefused() {
        LeaseGrant current = fleetA.lease().tryAcquire(NAME, "a", TTL).orElseThrow();
        // The same token in another holder's hands: what a failover that lost a grant and
        // handed its token out again would produce without time-based tokens.
        LeaseGrant twin = new LeaseGrant(NAME, "b", current.fencingToken(),
                current.expiresAt());
        RolloutState s = new RolloutState("churn", "v2", 1, Instant.parse(
                "2026-11-22T10:00:00Z"), RolloutStatus.RUNNING, "sha256:abc");

        assertThatThrownBy(() -> fleetB.rolloutStateStore().save(s, twin))
                .isInstanceOf(FencedWriteException.class).hasMessageContaining("held by a");
        assertThatThrownBy(() -> fleetB.overrideStore().compareAndSet(0, "{}", twin))
                .isInstanceOf(FencedWriteException.class);
        fleetA.rolloutStateStore().save(s, current);
        assertThat(fleetA.rolloutStateStore().load("churn")).contains(s);
    }
}

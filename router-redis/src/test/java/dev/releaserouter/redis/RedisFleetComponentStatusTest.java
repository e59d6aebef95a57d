package dev.releaserouter.redis;

import static dev.releaserouter.core.testing.Configs.SECRET;
import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.redis.testing.RedisServer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fleet reports its connectivity into {@code router.status().components()}: UP while Redis
 * answers, DEGRADED with the last error while it is down (decisions still answered), UP again
 * when it is back.
 */
class RedisFleetComponentStatusTest {

    private RedisServer redis;
    private RedisFleet fleet;
    private Router router;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        fleet = RedisFleet.builder(redis.uri()).instanceId("i-1")
                .keyPrefix("status-" + UUID.randomUUID() + ":")
                .commandTimeout(Duration.ofMillis(500)).build();
        router = ReleaseRouter.builder().config(of(churn(500).build())).hashSecretHex(SECRET)
                .overrideStore(fleet.overrideStore())
                .statusContributor("fleet", fleet::componentStatus).build();
    }

    @AfterEach
    void stop() {
        router.close();
        fleet.close();
        redis.close();
    }

    @Test
    void componentStatus_upThenDegradedWithTheLastErrorThenUpAgain() {
        Polling.await(() -> fleet.status().connected());
        ComponentStatus up = router.status().components().get("fleet");
        assertThat(up.state()).isEqualTo(ComponentStatus.State.UP);
        assertThat(up.details()).containsEntry("connected", true)
                .containsEntry("instanceId", "i-1").containsKeys("lagMillis",
                        "lastOverrideRevision", "degradations", "failures");

        redis.stop();
        Polling.await(() -> !router.status().components().get("fleet").isUp());
        ComponentStatus down = router.status().components().get("fleet");
        assertThat(down.state()).isEqualTo(ComponentStatus.State.DEGRADED);
        assertThat(down.error()).isNotBlank();
        assertThat(down.details()).containsEntry("connected", false);
        assertThat(router.status().upToDate()).isTrue();
        assertThat(router.decide(RouteRequest.of("churn", "c-1")).version()).isNotBlank();

        redis.restart();
        Duration back = Polling.await(() -> router.status().components().get("fleet").isUp(),
                Duration.ofSeconds(10));
        assertThat(back).isLessThan(Duration.ofSeconds(10));
        assertThat((long) router.status().components().get("fleet").details()
                .get("degradations")).isGreaterThanOrEqualTo(1);
    }
}

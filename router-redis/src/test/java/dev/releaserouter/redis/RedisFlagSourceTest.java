package dev.releaserouter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.FlagSources;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.redis.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The flag document kept in Redis: published once, applied by every instance's router. */
class RedisFlagSourceTest {

    private static final String LIVE = "{\"models\": {\"churn\": {\"stable\": \"v1\","
            + " \"versions\": {\"v1\": {}, \"v2\": {\"weight\": 100}}}}}";
    private static final String KILLED = "{\"models\": {\"churn\": {\"stable\": \"v1\","
            + " \"versions\": {\"v1\": {}, \"v2\": {\"weight\": 100}}, \"kill\": true}}}";

    private RedisServer redis;
    private final List<RedisFleet> fleets = new ArrayList<>();
    private final List<Router> routers = new ArrayList<>();
    private final String prefix = "flags-" + UUID.randomUUID() + ":";

    @BeforeEach
    void start() {
        redis = RedisServer.start();
    }

    @AfterEach
    void stop() {
        routers.forEach(Router::close);
        fleets.forEach(RedisFleet::close);
        redis.close();
    }

    private RedisFleet fleet(String id) {
        RedisFleet f = RedisFleet.builder(redis.uri()).instanceId(id).keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(1)).build();
        fleets.add(f);
        return f;
    }

    private Router router(RedisFleet fleet) {
        Router r = ReleaseRouter.builder()
                .flagSource(fleet.flagSource(FlagSources.inMemory(Configs.of(Configs.churn(0)
                        .build()))))
                .hashSecretHex(Configs.SECRET).auditSink(new RecordingAuditSink()).build();
        routers.add(r);
        return r;
    }

    private static Reason reason(Router r) {
        return r.decide(RouteRequest.of("churn", "c-1")).reason();
    }

    @Test
    void noDocumentYet_theFallbackServes_thenAPublishedDocumentReachesEveryInstance() {
        Router a = router(fleet("a"));
        Router b = router(fleet("b"));
        assertThat(reason(a)).as("fallback: v2 at 0%").isEqualTo(Reason.STABLE_BUCKET);

        long rev = fleets.get(0).publishFlags(LIVE);
        Polling.await(() -> reason(a) == Reason.CANARY_BUCKET
                && reason(b) == Reason.CANARY_BUCKET);
        fleets.get(1).publishFlags(KILLED);
        Polling.await(() -> reason(a) == Reason.KILL_SWITCH && reason(b) == Reason.KILL_SWITCH);

        assertThat(rev).isPositive();
        assertThat(a.status().source()).contains("redis:" + prefix + "flags");
        assertThat(a.status().watcherAlive()).isTrue();
    }

    @Test
    void documentInRedisAtStart_isLoaded_notTheFallback() {
        fleet("ops").publishFlags(KILLED);
        Router r = router(fleet("a"));
        assertThat(reason(r)).isEqualTo(Reason.KILL_SWITCH);
    }

    @Test
    void invalidDocument_isRefusedToPublish_andOneWrittenBehindOurBack_keepsTheLastGood() {
        RedisFleet f = fleet("a");
        Router r = router(f);
        f.publishFlags(LIVE);
        Polling.await(() -> reason(r) == Reason.CANARY_BUCKET);

        String bad = "{\"models\": {\"churn\": {\"stable\": \"v9\"}}}";
        assertThatThrownBy(() -> f.publishFlags(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("redis:" + prefix + "flags");

        // Someone writes a broken document straight into Redis: reported, not applied.
        redis.command("HSET", prefix + "flags", "rev", "99", "content", "{\"models\": ");
        redis.command("PUBLISH", prefix + "flags:changes", "99");
        Polling.await(() -> r.status().lastReloadError() != null);
        assertThat(r.status().lastReloadError().source()).isEqualTo("redis:" + prefix + "flags@99");
        assertThat(reason(r)).as("the last good document stays").isEqualTo(Reason.CANARY_BUCKET);
    }

    @Test
    void redisDownAtStart_theFallbackServes_andThePublishedDocumentAppliesWhenRedisIsBack() {
        redis.stop();
        RedisFleet f = fleet("a");
        Router r = router(f);
        assertThat(reason(r)).isEqualTo(Reason.STABLE_BUCKET);

        redis.restart();
        fleet("ops").publishFlags(KILLED);
        Polling.await(() -> reason(r) == Reason.KILL_SWITCH);
    }
}

package dev.releaserouter.redis.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** The fixture runs a real redis-server that tests can stop, kill and restart empty. */
class RedisServerTest {

    @Test
    void startedServer_answersLettuce_andRestartsEmptyOnTheSamePort() {
        try (RedisServer redis = RedisServer.start()) {
            RedisClient client = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                c.sync().set("k", "v");
                assertThat(c.sync().get("k")).isEqualTo("v");
            } finally {
                client.shutdown();
            }
            int port = redis.port();

            redis.stop();
            assertThat(redis.running()).isFalse();
            assertThatThrownBy(() -> redis.command("PING"))
                    .isInstanceOf(UncheckedIOException.class);

            redis.restart();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.command("GET", "k")).as("restarted empty").startsWith("$-1");
        }
    }
}

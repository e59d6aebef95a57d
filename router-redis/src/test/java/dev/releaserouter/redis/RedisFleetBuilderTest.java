package dev.releaserouter.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The fleet builder fails fast on a bad Sentinel URI or replica acknowledgement setting. */
class RedisFleetBuilderTest {

    @Test
    void sentinelUriWithoutTheMastersName_isRefused_namingTheUri_withoutThePassword() {
        assertThatThrownBy(() -> RedisFleet.builder("redis-sentinel://:secret@sentinel:26379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must name the Sentinel master after '#'")
                .hasMessageContaining("redis-sentinel://***@sentinel:26379")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RedisFleet.builder("redis-sentinel://sentinel:26379#"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownScheme_isRefused_listingTheSentinelSchemesToo() {
        assertThatThrownBy(() -> RedisFleet.builder("http://redis:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis-sentinel://")
                .hasMessageContaining("'http://redis:6379'");
    }

    @Test
    void replicaAcks_outOfRange_isRefused_namingTheValue() {
        RedisFleet.Builder b = RedisFleet.builder("redis-sentinel://sentinel:26379#mymaster");
        assertThatThrownBy(() -> b.replicaAcks(-1, Duration.ofMillis(100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicaAcks replicas must be between 0 and 16, but was -1");
        assertThatThrownBy(() -> b.replicaAcks(1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicaAcks timeout must be between 1 ms and 60 s, but "
                        + "was PT0S");
    }

    @Test
    void replicaAckTimeout_aboveTheCommandTimeout_isRefusedAtBuild() {
        RedisFleet.Builder b = RedisFleet.builder("redis://127.0.0.1:1")
                .commandTimeout(Duration.ofMillis(200)).replicaAcks(1, Duration.ofMillis(300));
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicaAcks timeout must not exceed the commandTimeout "
                        + "(PT0.2S), but was PT0.3S");
    }
}

package dev.releaserouter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.spi.WindowSummary;
import dev.releaserouter.redis.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retention of the fleet's windows in Redis. */
class RedisMeasurementWindowStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private RedisServer redis;
    private RedisTestStores stores;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        stores = new RedisTestStores(redis);
    }

    @AfterEach
    void stop() {
        stores.close();
        redis.close();
    }

    private static WindowSummary window(int minute) {
        return new WindowSummary(Set.of("pod-a"), "churn", "v2", T0.plusSeconds(60L * minute),
                Duration.ofMinutes(1), Map.of("requests", 1L), Map.of("latency_ms_sum", 2.5),
                Map.of("latency", new TreeMap<>(Map.of(7L, 1L))));
    }

    @Test
    void append_pastTheRetainedCount_dropsTheOldestWindows_andEveryKeyHasATtl() {
        RedisMeasurementWindowStore store = stores.windowStore(3);
        for (int m = 0; m < 5; m++) {
            store.append(window(m));
        }

        assertThat(store.read("churn", T0, T0.plusSeconds(600)))
                .extracting(WindowSummary::start)
                .containsExactly(T0.plusSeconds(120), T0.plusSeconds(180), T0.plusSeconds(240));
        String keys = redis.command("KEYS", stores.prefix() + "*");
        assertThat(keys).startsWith("*6"); // the index and 5 window hashes, expiring
        assertThat(redis.command("PTTL", stores.prefix() + "windows:5:churn:"
                + T0.toEpochMilli())).matches(":\\d+\\r\\n");
    }

    @Test
    void encode_decode_roundTripsEveryField() {
        WindowSummary w = window(1);

        assertThat(RedisMeasurementWindowStore.decode(RedisMeasurementWindowStore.encode(w)))
                .isEqualTo(w);
    }
}

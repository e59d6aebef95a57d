package dev.releaserouter.redis;

import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.redis.testing.RedisServer;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import dev.releaserouter.rollout.measure.FleetTraffic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, item 3, on a real Redis: three instances (three fleets, three connections) sharing
 * the traffic judge the same numbers and gate verdict as one instance that saw all of it.
 */
class RedisMeasurementsFleetTest {

    private RedisServer redis;
    private final List<RedisFleet> fleets = new ArrayList<>();

    @BeforeEach
    void start() {
        redis = RedisServer.start();
    }

    @AfterEach
    void stop() {
        fleets.forEach(RedisFleet::close);
        redis.close();
    }

    @Test
    void threeInstancesOnRedis_judgeTheSameNumbersAndVerdictAsOneSeeingAllTraffic() {
        for (double v2ErrorRate : new double[] {0.007, 0.03}) {
            String prefix = "windows-" + UUID.randomUUID() + ":";
            MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
            ArmMeasurements[] instances = new ArmMeasurements[3];
            for (int n = 0; n < 3; n++) {
                RedisFleet fleet = RedisFleet.builder(redis.uri()).instanceId("pod-" + n)
                        .keyPrefix(prefix).commandTimeout(Duration.ofSeconds(2)).build();
                fleets.add(fleet);
                instances[n] = ArmMeasurements.builder().clock(clock)
                        .windowStore(fleet.windowStore()).source(fleet.instanceId()).build();
            }
            FleetTraffic.assertFleetJudgesAsOne(clock, v2ErrorRate, instances);
        }
    }
}

package dev.releaserouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.core.shadow.ShadowSettings;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The adaptive limit through {@code route}: when the served version gets slower than it was,
 * shadow calls are shed (DROPPED, and counted apart in the status), and they come back when it
 * is fast again. Time is a manual ticker that the served version advances by its "latency", so
 * the test never sleeps; every loop is bounded in calls.
 */
class ShadowAdaptiveLimitTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final AtomicLong v1Latency = new AtomicLong(1_000);
    Router router;

    @AfterEach
    void tearDown() {
        if (router != null) {
            router.close();
        }
    }

    RoutedModel<String, String> start(ShadowSettings.Builder settings) {
        router = ReleaseRouter.builder()
                .config(RouterConfig.builder().model(
                        ShadowRouteTest.model(0, 10_000, Stage.APPROVED).build()).build())
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .shadow(settings.ticker(now::get).timeout(Duration.ofMinutes(1)).build())
                .build();
        return router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> {
                    now.addAndGet(v1Latency.get()); // the served call takes this long
                    return x;
                })
                .version("v2", x -> x)
                .build());
    }

    /** Routes until a call's disposition is the wanted one; at most {@code max} calls. */
    int routeUntil(RoutedModel<String, String> m, ShadowDisposition wanted, int max) {
        for (int i = 1; i <= max; i++) {
            now.addAndGet(20_000); // 20 us between calls: a 100 ms window is 5,000 calls
            if (m.route(RouteRequest.of("churn", "customer-" + i), "in").shadow() == wanted) {
                return i;
            }
        }
        throw new AssertionError("no " + wanted + " within " + max + " calls");
    }

    long shedByLimit() {
        ComponentStatus shadow = router.status().components().get("shadow");
        return (Long) shadow.details().get("shedByLimit");
    }

    int limit() {
        return (Integer) router.status().components().get("shadow").details().get("limit");
    }

    @Test
    void servedVersionSlowerThanItsBaseline_shedsShadowCalls_untilItIsFastAgain() {
        RoutedModel<String, String> m = start(ShadowSettings.builder().threads(1)
                .queueCapacity(256));
        for (int i = 0; i < 25_000; i++) { // five windows at 1 us: the baseline
            now.addAndGet(20_000);
            assertThat(m.route(RouteRequest.of("churn", "warm-" + i), "in").shadow())
                    .isIn(ShadowDisposition.SCHEDULED, ShadowDisposition.DROPPED);
        }
        assertThat(shedByLimit()).isZero();

        v1Latency.set(4_000); // four times slower: the limit halves each window down to 0
        routeUntil(m, ShadowDisposition.DROPPED, 200_000);
        for (int i = 0; i < 200_000 && limit() > 0; i++) {
            now.addAndGet(20_000);
            m.route(RouteRequest.of("churn", "slower-" + i), "in");
        }
        assertThat(limit()).isZero();
        int shedCalls = 0;
        for (int i = 0; i < 10_000; i++) {
            now.addAndGet(20_000);
            if (m.route(RouteRequest.of("churn", "slow-" + i), "in").shadow()
                    == ShadowDisposition.DROPPED) {
                shedCalls++;
            }
        }
        assertThat(shedCalls).as("at limit 0 every shadow call is shed").isEqualTo(10_000);
        assertThat(shedByLimit()).isGreaterThanOrEqualTo(10_000);

        v1Latency.set(1_000); // fast again: shadow calls come back within a window or two
        routeUntil(m, ShadowDisposition.SCHEDULED, 20_000);
    }

    @Test
    void adaptiveLimitOff_neverSheds() {
        RoutedModel<String, String> m = start(ShadowSettings.builder().threads(1)
                .queueCapacity(256).adaptiveLimit(false));
        for (int i = 0; i < 25_000; i++) {
            now.addAndGet(20_000);
            m.route(RouteRequest.of("churn", "warm-" + i), "in");
        }
        v1Latency.set(40_000);
        for (int i = 0; i < 100_000; i++) {
            now.addAndGet(20_000);
            m.route(RouteRequest.of("churn", "slow-" + i), "in");
        }

        assertThat(shedByLimit()).isZero();
        assertThat(router.status().components().get("shadow").details().get("limit"))
                .isEqualTo(257);
    }

    @Test
    void callerLatencyTolerance_outOfRange_isRejectedWithTheValue() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> ShadowSettings.builder().callerLatencyTolerance(1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("callerLatencyTolerance must be between 1.05 and 100, but was 1.0");
        assertThat(ShadowSettings.DEFAULTS.adaptiveLimit()).isTrue();
        assertThat(ShadowSettings.DEFAULTS.callerLatencyTolerance()).isEqualTo(1.5);
    }
}

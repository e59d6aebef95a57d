package dev.releaserouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.exposure.ExposureSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordingExposureSinkTest {

    private final RecordingExposureSink exposures = new RecordingExposureSink();

    private Router router() {
        return ReleaseRouter.builder()
                .config(RouterConfig.builder().model(ModelConfig.builder("churn")
                        .stableVersion("v1").version(VersionConfig.builder("v1").build())
                        .version(VersionConfig.builder("v2").weightBasisPoints(5_000).build())
                        .build()).build())
                .hashSecretHex("000102030405060708090a0b0c0d0e0f")
                .exposures(ExposureSettings.builder(exposures).plainEntityKeys().build())
                .build();
    }

    @Test
    void aRoutersExposures_canBeAwaitedAndAssertedOn() {
        try (Router r = router()) {
            for (int i = 0; i < 100; i++) {
                r.decide(RouteRequest.of("churn", "customer-" + i));
                r.decide(RouteRequest.of("churn", "customer-" + i)); // a duplicate
            }

            assertThat(exposures.awaitEvents(100, Duration.ofSeconds(20))).hasSize(100);
            assertThat(exposures.countsByVersion("churn")).containsOnlyKeys("v1", "v2")
                    .satisfies(c -> assertThat(c.get("v1") + c.get("v2")).isEqualTo(100));
            assertThat(exposures.events("churn", "customer-7"))
                    .extracting(ExposureEvent::entity).containsExactly("customer-7");
            assertThat(exposures.events("other")).isEmpty();
        }
        assertThat(exposures.isClosed()).isTrue();
    }

    @Test
    void awaitEvents_thatDoNotArrive_failsSayingHowManyDid() {
        assertThatThrownBy(() -> exposures.awaitEvents(1, Duration.ofMillis(20)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected at least 1").hasMessageContaining("but 0 arrived");
    }
}

package dev.releaserouter.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.api.spi.ExposureSink;
import dev.releaserouter.core.exposure.JsonlExposureSink;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code router.exposures.*}: off by default, to a sink bean, to JSONL files, validated. */
class ExposuresAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReleaseRouterAutoConfiguration.class));

    @Test
    void exposures_areOffByDefault() {
        runner.run(ctx -> assertThat(ctx.getBean(Router.class).status().components())
                .doesNotContainKey("exposures"));
    }

    @Test
    void enabled_withAnExposureSinkBean_deliversToIt() {
        List<ExposureEvent> seen = new CopyOnWriteArrayList<>();
        runner.withPropertyValues("router.exposures.enabled=true",
                        "router.exposures.hash-entity-keys=false")
                .withBean(ExposureSink.class, () -> seen::add)
                .run(ctx -> {
                    Router r = ctx.getBean(Router.class);
                    r.decide(RouteRequest.of("churn", "customer-42"));
                    r.close();
                    assertThat(seen).extracting(ExposureEvent::entity)
                            .containsExactly("customer-42");
                });
    }

    @Test
    void enabled_withAJsonlDirectory_writesFilesThere(@TempDir Path dir) {
        runner.withPropertyValues("router.exposures.enabled=true",
                        "router.exposures.jsonl-directory=" + dir,
                        "router.exposures.deduplication-window=10m")
                .run(ctx -> {
                    Router r = ctx.getBean(Router.class);
                    r.decide(RouteRequest.of("churn", "customer-42"));
                    r.decide(RouteRequest.of("churn", "customer-42"));
                    r.close();
                    assertThat(JsonlExposureSink.read(dir)).hasSize(1);
                    assertThat(JsonlExposureSink.read(dir).get(0).entity()).hasSize(64);
                });
    }

    @Test
    void aBadValue_failsTheStart_namingTheProperty() {
        runner.withPropertyValues("router.exposures.enabled=true",
                        "router.exposures.queue-capacity=0")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).hasStackTraceContaining(
                            RouterPropertyException.class.getName()
                                    + ": router.exposures.queue-capacity: exposure queueCapacity"
                                    + " must be at least 1, but was 0");
                });
        runner.withPropertyValues("router.exposures.enabled=true",
                        "router.exposures.deduplication-window=-1s")
                .run(ctx -> assertThat(ctx.getStartupFailure())
                        .hasStackTraceContaining("router.exposures.deduplication-window"));
    }
}

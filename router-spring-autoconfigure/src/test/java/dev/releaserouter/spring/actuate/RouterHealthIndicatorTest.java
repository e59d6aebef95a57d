package dev.releaserouter.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.core.FlagSources;
import dev.releaserouter.spring.ReleaseRouterAutoConfiguration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health indicator tells the truth when the flag watcher stopped or a reload failed. */
class RouterHealthIndicatorTest {

    /** A source whose watcher the test stops, and whose listener the test calls. */
    static final class ControlledSource implements FlagSource {
        final AtomicBoolean alive = new AtomicBoolean(true);
        final AtomicReference<Listener> listener = new AtomicReference<>();
        private final FlagSource delegate = FlagSources.classpath("router-flags.json");

        @Override
        public String description() {
            return "test:controlled";
        }

        @Override
        public RouterConfig load() {
            return delegate.load();
        }

        @Override
        public void watch(Listener l) {
            listener.set(l);
        }

        @Override
        public boolean watcherAlive() {
            return alive.get();
        }
    }

    private final ControlledSource source = new ControlledSource();
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReleaseRouterAutoConfiguration.class))
            .withBean(FlagSource.class, () -> source);

    @Test
    void health_flagWatcherStopped_isDown_withTheReason() {
        runner.run(ctx -> {
            RouterHealthIndicator health = ctx.getBean(RouterHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).containsEntry("watcherAlive", true);

            source.alive.set(false);

            Health h = health.health();
            assertThat(h.getStatus()).isEqualTo(Status.DOWN);
            assertThat(h.getDetails()).containsEntry("watcherAlive", false);
            assertThat(h.getDetails().get("flagWatcherStopped").toString())
                    .contains("test:controlled").contains("no longer applied");
        });
    }

    @Test
    void health_reloadFailedWithAnError_isDown_withTheCause() {
        runner.run(ctx -> {
            RouterHealthIndicator health = ctx.getBean(RouterHealthIndicator.class);
            source.listener.get().onError(new ConfigException("test:controlled", "", null,
                    "reading or parsing the flag file failed unexpectedly",
                    new OutOfMemoryError("injected")));

            Health h = health.health();
            assertThat(h.getStatus()).isEqualTo(Status.DOWN);
            assertThat(h.getDetails().get("flagFileRejected").toString())
                    .contains("failed unexpectedly");
        });
    }

    @Test
    void health_directly_watcherStopped_isDown() {
        runner.run(ctx -> {
            RouterHealthIndicator health = new RouterHealthIndicator(ctx.getBean(Router.class),
                    Stream::empty);
            source.alive.set(false);
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        });
    }
}

package dev.releaserouter.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code router.flags.max-size} limits the watched file and the classpath resource. */
class FlagFileMaxSizeTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReleaseRouterAutoConfiguration.class));

    @Test
    void maxSize_smallerThanTheWatchedFile_failsTheStart_namingTheLimitAndTheProperty(
            @TempDir Path dir) throws Exception {
        Path flags = dir.resolve("flags.json");
        Files.copy(Path.of("src/test/resources/router-flags.json"), flags);

        runner.withPropertyValues("router.flags.path=" + flags, "router.flags.max-size=10B")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause()
                            .isInstanceOf(ConfigException.class)
                            .hasMessageContaining("more than the limit of 10 bytes")
                            .hasMessageContaining("router.flags.max-size");
                });
    }

    @Test
    void maxSize_smallerThanTheClasspathResource_failsTheStart() {
        runner.withPropertyValues("router.flags.max-size=10B").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause()
                    .hasMessageContaining("classpath:router-flags.json")
                    .hasMessageContaining("larger than the limit of 10 bytes");
        });
    }

    @Test
    void maxSize_default_loadsTheFile_andZeroIsRefused() {
        runner.run(ctx -> assertThat(ctx).hasNotFailed());
        runner.withPropertyValues("router.flags.max-size=0B").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause()
                    .hasMessageContaining("router.flags.max-size");
        });
    }
}

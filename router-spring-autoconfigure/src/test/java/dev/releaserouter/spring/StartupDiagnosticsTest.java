package dev.releaserouter.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.annotation.ShadowV2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * What a Spring Boot user sees when the configuration is wrong: unknown {@code router.*} keys
 * reported with their near matches, wiring errors and a missing flag file through the failure
 * analyzer.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupDiagnosticsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReleaseRouterAutoConfiguration.class));

    private static FailureAnalysis analysis(Throwable failure) {
        FailureAnalysis a = new RouterFailureAnalyzer().analyze(failure);
        assertThat(a).as("analyzed: %s", failure).isNotNull();
        return a;
    }

    @Test
    void aMisspelledRouterKey_startsWithAWarning_namingTheNearMatch(CapturedOutput output) {
        runner.withPropertyValues("router.shadow.thread=8").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(output.getOut()).contains("'router.shadow.thread'")
                    .contains("is not a Release Router property")
                    .contains("did you mean 'router.shadow.threads'?")
                    .contains("router.unknown-properties=fail");
        });
    }

    @Test
    void knownKeys_listIndicesIncluded_startWithoutAWarning(CapturedOutput output) {
        runner.withPropertyValues("router.shadow.threads=2",
                "router.metrics.allowed-tenants[0]=acme", "router.flags.max-size=1MB")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(output.getOut()).doesNotContain("not a Release Router property");
                });
    }

    @Test
    void aMisspelledRouterKey_inFailMode_failsStartup_throughTheAnalyzer() {
        runner.withPropertyValues("router.unknown-properties=fail",
                "router.shadow.timeuot=2s").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    FailureAnalysis a = analysis(ctx.getStartupFailure());
                    assertThat(a.getDescription()).contains("router.shadow.timeuot")
                            .contains("did you mean 'router.shadow.timeout'?");
                });
    }

    @Test
    void anUnknownMode_isRefused_namingTheProperty() {
        runner.withPropertyValues("router.unknown-properties=loud").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .contains("router.unknown-properties").contains("warn, fail or ignore");
        });
    }

    @Test
    void ignoreMode_saysNothing(CapturedOutput output) {
        runner.withPropertyValues("router.unknown-properties=ignore", "router.shadow.thread=8")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(output.getOut()).doesNotContain("router.shadow.thread'");
                });
    }

    @Test
    void aMisspelledShadowV2Candidate_goesThroughTheAnalyzer_suggestingTheBean() {
        runner.withBean("churnModelV2", Candidate.class)
                .withBean("churnModelV1", Misspelled.class).run(ctx -> {
                    assertThat(ctx).hasFailed();
                    FailureAnalysis a = analysis(ctx.getStartupFailure());
                    assertThat(a.getDescription())
                            .contains("could not be wired")
                            .contains("@ShadowV2 on Misspelled.score(String)")
                            .contains("candidate bean 'churnModelV3' does not exist");
                    assertThat(a.getAction()).contains("did you mean 'churnModelV2'?");
                    assertThat(a.getDescription().lines().count()).isLessThan(8);
                });
    }

    @Test
    void aMissingFlagFile_saysItIsMissing_andWhereItWasLookedFor() {
        runner.withPropertyValues("router.flags.location=classpath:nope-flags.json")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    FailureAnalysis a = analysis(ctx.getStartupFailure());
                    assertThat(a.getDescription())
                            .contains("could not find its flag file")
                            .contains("looked for: classpath:nope-flags.json")
                            .doesNotContain("pointer: /");
                    assertThat(a.getAction()).contains("router.flags.location")
                            .contains("router.flags.path").doesNotContain("Fix the value at /");
                });
    }

    static class Candidate {
        public double score(String id) {
            return 0.2;
        }
    }

    static class Misspelled {
        @ShadowV2(model = "churn", candidate = "churnModelV3")
        public double score(String id) {
            return 0.1;
        }
    }
}

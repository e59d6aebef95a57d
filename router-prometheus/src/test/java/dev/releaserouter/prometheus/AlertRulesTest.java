package dev.releaserouter.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.core.testing.Docs;
import dev.releaserouter.prometheus.testing.PrometheusServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped alert rules (docs/ops/alerts.yaml, alerts-seed-003.yaml) pass
 * {@code promtool check rules}, and every rule is unit-tested by {@code promtool test rules}
 * with synthetic series (docs/ops/*.test.yaml): it fires on the series that should page and
 * stays quiet on the others. PrometheusRolloutTest loads the same files into a real
 * Prometheus over the router's meters.
 */
class AlertRulesTest {

    private static final Path OPS = Docs.dir().resolve("ops");
    private static final List<String> RULE_FILES = List.of("alerts.yaml", "alerts-seed-003.yaml");

    /** Runs promtool in docs/ops; returns its exit code and output. */
    private static Result promtool(String... args) throws IOException, InterruptedException {
        PrometheusServer.requireInstalled("promtool");
        List<String> cmd = new ArrayList<>(List.of("promtool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(OPS.toFile()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool ended").isTrue();
        return new Result(p.exitValue(), out);
    }

    private record Result(int exit, String output) {}

    @Test
    void shippedRules_passPromtoolCheckRules() throws Exception {
        Result r = promtool("check", "rules", RULE_FILES.get(0), RULE_FILES.get(1));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: 10 rules found", "SUCCESS: 2 rules found");
    }

    @Test
    void everyRule_isUnitTested_andPassesPromtoolTestRules() throws Exception {
        Result r = promtool("test", "rules", "alerts.test.yaml", "alerts-seed-003.test.yaml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("FAILED");
        for (String file : RULE_FILES) {
            String rules = Files.readString(OPS.resolve(file));
            String tests = Files.readString(OPS.resolve(file.replace(".yaml", ".test.yaml")));
            Matcher m = Pattern.compile("- alert: (\\w+)").matcher(rules);
            while (m.find()) {
                assertThat(tests).as(file + ": a test of " + m.group(1))
                        .contains("alertname: " + m.group(1) + "\n        exp_alerts:\n"
                                + "          - exp_labels");
                assertThat(tests).as(file + ": a quiet case of " + m.group(1))
                        .contains("alertname: " + m.group(1) + "\n        exp_alerts: []");
            }
        }
    }

    @Test
    void aBrokenRule_failsItsUnitTest() throws Exception {
        // The tests bite: a kill switch rule that never fires fails promtool test rules.
        Path dir = Files.createTempDirectory("alerts");
        try {
            Files.writeString(dir.resolve("alerts.yaml"), Files.readString(
                    OPS.resolve("alerts.yaml")).replace("expr: router_kill_switches > 0",
                    "expr: router_kill_switches > 1"));
            Files.copy(OPS.resolve("alerts.test.yaml"), dir.resolve("alerts.test.yaml"));
            PrometheusServer.requireInstalled("promtool");
            Process p = new ProcessBuilder("promtool", "test", "rules", "alerts.test.yaml")
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isNotZero();
            assertThat(out).contains("alertname: KillSwitchEngaged");
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.delete(dir);
        }
    }
}

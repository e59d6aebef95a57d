package dev.releaserouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.rollout.FileRolloutStateStore;
import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path stateDir() {
        Path state = dir.resolve("state");
        var store = new FileRolloutStateStore(state);
        Instant t0 = Instant.parse("2026-03-02T09:00:00Z");
        store.append(new RolloutDecision(t0, "controller", "churn", "v2", 0, 500,
                RolloutAction.START, RolloutStatus.RUNNING, List.of("started"), null, "abc",
                false));
        store.append(new RolloutDecision(t0.plusSeconds(600), "controller", "churn", "v2", 0,
                500, RolloutAction.ROLLBACK, RolloutStatus.ROLLED_BACK,
                List.of("p95_slo: v2.p95_ms 180.5 > 120"), null, "abc", false));
        return state;
    }

    @Test
    void report_fromAStateDirectory_writesTheHtmlAndPrintsItsPath() throws Exception {
        Path html = dir.resolve("out/churn.html");

        int status = run("report", "--model", "churn", "--state-dir", stateDir().toString(),
                "--audit", dir.resolve("no-audit.jsonl").toString(), "--out", html.toString());

        assertThat(status).as(err()).isEqualTo(Main.PASS);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("report: wrote " + html.toAbsolutePath() + "\n");
        String text = Files.readString(html);
        assertThat(text).startsWith("<!DOCTYPE html>").contains("ROLLED_BACK")
                .contains("p95_slo: v2.p95_ms 180.5 &gt; 120")
                .contains("Not recorded: no audit file at " + dir.resolve("no-audit.jsonl"));
    }

    @Test
    void report_withABadDecisionLog_exits65NamingTheFileAndLine() throws Exception {
        Path log = dir.resolve("rollout_decision.jsonl");
        Files.writeString(log, "[1, 2]\n");

        int status = run("report", "--model", "churn", "--decisions", log.toString(), "--out",
                dir.resolve("r.html").toString());

        assertThat(status).isEqualTo(Main.DATA_ERROR);
        assertThat(err()).contains(log + ":1: a rollout decision must be a JSON object");
        assertThat(dir.resolve("r.html")).doesNotExist();
    }

    @Test
    void report_withoutModelOrWithUnknownOption_isAUsageError() {
        assertThat(run("report", "--decisions", "x")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("--model is required");
        assertThat(run("report", "--model", "churn", "--colour", "red")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("unknown option '--colour'");
        assertThat(run("report", "--help")).isEqualTo(Main.PASS);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--state-dir DIR");
    }
}

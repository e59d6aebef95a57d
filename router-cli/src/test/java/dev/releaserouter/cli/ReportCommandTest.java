package dev.releaserouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.spi.WindowSummary;
import dev.releaserouter.rollout.FileRolloutStateStore;
import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutStatus;
import dev.releaserouter.rollout.measure.JsonlMeasurementWindowStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
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
    void report_withAWindowFileAndEligibleShare_drawsTheArmsAndTheLastCheckpointsUplift() {
        Path windows = dir.resolve("windows");
        var store = JsonlMeasurementWindowStore.open(windows);
        Instant t0 = Instant.parse("2026-03-02T09:00:00Z");
        for (int minute = 0; minute < 10; minute++) {
            store.append(window("v1", t0.plusSeconds(60L * minute), 1_000, 5));
            store.append(window("v2", t0.plusSeconds(60L * minute), 50, 3));
        }
        Path html = dir.resolve("churn.html");

        int status = run("report", "--model", "churn", "--state-dir", stateDir().toString(),
                "--windows", windows.toString(), "--eligible-share", "0.85", "--out",
                html.toString());

        assertThat(status).as(err()).isEqualTo(Main.PASS);
        Document page = Jsoup.parse(read(html));
        assertThat(page.select("#arms svg")).isNotEmpty();
        assertThat(page.select("#arms").text()).doesNotContain("Not recorded");
        assertThat(page.select("#uplift").text()).contains("error rate (last checkpoint)")
                .doesNotContain("Not recorded");
    }

    @Test
    void report_withAMissingWindowFile_saysNotRecorded_andABadShareIsAUsageError() {
        Path html = dir.resolve("churn.html");
        Path none = dir.resolve("none");

        assertThat(run("report", "--model", "churn", "--windows", none.toString(), "--out",
                html.toString())).as(err()).isEqualTo(Main.PASS);
        assertThat(Jsoup.parse(read(html)).select("#arms").text()).contains(
                "Not recorded: no measurement window file at " + none);

        Path windows = dir.resolve("windows");
        JsonlMeasurementWindowStore.open(windows).append(window("v1",
                Instant.parse("2026-03-02T09:00:00Z"), 10, 0));
        assertThat(run("report", "--model", "fraud", "--windows", windows.toString(),
                "--eligible-share", "0.5", "--out", html.toString())).as(err())
                .isEqualTo(Main.PASS);
        Document page = Jsoup.parse(read(html));
        assertThat(page.select("#arms").text()).contains("no measurement windows of model fraud"
                + " in " + windows.resolve(JsonlMeasurementWindowStore.FILE) + " (it has [churn])");
        assertThat(page.select("#uplift").text()).contains(
                "the error rate at the last checkpoint needs the rollout decisions");

        assertThat(run("report", "--model", "churn", "--eligible-share", "most")).isEqualTo(
                Main.USAGE);
        assertThat(err()).contains("--eligible-share");
        assertThat(run("report", "--model", "churn", "--eligible-share", "1.5")).isEqualTo(
                Main.USAGE);
        assertThat(err()).contains("--eligible-share must be in (0, 1], but was 1.5");
    }

    private static WindowSummary window(String version, Instant start, long requests,
            long errors) {
        return new WindowSummary(Set.of("pod-0"), "churn", version, start,
                Duration.ofMinutes(1), Map.of("requests", requests, "errors", errors), Map.of(),
                Map.of());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void report_withABadLineInTheWindowFile_exits65NamingTheFileAndLine() throws Exception {
        Path file = dir.resolve("measurement_windows.jsonl");
        Files.writeString(file, "garbage\n");

        int status = run("report", "--model", "churn", "--windows", file.toString(), "--out",
                dir.resolve("r.html").toString());

        assertThat(status).isEqualTo(Main.DATA_ERROR);
        assertThat(err()).startsWith("report: " + file + ":1: not JSON");
        assertThat(dir.resolve("r.html")).doesNotExist();
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

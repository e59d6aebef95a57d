package dev.releaserouter.replay.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutStatus;
import dev.releaserouter.rollout.measure.ArmStats;
import dev.releaserouter.stats.AnalysisConfig;
import dev.releaserouter.stats.ArmSummary;
import dev.releaserouter.stats.Effect;
import dev.releaserouter.stats.ExperimentAnalysis;
import dev.releaserouter.stats.MetricKind;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutReportTest {

    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    @TempDir
    Path dir;

    /** A verdict with one criterion (the JSON GateVerdict.toJson() writes). */
    private static String verdict(String decision, String name, String expression,
            String severity, String status, double value, double threshold, String reason) {
        return "{\"decision\":\"" + decision + "\",\"policy\":\"churn.canary\","
                + "\"policy_sha256\":\"abc\",\"window_seconds\":600.0,\"samples\":{},"
                + "\"reasons\":[\"" + reason + "\"],\"criteria\":[{\"name\":\"" + name
                + "\",\"type\":\"expression\",\"expression\":\"" + expression + "\","
                + "\"severity\":\"" + severity + "\",\"status\":\"" + status + "\","
                + "\"breached\":" + !status.equals("OK") + ",\"value\":" + value
                + ",\"threshold\":" + threshold + ",\"observed\":{},\"samples\":{},"
                + "\"statistic\":null,\"p_value\":null,\"streak\":0,"
                + "\"consecutive_windows\":1,\"detail\":\"\"}]}";
    }

    private static RolloutDecision decision(int minutes, int stage, int bp, RolloutAction a,
            RolloutStatus s, List<String> reasons, String verdictJson) {
        return new RolloutDecision(T0.plus(Duration.ofMinutes(minutes)), "rollout-controller",
                "churn", "v2", stage, bp, a, s, reasons, verdictJson, "abc", false);
    }

    /** The known rollout: start at 5%, proceed to 25%, hold, then a CRITICAL rollback. */
    static List<RolloutDecision> knownRollout() {
        return List.of(
                decision(0, 0, 500, RolloutAction.START, RolloutStatus.RUNNING,
                        List.of("started"), null),
                decision(10, 1, 2_500, RolloutAction.PROCEED, RolloutStatus.RUNNING,
                        List.of("all criteria passed"), verdict("PROCEED", "p95_slo",
                                "v2.p95_ms > slo.p95_ms", "CRITICAL", "OK", 80, 120,
                                "all criteria passed")),
                decision(20, 1, 2_500, RolloutAction.HOLD, RolloutStatus.RUNNING,
                        List.of("p95_vs_v1: ALERT"), verdict("HOLD", "p95_slo",
                                "v2.p95_ms > slo.p95_ms", "CRITICAL", "OK", 101.25, 120,
                                "p95_vs_v1: ALERT")),
                decision(30, 1, 2_500, RolloutAction.ROLLBACK, RolloutStatus.ROLLED_BACK,
                        List.of("p95_slo: v2.p95_ms 180.5 > 120"), verdict("ROLLBACK",
                                "p95_slo", "v2.p95_ms > slo.p95_ms", "CRITICAL", "FAIL",
                                180.5, 120, "p95_slo: v2.p95_ms 180.5 > 120")));
    }

    private static ArmStats window(String version, int endMinute, long n, long errors,
            double p95) {
        return ArmStats.builder(version)
                .period(T0.plus(Duration.ofMinutes(endMinute - 10)),
                        T0.plus(Duration.ofMinutes(endMinute)))
                .windows(10).counts(n, errors).latencyMs(p95 / 2, p95, p95 * 1.5).build();
    }

    private static List<ExposureEvent> exposures(int minute, Reason reason, int count) {
        List<ExposureEvent> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(ExposureEvent.builder("churn",
                            reason == Reason.CANARY_BUCKET ? "v2" : "v1", "c-" + minute + "-" + i)
                    .time(T0.plus(Duration.ofMinutes(minute)).plusSeconds(i))
                    .role(reason == Reason.CANARY_BUCKET ? Role.CANDIDATE : Role.STABLE)
                    .reason(reason).bucket(i % 100).build());
        }
        return out;
    }

    @Test
    void errorRateAnalysis_takesTheWindowsOfTheStageTheLastDecisionJudged_holdsDoNotBeginOne() {
        String page = RolloutReport.builder("churn").decisions(knownRollout())
                .armWindows("v1", List.of(window("v1", 10, 5_700, 3, 95.5),
                        window("v1", 20, 4_500, 2, 96.25), window("v1", 30, 4_500, 4, 97)))
                .armWindows("v2", List.of(window("v2", 10, 300, 1, 80),
                        window("v2", 20, 1_500, 3, 101.25), window("v2", 30, 1_500, 45, 180.5)))
                .errorRateAnalysis(0.85, 0.005).build().render();

        String uplift = Jsoup.parse(page).select("#uplift").text();
        // The stage began at the PROCEED to 25% (minute 10), not at the HOLD (minute 20).
        assertThat(uplift).contains("error rate (last checkpoint)").contains("n 3000/9000");
    }

    @Test
    void errorRateAnalysis_withoutWindowsInsideTheStage_saysWhyInsteadOfGuessing() {
        String page = RolloutReport.builder("churn").decisions(knownRollout())
                .armWindows("v1", List.of(window("v1", 10, 5_700, 3, 95.5)))
                .armWindows("v2", List.of(window("v2", 10, 300, 1, 80)))
                .errorRateAnalysis(0.85, 0.005).build().render();

        assertThat(Jsoup.parse(page).select("#uplift").text()).contains(
                "Not recorded: the error rate at the last checkpoint needs the decision that"
                        + " began its stage and windows of both arms wholly inside the stage");
        assertThatThrownBy(() -> RolloutReport.builder("churn").errorRateAnalysis(0, 0.005))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eligibleShare must be in (0, 1], but was 0.0");
    }

    private RolloutReport knownReport() throws Exception {
        List<ExposureEvent> ex = new ArrayList<>();
        ex.addAll(exposures(1, Reason.STABLE_BUCKET, 160)); // stage 1 (5%): 160 / 40
        ex.addAll(exposures(4, Reason.CANARY_BUCKET, 40));
        ex.addAll(exposures(11, Reason.STABLE_BUCKET, 70)); // stage 2 (25%): 70 / 30
        ex.addAll(exposures(15, Reason.CANARY_BUCKET, 30));
        Path shadow = dir.resolve("shadow_eval.json");
        Files.writeString(shadow, """
                {"schema_version":1,"model":"churn","stable_version":"v1",
                 "candidate_version":"v2","verdict":"PASS","decision":"PROCEED",
                 "criteria":[{"name":"match_rate","measured":0.9625,"comparison":">=",
                   "threshold":0.95,"status":"PASS","sample_size":800}],
                 "measurements":{"calls":800,"comparisons":800,"matches":770,
                   "match_rate":0.9625,"failure_rate":0.005,
                   "latency_ms":{"stable":{"count":800,"p95":41.5},
                                 "candidate":{"count":800,"p95":44.25}},
                   "score_delta":{"n":800,"mean":0.0125,"min":-0.2,"max":0.3,"p05":-0.05,
                     "p50":0.01,"p95":0.08},
                   "psi":{"value":0.031,"samples":800}}}
                """);
        return RolloutReport.builder("churn")
                .decisions(knownRollout())
                .armWindows("v1", List.of(window("v1", 10, 5_700, 3, 95.5),
                        window("v1", 20, 4_500, 2, 96.25), window("v1", 30, 4_500, 4, 97)))
                .armWindows("v2", List.of(window("v2", 10, 300, 1, 80),
                        window("v2", 20, 1_500, 3, 101.25), window("v2", 30, 1_500, 45, 180.5)))
                .exposures(ex)
                .shadowEvaluation(shadow)
                .audit(List.of(
                        new AuditEvent(T0, "rollout-controller", "weight.set", "churn/v2",
                                "{\"weight\":0}", "{\"weight\":500}", "rollout stage 1", null, 1),
                        new AuditEvent(T0.plus(Duration.ofMinutes(30)), "rollout-controller",
                                "kill.on", "version:churn/v2", null, null, "p95_slo breached",
                                null, 3),
                        new AuditEvent(T0, "ops", "weight.set", "fraud/v9", null, null,
                                "another model", null, 2),
                        new AuditEvent(T0, "ops", "kill.on", "version:fraud/v9", null, null,
                                "another model's kill", null, 4),
                        new AuditEvent(T0, "ops", "kill.on", "model:churnish", null, null,
                                "a model whose name starts like it", null, 5),
                        new AuditEvent(T0, "ops", "kill.off", "all", null, null,
                                "everything", null, 6)))
                .build();
    }

    private static List<String> column(Element table, int index) {
        List<String> out = new ArrayList<>();
        for (Element tr : table.select("tbody tr")) {
            out.add(tr.child(index).text());
        }
        return out;
    }

    private static Element table(Document doc, String captionStart) {
        for (Element t : doc.select("table")) {
            if (t.selectFirst("caption").text().startsWith(captionStart)) {
                return t;
            }
        }
        throw new AssertionError("no table captioned " + captionStart);
    }

    @Test
    void report_ofKnownRollout_isWellFormedXmlAndSelfContained() throws Exception {
        String html = knownReport().render();

        // Strictly well-formed (the JDK's XML parser rejects any unclosed or misnested tag).
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        var xml = factory.newDocumentBuilder().parse(
                new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        assertThat(xml.getDocumentElement().getTagName()).isEqualTo("html");
        Document doc = Jsoup.parse(html);
        assertThat(doc.select("script, link, img, iframe")).isEmpty();
        assertThat(html).doesNotContain("http://www.w3.org/1999").doesNotContain("https://");
        assertThat(doc.select("svg.chart")).hasSizeGreaterThanOrEqualTo(5);
        assertThat(doc.select("style").html()).contains("@media (prefers-color-scheme: dark)")
                .contains("@media print");
        // Every chart has an accessible name.
        for (Element svg : doc.select("svg.chart")) {
            assertThat(svg.attr("role")).isEqualTo("img");
            assertThat(svg.selectFirst("title").text()).isNotBlank();
        }
    }

    @Test
    void report_ofKnownRollout_showsEachStageDecisionVerdictAndReason() throws Exception {
        Document doc = Jsoup.parse(knownReport().render());

        Element decisions = table(doc, "Rollout decisions");
        assertThat(column(decisions, 1)).containsExactly("+0m00s", "+10m00s", "+20m00s",
                "+30m00s");
        assertThat(column(decisions, 2)).containsExactly("1", "2", "2", "2");
        assertThat(column(decisions, 3)).containsExactly("5%", "25%", "25%", "25%");
        assertThat(column(decisions, 4)).containsExactly("5%", "25%", "25%", "0%");
        assertThat(column(decisions, 5)).containsExactly("◆ START", "▲ PROCEED", "● HOLD",
                "✕ ROLLBACK");
        assertThat(column(decisions, 6)).containsExactly("manual", "PROCEED", "HOLD",
                "ROLLBACK");
        assertThat(column(decisions, 9).get(3)).isEqualTo("p95_slo: v2.p95_ms 180.5 > 120");
        assertThat(doc.getElementById("status").text()).isEqualTo("ROLLED_BACK");
        assertThat(doc.getElementById("status").hasClass("bad")).isTrue();
        // The traffic drops to 0 at the rollback: the last point of the timeline is at the axis.
        assertThat(doc.select("#chart-traffic .mark")).hasSize(4);

        Element crit = table(doc, "p95_slo at each checkpoint");
        assertThat(column(crit, 2)).containsExactly("80", "101.3", "180.5");
        assertThat(column(crit, 3)).containsExactly("120", "120", "120");
        assertThat(column(crit, 4)).containsExactly("OK", "OK", "FAIL");
    }

    @Test
    void report_perArmCharts_drawThePolicyThresholdAndTabulateEveryPoint() throws Exception {
        Document doc = Jsoup.parse(knownReport().render());

        Element p95 = doc.getElementById("chart-arm-p95");
        assertThat(p95).isNotNull();
        assertThat(p95.select("path.thr")).hasSize(1); // p95_slo's threshold, 120 ms
        assertThat(p95.select("path.thr title").text()).isEqualTo("p95_slo");
        Element arms = table(doc, "Per-arm windows");
        assertThat(column(arms, 0)).containsExactly("v1", "v1", "v1", "v2", "v2", "v2");
        assertThat(column(arms, 6)).containsExactly("95.5", "96.25", "97", "80", "101.3",
                "180.5");
        assertThat(column(arms, 4).get(5)).isEqualTo("0.03"); // 45 / 1,500

        // Every number in a chart's point is a cell of a table of its section.
        Pattern value = Pattern.compile(": (\\S+) at ");
        int points = 0;
        for (Element section : doc.select("section")) {
            java.util.Set<String> cells = new java.util.HashSet<>();
            section.select("td").forEach(td -> cells.add(td.text().replaceAll("%$", "")));
            for (Element point : section.select("svg .pt > title")) {
                Matcher m = value.matcher(point.text());
                assertThat(m.find()).as(point.text()).isTrue();
                assertThat(cells).as("%s in section %s", point.text(), section.id())
                        .contains(m.group(1));
                points++;
            }
        }
        assertThat(points).isEqualTo(4 + 3 + 6 + 6); // traffic, p95_slo, p95 and error rate
    }

    @Test
    void report_srmFromExposures_matchesSciPyChiSquare() throws Exception {
        Document doc = Jsoup.parse(knownReport().render());

        Element srm = table(doc, "SRM from exposures");
        // scipy.stats.chisquare([160, 40], f_exp=[190, 10]) -> 94.7368, p 2.1745e-22
        // scipy.stats.chisquare([70, 30], f_exp=[75, 25]) -> 1.33333, p 0.248213
        assertThat(column(srm, 0)).containsExactly("1", "2");
        assertThat(column(srm, 2)).containsExactly("160", "70");
        assertThat(column(srm, 3)).containsExactly("40", "30");
        assertThat(column(srm, 6)).containsExactly("94.74", "1.333");
        assertThat(column(srm, 7)).containsExactly("2.175E-22", "0.2482");
        assertThat(column(srm, 8)).containsExactly("mismatch", "ok");
        Element ex = table(doc, "Exposures by version");
        assertThat(column(ex, 0)).containsExactly("v1", "v2");
        assertThat(column(ex, 3)).containsExactly("230", "70");
    }

    @Test
    void report_showsShadowEvaluationAndOnlyTheModelsAuditEntries() throws Exception {
        Document doc = Jsoup.parse(knownReport().render());

        Element m = table(doc, "Shadow measurements");
        assertThat(m.text()).contains("match rate 0.9625").contains("candidate p95 ms 44.25")
                .contains("score delta mean 0.0125").contains("PSI 0.031");
        assertThat(doc.getElementById("chart-match")).isNotNull();
        Element audit = table(doc, "Audit entries of churn");
        assertThat(column(audit, 3)).containsExactly("weight.set", "kill.on", "kill.off");
        assertThat(column(audit, 4)).containsExactly("churn/v2", "version:churn/v2", "all");
    }

    @Test
    void report_withAnalysis_showsUpliftIntervalAndSampleSizeProgress() {
        ExperimentAnalysis a = ExperimentAnalysis.of(
                AnalysisConfig.builder(MetricKind.CONVERSION).baseline(0.10)
                        .minimumDetectableEffect(Effect.absolute(0.02)).build(),
                ArmSummary.ofConversions(2_000, 200), ArmSummary.ofConversions(2_000, 240));
        Document doc = Jsoup.parse(RolloutReport.builder("churn").decisions(knownRollout())
                .analysis("conversion", a).build().render());

        Element t = table(doc, "Uplift of conversion");
        var u = a.uplift();
        assertThat(t.text()).contains("absolute uplift " + Html.num(u.absolute()))
                .contains("[" + Html.num(u.absoluteInterval().lower()) + ", "
                        + Html.num(u.absoluteInterval().upper()) + "]")
                .contains("required treatment n " + a.requiredSample().orElseThrow().treatment());
        assertThat(doc.getElementById("chart-uplift")).isNotNull();
        assertThat(doc.getElementById("chart-sample")).isNotNull();
        assertThat(table(doc, "SRM of the experiment analysis").text()).contains("2000");
    }

    @Test
    void report_withNoInputs_saysNotRecordedInEverySectionInsteadOfFailing() {
        Document doc = Jsoup.parse(RolloutReport.builder("churn")
                .decisionLog(dir.resolve("missing.jsonl"))
                .auditFile(dir.resolve("audit.jsonl"))
                .exposuresDirectory(dir.resolve("no-exposures"))
                .shadowEvaluation(dir.resolve("shadow_eval.json"))
                .build().render());

        assertThat(doc.select("p.none")).hasSizeGreaterThanOrEqualTo(8);
        assertThat(doc.getElementById("timeline").text())
                .contains("Not recorded: no decision log at " + dir.resolve("missing.jsonl"));
        assertThat(doc.getElementById("audit").text()).contains("no audit file at");
        assertThat(doc.getElementById("shadow").text()).contains("no shadow evaluation at");
        assertThat(doc.getElementById("exposures").text()).contains("no exposure directory");
        assertThat(doc.select("svg.chart")).isEmpty();
    }

    @Test
    void decisionLog_readsWhatTheFileStoreWrites() throws Exception {
        Path log = dir.resolve("rollout_decision.jsonl");
        StringBuilder text = new StringBuilder();
        knownRollout().forEach(d -> text.append(d.toJson()).append('\n'));
        Files.writeString(log, text);

        Document doc = Jsoup.parse(RolloutReport.builder("churn").decisionLog(log).build()
                .render());

        assertThat(column(table(doc, "Rollout decisions"), 5)).containsExactly("◆ START",
                "▲ PROCEED", "● HOLD", "✕ ROLLBACK");
        assertThat(column(table(doc, "p95_slo at each checkpoint"), 2))
                .containsExactly("80", "101.3", "180.5");
    }

    @Test
    void decisionLog_withABadLine_failsNamingTheFileTheLineAndTheField() throws Exception {
        Path log = dir.resolve("rollout_decision.jsonl");
        Files.writeString(log, knownRollout().get(0).toJson() + "\n"
                + "{\"type\":\"rollout_decision\",\"time\":\"yesterday\"}\n");

        assertThatThrownBy(() -> RolloutReport.builder("churn").decisionLog(log))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(log + ":2")
                .hasMessageContaining("/time must be an ISO-8601 instant")
                .hasMessageContaining("yesterday");
        Files.writeString(log, "{not json\n");
        assertThatThrownBy(() -> RolloutReport.builder("churn").decisionLog(log))
                .hasMessageContaining(log + ":1: not well-formed JSON");
    }

    @Test
    void shadowEvaluation_thatIsNotOne_failsNamingTheFile() throws Exception {
        Path f = dir.resolve("shadow_eval.json");
        Files.writeString(f, "{\"verdict\":\"PASS\"}");

        assertThatThrownBy(() -> RolloutReport.builder("churn").shadowEvaluation(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("/criteria must be an array, but was missing");
    }

    @Test
    void report_escapesRecordedText() {
        var d = new RolloutDecision(T0, "<script>alert(1)</script>", "churn", "v2", 0, 500,
                RolloutAction.START, RolloutStatus.RUNNING, List.of("a & b <i>"), null, "abc",
                false);
        String html = RolloutReport.builder("churn").decisions(List.of(d)).build().render();

        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;")
                .contains("a &amp; b &lt;i&gt;");
    }
}

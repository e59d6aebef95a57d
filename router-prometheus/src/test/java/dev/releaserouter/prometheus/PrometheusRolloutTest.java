package dev.releaserouter.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.core.testing.Docs;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.micrometer.RolloutMeterNaming;
import dev.releaserouter.micrometer.RolloutMetrics;
import dev.releaserouter.prometheus.testing.MeterEndpoint;
import dev.releaserouter.prometheus.testing.PrometheusServer;
import dev.releaserouter.rollout.FileRolloutStateStore;
import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutPlan;
import dev.releaserouter.rollout.RolloutStatus;
import dev.releaserouter.rollout.gates.Policy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operators' view end to end, on a real {@code prometheus} (1 s scrapes) scraping this
 * process's router meters through micrometer-registry-prometheus: two rollouts judged by the
 * shipped Prometheus-backed policy (docs/ops/policies/fleet-canary.yaml), a good candidate
 * ({@code churn} v2) PROCEEDs stage by stage to PROMOTED and a bad one ({@code fraud} v2,
 * failing a third of its calls, which the in-process criterion tolerates) is rolled back by the
 * fleet error rate Prometheus computes; then the shipped alert rules fire on what happened, and
 * every dashboard panel's query runs without error over the meters it names.
 *
 * <p>Real time passes only for Prometheus (scrapes); the rollouts' checkpoints run on a mutable
 * clock. The whole class stays under 90 s (asserted).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusRolloutTest {

    private static final Path OPS = Docs.dir().resolve("ops");
    private static final Duration CHECKPOINT = Duration.ofSeconds(20);
    private static final Duration BUDGET = Duration.ofSeconds(90);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final long started = System.nanoTime();
    private ServingApp app;
    private PrometheusMeterRegistry seedRegistry;
    private MeterEndpoint seedEndpoint;
    private PrometheusServer prometheus;
    private PrometheusMetricSource source;
    private RolloutController good;
    private RolloutController bad;
    private Path stateDir;

    @BeforeAll
    void runBothRollouts() throws IOException {
        PrometheusServer.requireInstalled("prometheus");
        app = new ServingApp();
        // A second registry exports the rollout meters under seed 003's names.
        seedRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        seedRegistry.config().meterFilter(RolloutMeterNaming.seed003());
        seedEndpoint = MeterEndpoint.start(seedRegistry);
        prometheus = PrometheusServer.start(List.of(app.endpoint.target(),
                seedEndpoint.target()), List.of(OPS.resolve("alerts.yaml"),
                OPS.resolve("alerts-seed-003.yaml")));
        source = PrometheusMetricSource.builder(prometheus.uri())
                .timeout(Duration.ofSeconds(5)).build();
        stateDir = Files.createTempDirectory("rollouts");
        app.v2Fails("fraud", 1.0 / 3);
        good = start("churn");
        bad = start("fraud");
        // At most one checkpoint per stage and a spare: each is a few seconds of real time.
        for (int i = 0; i < 6 && (good.status() == RolloutStatus.RUNNING
                || bad.status() == RolloutStatus.RUNNING); i++) {
            checkpoint();
        }
    }

    private RolloutController start(String model) {
        Policy policy = Policy.load(OPS.resolve("policies/fleet-canary.yaml"));
        RolloutPlan plan = RolloutPlan.builder().model(model).stableVersion("v1")
                .candidateVersion("v2").stages(2500, 5000, 10_000)
                .checkpointDuration(CHECKPOINT).minSamples(20).policy(policy)
                .metricSource(source).build();
        RolloutController c = RolloutController.start(app.admin, app.arms, plan,
                new FileRolloutStateStore(stateDir.resolve(model)), app.clock, "rollout-bot");
        app.observe(c);
        new RolloutMetrics(c).bindTo(seedRegistry);
        return c;
    }

    /**
     * Half a checkpoint passes; traffic is sent (a batch per scrape, three at least) until
     * Prometheus sees at least 30 candidate requests of each running rollout within the
     * checkpoint's window, as the policy's samples query does (so rate() has two points at
     * least); the other half passes; both controllers tick.
     */
    private void checkpoint() {
        app.clock.advance(CHECKPOINT.dividedBy(2));
        List<String> running = new ArrayList<>();
        for (RolloutController c : List.of(good, bad)) {
            if (c.status() == RolloutStatus.RUNNING) { // a rolled-back v2 gets no traffic
                running.add(c.plan().model());
            }
        }
        long[] lastScrape = {app.endpoint.scrapes()};
        int[] batches = {0};
        Polling.await(() -> {
            if (app.endpoint.scrapes() > lastScrape[0]) { // one batch per scrape
                lastScrape[0] = app.endpoint.scrapes();
                app.traffic(60);
                batches[0]++;
            }
            // This checkpoint's own traffic (the router's measurements need it), and enough of
            // it in Prometheus's window.
            return batches[0] >= 3 && running.stream().allMatch(m -> candidateRequests(m) >= 30);
        }, Duration.ofSeconds(30));
        app.clock.advance(CHECKPOINT.dividedBy(2));
        good.tick();
        bad.tick();
    }

    /** The candidate's requests within the checkpoint's window, as Prometheus sees them. */
    private double candidateRequests(String model) {
        JsonNode r = query("sum(increase(router_arm_requests_calls_total{model=\"" + model
                + "\",version=\"v2\"}[" + CHECKPOINT.toSeconds() + "s]))").get("data")
                .get("result");
        return r.isEmpty() ? 0 : Double.parseDouble(r.get(0).get("value").get(1).stringValue());
    }

    private JsonNode query(String promql) {
        return JSON.readTree(prometheus.query(promql));
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {prometheus, seedEndpoint, app}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void goodCandidate_proceedsAtEveryStage_onPrometheusNumbers() {
        assertThat(good.status()).as(good.decisions().toString())
                .isEqualTo(RolloutStatus.PROMOTED);
        List<RolloutDecision> proceeds = good.decisions().stream()
                .filter(d -> d.action() == RolloutAction.PROCEED).toList();
        assertThat(proceeds).hasSize(3);
        for (RolloutDecision d : proceeds) {
            JsonNode verdict = JSON.readTree(d.verdictJson());
            JsonNode fleet = criterion(verdict, "fleet_error_rate");
            assertThat(fleet.get("status").stringValue()).isEqualTo("OK");
            assertThat(fleet.get("value").asDouble()).isZero();
            assertThat(fleet.get("samples").get("candidate").asLong())
                    .as("fleet samples from the samples query").isGreaterThanOrEqualTo(20);
            assertThat(criterion(verdict, "fleet_p95").get("value").asDouble())
                    .isBetween(0.0, 500.0);
        }
        assertThat(source.queries()).isPositive();
    }

    @Test
    void badCandidate_isRolledBack_byTheFleetErrorRateFromPrometheus() {
        assertThat(bad.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
        RolloutDecision last = bad.decisions().get(bad.decisions().size() - 1);
        assertThat(last.action()).isEqualTo(RolloutAction.ROLLBACK);
        assertThat(last.stageBasisPoints()).isEqualTo(2500);
        JsonNode verdict = JSON.readTree(last.verdictJson());
        JsonNode fleet = criterion(verdict, "fleet_error_rate");
        assertThat(fleet.get("status").stringValue()).isEqualTo("CRITICAL");
        // v2 fails every third call (1/0.3 rounded): 1/3, as rate() over a 20 s window of a
        // few dozen calls sees it (a call more or less at the window's edges moves it: 0.185
        // was seen on a loaded machine). Far above the policy's 0.05 either way.
        assertThat(fleet.get("value").asDouble()).isBetween(0.1, 0.6);
        assertThat(criterion(verdict, "local_error_rate").get("status").stringValue())
                .as("the in-process criterion alone would not roll it back").isEqualTo("OK");
        assertThat(app.router.config().model("fraud").version("v2").weightBasisPoints())
                .isZero();
    }

    @Test
    void wholeRun_staysUnder90Seconds() {
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BUDGET);
    }

    @Test
    void shippedAlertRules_evaluateWithoutError_andFireOnTheRollback() {
        // The rollback killed fraud's v2: KillSwitchEngaged fires (for: 0m) at the next
        // evaluation; the degradation is pending (for: 1m), or firing on a slow machine.
        Polling.await(() -> alerts().contains("KillSwitchEngaged firing fraud"),
                Duration.ofSeconds(20));
        Polling.await(() -> alerts().matches(
                "(?s).*RolloutDegradationDetected (pending|firing) fraud.*"),
                Duration.ofSeconds(20));
        JsonNode groups = JSON.readTree(prometheus.get("/api/v1/rules")).get("data")
                .get("groups");
        List<String> rules = new ArrayList<>();
        for (JsonNode g : groups) {
            for (JsonNode r : g.get("rules")) {
                rules.add(r.get("name").stringValue());
                assertThat(r.get("health").stringValue()).as(r.get("name") + ": "
                        + r.path("lastError")).isEqualTo("ok");
            }
        }
        assertThat(rules).hasSize(12).contains("RouterComponentDown", "RolloutDegradationDetected",
                "RolloutStuckInStage", "KillSwitchEngaged", "FlagReloadFailing",
                "ShadowCallsDropped", "ShadowCircuitOpen", "ExposureBudgetExhausted",
                "RolloutSampleRatioMismatch", "RolloutTicksFailing");
        assertThat(alerts()).doesNotContain("churn");
    }

    /** "name state model_or_model_name" of each active alert, space-separated. */
    private String alerts() {
        StringBuilder out = new StringBuilder();
        for (JsonNode a : JSON.readTree(prometheus.get("/api/v1/alerts")).get("data")
                .get("alerts")) {
            JsonNode labels = a.get("labels");
            out.append(labels.get("alertname").stringValue()).append(' ')
                    .append(a.get("state").stringValue()).append(' ')
                    .append(labels.has("model") ? labels.get("model").stringValue()
                            : labels.path("model_name").asString("")).append('\n');
        }
        return out.toString();
    }

    @Test
    void seed003Names_answerTheSeedsPromQl() {
        Polling.await(() -> query("neural_hive_rollout_stage{model_name=\"churn\"}").toString()
                .contains("\"3\""), Duration.ofSeconds(10));
        assertThat(query("neural_hive_rollout_traffic_pct{model_name=\"churn\"}").toString())
                .contains("\"100\"");
        // The seed's own examples, verbatim apart from the model name.
        for (String promql : List.of(
                "sum(rate(neural_hive_rollout_checkpoint_total{status=\"success\"}[1h])) /"
                        + " sum(rate(neural_hive_rollout_checkpoint_total[1h]))",
                "sum by (reason) (rate(neural_hive_rollout_degradation_total[24h]))")) {
            JsonNode r = query(promql);
            assertThat(r.get("status").stringValue()).as(promql).isEqualTo("success");
            assertThat(r.get("data").get("result")).as(promql).isNotEmpty();
        }
        assertThat(query("neural_hive_rollout_degradation_total{model_name=\"fraud\","
                + "reason=\"fleet_error_rate\",severity=\"critical\",stage=\"1\"}").toString())
                .contains("\"1\"");
    }

    @Test
    void everyDashboardPanel_runsWithoutError_overMetricsPrometheusHas() throws IOException {
        Set<String> known = new LinkedHashSet<>();
        JSON.readTree(prometheus.get("/api/v1/label/__name__/values")).get("data")
                .forEach(n -> known.add(n.stringValue()));
        Pattern metric = Pattern.compile("\\b((?:router|neural_hive)_[a-z_]+)\\b");
        int queries = 0;
        try (var files = Files.list(OPS.resolve("dashboards"))) {
            for (Path f : files.sorted().toList()) {
                JsonNode d = JSON.readTree(f.toFile());
                assertThat(d.get("uid").stringValue()).isEqualTo(f.getFileName().toString()
                        .replace(".json", ""));
                List<String> exprs = new ArrayList<>();
                for (JsonNode p : d.get("panels")) {
                    p.get("targets").forEach(t -> exprs.add(t.get("expr").stringValue()));
                }
                for (JsonNode v : d.get("templating").get("list")) {
                    if (v.has("definition")) { // label_values(metric{...}, label)
                        String def = v.get("definition").stringValue();
                        exprs.add(def.substring("label_values(".length(), def.lastIndexOf(',')));
                    }
                }
                assertThat(exprs).as(f.toString()).isNotEmpty();
                for (String expr : exprs) {
                    String promql = expr.replace("$__rate_interval", "1m")
                            .replace("$model", ".+").replace("$version", ".+");
                    JsonNode r = query(promql);
                    assertThat(r.get("status").stringValue()).as(f.getFileName() + ": " + expr
                            + " -> " + r).isEqualTo("success");
                    // Every metric it names exists, in one branch at least of an "a or b"
                    // (latency: histogram buckets, else each instance's summary).
                    List<Set<String>> branches = new ArrayList<>();
                    for (String branch : expr.split(" or ")) {
                        Set<String> names = new LinkedHashSet<>();
                        Matcher m = metric.matcher(branch);
                        while (m.find()) {
                            names.add(m.group(1));
                        }
                        branches.add(names);
                    }
                    assertThat(branches).as(f.getFileName() + ": " + expr + " names metrics"
                            + " Prometheus does not have; it has " + known)
                            .anySatisfy(names -> assertThat(known).containsAll(names));
                    queries++;
                }
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(30);
    }

    @Test
    void metricReferenceInOpsMd_namesWhatPrometheusScraped() throws IOException {
        Set<String> known = new LinkedHashSet<>();
        JSON.readTree(prometheus.get("/api/v1/label/__name__/values")).get("data")
                .forEach(n -> known.add(n.stringValue()));
        String doc = Files.readString(Docs.dir().resolve("ops.md"));
        String table = doc.substring(doc.indexOf("## Metric reference"),
                doc.indexOf("### Seed 003's names"));
        Matcher m = Pattern.compile("^\\| `((?:router|neural_hive)_[a-z_]+)`",
                Pattern.MULTILINE).matcher(table);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).hasSizeGreaterThanOrEqualTo(25);
        // No canary fails over to stable in this scenario (no fallbackToStable binding).
        Set<String> notProduced = Set.of("router_fallbacks_total");
        // The summary is replaced by the histogram when latency buckets are configured.
        known.add("router_arm_latency_seconds");
        for (String name : names) {
            if (!notProduced.contains(name)) {
                assertThat(known).as("ops.md names " + name).contains(name);
            }
        }
    }

    private static JsonNode criterion(JsonNode verdict, String name) {
        for (JsonNode c : verdict.get("criteria")) {
            if (c.get("name").stringValue().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no criterion " + name + " in " + verdict);
    }
}

package dev.releaserouter.samples.quickstart;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.core.FlagSources;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.audit.JsonlAuditSink;
import dev.releaserouter.replay.report.RolloutReport;
import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutPlan;
import dev.releaserouter.rollout.RolloutStatus;
import dev.releaserouter.rollout.Rollouts;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import dev.releaserouter.rollout.measure.JsonlMeasurementWindowStore;
import dev.releaserouter.samples.quickstart.SimulatedChurnService.Features;
import dev.releaserouter.samples.quickstart.SimulatedChurnService.Scored;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The whole rollout story on simulated time: a stream of churn-scoring requests (1,200 a minute)
 * through a progressive canary of v2, 5% -> 25% -> 50% -> 100% with 10-minute checkpoints judged
 * by the policy {@code policies/churn-canary.json}: latency SLOs, the error rate judged on its
 * confidence bounds over the stage (a HOLD while they straddle the SLO), the split checked
 * against the stage's weight (SRM) and a minimum sample from a power analysis. It runs twice: a
 * good v2 is promoted stage by
 * stage; a bad v2 (its connection pool saturates at 25%) is rolled back automatically, after which
 * no request reaches it. Each run prints one line per rollout decision with the numbers the
 * gate saw, then the audit trail is counted and its hash chain verified.
 *
 * <p>The one-call flow: the models are registered on the router, {@code router.route(request,
 * features)} decides and calls, the {@link ArmMeasurements} hook records every call by itself,
 * and {@link Rollouts#start} finds the measurements, the clock and a state store on the router.
 * Nothing sleeps: one {@link SimulatedClock} drives the router, the measurements and the
 * controller, and each simulated model call "takes" its latency on the clock's ticker, which the
 * router times calls with. The random seed is fixed, so the output is the same on every run.
 */
public final class QuickstartDemo {

    private static final String MODEL = "churn";
    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");
    private static final Duration CHECKPOINT = Duration.ofMinutes(10);
    private static final Duration TICK = Duration.ofSeconds(30);
    private static final Duration REQUEST_EVERY = Duration.ofMillis(50); // 1,200 a minute
    private static final Duration GIVE_UP = Duration.ofHours(3);
    private static final int CUSTOMERS = 50_000;
    private static final int CHECK_AFTER_ROLLBACK = 1_000;
    private static final long SEED = 20_260_302L;
    private static final String[] TENANTS = {"retail-br", "retail-mx", "sme-br", "marketplace"};

    private QuickstartDemo() {}

    /** What one run ended with. */
    private record Outcome(RolloutStatus status, int stageIndex, int stageBasisPoints,
            Duration elapsed, int decisions, int candidateAfterRollback, Path auditFile,
            List<RolloutDecision> decisionLog, Path windows) {}

    /**
     * Runs the demo.
     *
     * @param args ignored
     * @throws Exception if the temporary audit files cannot be created
     */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("release-router-demo");
        Policy policy = Policy.fromClasspath("policies/churn-canary.json",
                QuickstartDemo.class.getClassLoader());
        System.out.printf("churn v1 -> v2: stages 5/25/50/100%%, %d-minute checkpoints, a tick"
                + " every %ds, %d requests/min%n", CHECKPOINT.toMinutes(), TICK.toSeconds(),
                Duration.ofMinutes(1).dividedBy(REQUEST_EVERY));
        System.out.printf("policy %s (sha256 %s...): v2 p95 <= 120 ms (CRITICAL); errors: roll"
                + " back once the stage shows them above 1%% at 99.5%% confidence, hold while"
                + " unsure; p95 within 20%% of v1, split as configured (SRM), enough requests"
                + " for the power analysis (ALERT)%n", policy.name(),
                policy.digest().substring(0, 12));

        System.out.println();
        System.out.println("== good v2");
        // The HTML rollout report of each run (docs/report.md), next to the demo's output.
        Path reports = Path.of(System.getProperty("quickstart.reports", "target"));
        Outcome good = run(policy, false, dir.resolve("audit-good.jsonl"),
                windows(reports, "good"));
        System.out.printf("result: good v2 %s at %s, t=%s, %d decisions%n", good.status(),
                stage(good.stageIndex(), good.stageBasisPoints()), clock(good.elapsed()),
                good.decisions());

        System.out.println();
        System.out.println("== bad v2 (connection pool sized for "
                + SimulatedChurnService.BAD_CAPACITY_PER_MINUTE + " calls/min)");
        Outcome bad = run(policy, true, dir.resolve("audit-bad.jsonl"), windows(reports, "bad"));
        System.out.printf("result: bad v2 %s at %s, t=%s, %d decisions; v2 served %d of the"
                + " next %d requests%n", bad.status(), stage(bad.stageIndex(),
                bad.stageBasisPoints()), clock(bad.elapsed()), bad.decisions(),
                bad.candidateAfterRollback(), CHECK_AFTER_ROLLBACK);

        System.out.println();
        System.out.printf("report: good run %s%n", report(good, "good",
                reports.resolve("quickstart-report-good.html")).toAbsolutePath());
        System.out.printf("report: bad run %s%n", report(bad, "bad",
                reports.resolve("quickstart-report-bad.html")).toAbsolutePath());

        System.out.println();
        var goodChain = JsonlAuditSink.verify(good.auditFile());
        var badChain = JsonlAuditSink.verify(bad.auditFile());
        System.out.printf("audit: good run %s; bad run %s%n", summary(good.auditFile()),
                summary(bad.auditFile()));
        if (goodChain.ok() && badChain.ok()) {
            System.out.println("chain: verified (every entry hash-linked to the one before)");
        } else {
            System.out.println("chain: BROKEN: " + goodChain + " / " + badChain);
        }
        Files.delete(good.auditFile());
        Files.delete(bad.auditFile());
        Files.delete(dir);
    }

    /**
     * Writes the rollout report of one run: decisions, the per-arm windows the measurements
     * kept in their window file, the error rate's analysis at the last checkpoint (85% of the
     * traffic can get v2: VIP and regulated tenants are denied), the audit trail.
     */
    private static Path report(Outcome o, String name, Path file) {
        return RolloutReport.builder(MODEL)
                .title("churn v1 -> v2 (" + name + " v2): rollout report")
                .decisions(o.decisionLog())
                .windowsFile(o.windows())
                .errorRateAnalysis(0.85, 0.005)
                .auditFile(o.auditFile())
                .build().write(file);
    }

    /** How many audit entries a file holds, by action. */
    private static String summary(Path auditFile) {
        var events = JsonlAuditSink.read(auditFile);
        Map<String, Integer> actions = new TreeMap<>();
        events.forEach(e -> actions.merge(e.action(), 1, Integer::sum));
        return events.size() + " entries " + actions;
    }

    /** A new, empty directory for a run's measurement window file. */
    private static Path windows(Path reports, String name) throws IOException {
        Path dir = reports.resolve("quickstart-windows-" + name);
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(JsonlMeasurementWindowStore.FILE));
        return dir;
    }

    private static Outcome run(Policy policy, boolean badCandidate, Path auditFile,
            Path windows) {
        SimulatedClock clock = new SimulatedClock(START);
        Random random = new Random(SEED);
        SimulatedChurnService service = new SimulatedChurnService(clock, random, badCandidate);
        // Per-arm windows of what route() serves: latency, errors, validity, shadow comparisons;
        // each closed window is also kept in a file, for the report.
        ArmMeasurements arms = ArmMeasurements.builder().clock(clock)
                .window(Duration.ofMinutes(1))
                .windowStore(JsonlMeasurementWindowStore.open(windows)).build();
        // The admin changes routing (here: the rollout); the router only evaluates.
        RouterAdmin admin = ReleaseRouter.builder()
                .flagSource(FlagSources.classpath("flags.json"))
                .hashSecretHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c") // use your own secret
                .auditSink(JsonlAuditSink.open(auditFile))
                .clock(clock)
                .ticker(clock::nanoTime) // times each model call (simulated here)
                .model(ModelBinding.<Features, Scored>builder(MODEL)
                        .version("v1", service.v1())
                        .version("v2", service.v2())
                        .build())
                .hook(arms)
                .buildWithAdmin();
        try (Router router = admin.router()) {
            RolloutPlan plan = RolloutPlan.builder()
                    .model(MODEL).stableVersion("v1").candidateVersion("v2")
                    .stages(500, 2_500, 5_000, 10_000)
                    .checkpointDuration(CHECKPOINT)
                    // Per arm and checkpoint. At 100% the gates judge v1 on its last checkpoint
                    // below 100% (here it also keeps serving the denied tenants).
                    .minSamples(100)
                    .policy(policy)
                    .build();
            var rollout = Rollouts.start(admin, plan); // measurements, clock from the router

            int printed = print(rollout.decisions(), 0, arms);
            while (rollout.status() == RolloutStatus.RUNNING
                    && elapsed(clock.instant()).compareTo(GIVE_UP) < 0) {
                for (long i = TICK.dividedBy(REQUEST_EVERY); i > 0; i--) {
                    serve(router, random);
                    clock.advance(REQUEST_EVERY);
                }
                rollout.tick();
                printed = print(rollout.decisions(), printed, arms);
            }
            Instant end = clock.instant();
            arms.closeElapsedWindows();

            int candidateAfter = rollout.status() == RolloutStatus.ROLLED_BACK
                    ? afterRollback(router, random, clock, service, auditFile) : -1;
            return new Outcome(rollout.status(), rollout.state().stageIndex(),
                    rollout.currentBasisPoints(), elapsed(end), rollout.decisions().size(),
                    candidateAfter, auditFile, List.copyOf(rollout.decisions()), windows);
        }
    }

    /**
     * Routes one request: the router decides, calls the chosen version and records the call in
     * the measurements. Returns the version that answered and the decision's reason, or
     * {@code "failed"} if the model threw (the router counted it as an error of that version).
     */
    private static String serve(Router router, Random random) {
        int customer = random.nextInt(CUSTOMERS);
        // 10% of customers are VIP and 5% regulated: denied the canary, they stay on v1.
        String tenant = switch (customer % 20) {
            case 0, 1 -> "vip_retail";
            case 2 -> "regulated_fx";
            default -> TENANTS[customer % TENANTS.length];
        };
        RouteRequest request = RouteRequest.builder(MODEL, "customer-" + customer)
                .tenant(tenant).build();
        Features features = new Features(customer % 72, random.nextInt(4), 20 + customer % 180);
        try {
            var r = router.route(request, features);
            return r.servedVersion() + " " + r.decision().reason();
        } catch (IllegalStateException e) {
            return "failed"; // a simulated model failure, measured by the router
        }
    }

    /** Prints the decisions from index {@code from} on; returns how many are printed in all. */
    private static int print(List<RolloutDecision> decisions, int from, ArmMeasurements arms) {
        for (int i = from; i < decisions.size(); i++) {
            RolloutDecision d = decisions.get(i);
            String t = "t=" + String.format("%-9s", clock(elapsed(d.time())));
            if (d.action() == RolloutAction.START) {
                System.out.printf("%s %-14s START    v2 gets %s of the eligible customers (VIP and"
                        + " regulated tenants stay on v1)%n", t, stage(d.stageIndex(),
                        d.stageBasisPoints()), percent(d.stageBasisPoints()));
                continue;
            }
            // A PROCEED records the stage it moved to; the line shows the stage it judged.
            boolean advanced = d.action() == RolloutAction.PROCEED
                    && d.status() != RolloutStatus.PROMOTED;
            String judged = advanced
                    ? stage(d.stageIndex() - 1, decisions.get(i - 1).stageBasisPoints())
                    : stage(d.stageIndex(), d.stageBasisPoints());
            String then = switch (d.action()) {
                case PROCEED -> advanced ? "-> " + percent(d.stageBasisPoints()) : "-> PROMOTED";
                case ROLLBACK -> "-> v2 killed, 0%";
                default -> "";
            };
            // The same lookback the controller evaluated, at the same instant.
            System.out.printf("%s %-14s %-8s %s | %s  %s%n", t, judged, d.action(),
                    numbers(arms, "v2"), numbers(arms, "v1"), then);
            if (d.action() != RolloutAction.PROCEED) {
                for (String reason : d.reasons()) {
                    System.out.println("            why: " + reason);
                }
            }
        }
        return decisions.size();
    }

    private static String stage(int index, int basisPoints) {
        return "stage " + (index + 1) + " (" + percent(basisPoints) + ")";
    }

    /**
     * After a rollback: when the spike began, when v2 was killed, and where traffic goes now.
     * Returns how many of the requests v2 served.
     */
    private static int afterRollback(Router router, Random random, SimulatedClock clock,
            SimulatedChurnService service, Path auditFile) {
        Instant killed = JsonlAuditSink.read(auditFile).stream()
                .filter(e -> e.action().equals("kill.on")).map(e -> e.time())
                .findFirst().orElseThrow();
        Instant spike = service.firstDegraded();
        System.out.printf("            spike: v2 overloaded from t=%s, killed at t=%s (audit"
                + " kill.on): %.1f s later%n", clock(elapsed(spike)), clock(elapsed(killed)),
                Duration.between(spike, killed).toMillis() / 1000.0);

        Map<String, Integer> versions = new TreeMap<>();
        Map<String, Integer> reasons = new TreeMap<>();
        for (int i = 0; i < CHECK_AFTER_ROLLBACK; i++) {
            String[] served = serve(router, random).split(" ");
            versions.merge(served[0], 1, Integer::sum);
            if (served.length > 1) {
                reasons.merge(served[1], 1, Integer::sum);
            }
            clock.advance(REQUEST_EVERY);
        }
        StringBuilder why = new StringBuilder();
        reasons.forEach((reason, n) -> why.append(why.isEmpty() ? "" : ", ").append(reason)
                .append(' ').append(n));
        System.out.printf("t=%-9s %d requests since the rollback: v1 %d, v2 %d, failed %d (%s)%n",
                clock(elapsed(clock.instant())), CHECK_AFTER_ROLLBACK,
                versions.getOrDefault("v1", 0), versions.getOrDefault("v2", 0),
                versions.getOrDefault("failed", 0), why);
        return versions.getOrDefault("v2", 0);
    }

    /** One arm's numbers over the lookback the controller evaluated, at the same instant. */
    private static String numbers(ArmMeasurements arms, String version) {
        var a = arms.snapshot(MODEL, CHECKPOINT).arm(version);
        return String.format("%s p95=%3.0fms err=%.2f%% n=%d", a.version(), a.p95Ms(),
                100 * a.errorRate(), a.requests());
    }

    private static Duration elapsed(Instant t) {
        return Duration.between(START, t);
    }

    private static String clock(Duration d) {
        return String.format("+%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }

    private static String percent(int basisPoints) {
        return basisPoints % 100 == 0 ? basisPoints / 100 + "%" : basisPoints / 100.0 + "%";
    }
}

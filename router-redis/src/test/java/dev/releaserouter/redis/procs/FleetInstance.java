package dev.releaserouter.redis.procs;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.spi.BudgetKey;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.redis.FleetStatus;
import dev.releaserouter.redis.RedisFleet;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutFixture;
import dev.releaserouter.rollout.RolloutLease;
import dev.releaserouter.rollout.RolloutPlan;
import dev.releaserouter.rollout.RolloutState;
import dev.releaserouter.rollout.Rollouts;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One instance of a serving app in fleet mode, as its own JVM, for {@code FleetProcessesTest}:
 * a router on a {@link RedisFleet} (override store, budget ledger, audit sink; measurements on
 * the fleet's window store) and a rollout of {@code churn} under the fleet's lease and rollout
 * state store. The test drives it with one command a line on stdin and reads one answer a line
 * on stdout ({@code ok ...} or {@code err ...}); everything else (logs) goes to stderr.
 *
 * <p>Arguments: Redis URI, instance id, key prefix, lease TTL in milliseconds.
 *
 * <p>Commands: {@code decide <n>} (digest of the decisions of {@code churn} and {@code ranker}
 * for keys {@code user-0..n-1}), {@code status}, {@code watch killed|live} (a thread watches a
 * key of {@code ranker} until v2 is killed, or live again), {@code seen} (when it saw it),
 * {@code kill} and {@code unkill} ({@code ranker} v2, through the admin API),
 * {@code budget <threads> <tries>} (candidate decisions of {@code promo} granted), {@code clock
 * <epoch ms>} (the router's clock; closes elapsed measurement windows), {@code record <n>} (n good
 * calls per arm of {@code churn}), {@code rollout} (starts the controller), {@code tick},
 * {@code rollout-status}, {@code exit}. End of input (the test JVM gone) ends the process too, so
 * an instance never outlives its test.
 *
 * <p>Design (concurrency): the command loop is the only thread that touches the router's admin
 * and the controller, except the kill watcher (reads decisions and one volatile result) and the
 * budget threads (decisions only), both bounded in time.
 */
public final class FleetInstance {

    /** The fleet budget of {@code promo} v2 (candidate at 100%, so every grant is a unit). */
    public static final long PROMO_BUDGET = 3_000;
    /** Units an instance takes from Redis at a time. */
    public static final int BUDGET_ALLOTMENT = 20;
    /** Where every instance's clock starts. */
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** The rollout's checkpoint. */
    public static final Duration CHECKPOINT = Duration.ofMinutes(10);
    /** The rollout's stages, in basis points. */
    public static final List<Integer> STAGES = List.of(500, 2500, 5000, 10_000);

    private static final ChangeContext OPS = ChangeContext.of("ops@example.com", "procs test");
    private static final Duration WATCH_DEADLINE = Duration.ofSeconds(20);
    private static final Duration BUDGET_DEADLINE = Duration.ofSeconds(20);

    private final String id;
    private final Duration leaseTtl;
    private final MutableClock clock = new MutableClock(T0);
    private final RedisFleet fleet;
    private final ArmMeasurements measurements;
    private final RouterAdmin admin;
    private RolloutController rollout;
    private final AtomicReference<String> seen = new AtomicReference<>("none");
    private final String watched; // null if no key went to v2 at start (a broken setup)

    private FleetInstance(String uri, String id, String prefix, Duration leaseTtl) {
        this.id = id;
        this.leaseTtl = leaseTtl;
        this.fleet = RedisFleet.builder(uri).instanceId(id).keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(1)).budgetAllotment(BUDGET_ALLOTMENT).build();
        this.measurements = ArmMeasurements.builder().clock(clock).window(Duration.ofMinutes(1))
                .retainedWindows(120).windowStore(fleet.windowStore()).source(id).build();
        ModelConfig ranker = ModelConfig.builder("ranker").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").weightBasisPoints(5_000).build()).build();
        ModelConfig promo = ModelConfig.builder("promo").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").weightBasisPoints(10_000)
                        .budget(ExposureBudget.builder().maxRequests(PROMO_BUDGET).build())
                        .build()).build();
        this.admin = ReleaseRouter.builder()
                .config(Configs.of(Configs.churn(STAGES.get(0)).build(), ranker, promo))
                .hashSecretHex(Configs.SECRET).clock(clock).hook(measurements)
                .overrideStore(fleet.overrideStore()).budgetLedger(fleet.budgetLedger())
                .auditSink(fleet.auditSink()).buildWithAdmin();
        // The key the kill watcher decides: one of ranker's that v2 serves (at 50%) when live.
        String key = null;
        for (int i = 0; i < 1_000 && key == null; i++) {
            if (admin.router().decide(RouteRequest.of("ranker", "user-" + i)).isCandidate()) {
                key = "user-" + i;
            }
        }
        this.watched = key;
    }

    /**
     * @param args Redis URI, instance id, key prefix, lease TTL in milliseconds
     * @throws Exception never on purpose: a failed start prints its error to stderr and exits 2
     */
    public static void main(String[] args) throws Exception {
        // stdout is the protocol: anything else that prints goes to stderr.
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        FleetInstance instance;
        try {
            instance = new FleetInstance(args[0], args[1], args[2],
                    Duration.ofMillis(Long.parseLong(args[3])));
        } catch (Throwable t) {
            t.printStackTrace();
            Runtime.getRuntime().halt(2);
            return;
        }
        out.println("ready " + args[1] + " pid=" + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String answer;
            try {
                answer = instance.handle(line.trim().split("\\s+"));
            } catch (Throwable t) {
                t.printStackTrace();
                answer = "err " + t.toString().replace('\n', ' ');
            }
            out.println(answer);
            if (answer.equals("ok bye")) {
                break;
            }
        }
        // End of input: the test is done with us, or gone. Never outlive it.
        Runtime.getRuntime().halt(0);
    }

    private String handle(String[] cmd) throws Exception {
        switch (cmd[0]) {
            case "decide":
                return decide(Integer.parseInt(cmd[1]));
            case "status": {
                FleetStatus s = fleet.status();
                return "ok connected=" + s.connected() + " revision=" + s.lastOverrideRevision()
                        + " degradations=" + s.degradations() + " failures=" + s.failures();
            }
            case "watch":
                return watch(cmd[1].equals("killed"));
            case "seen":
                return "ok seen=" + seen.get();
            case "kill":
            case "unkill": {
                long at = micros(Instant.now());
                if (cmd[0].equals("kill")) {
                    admin.kill(KillTarget.version("ranker", "v2"), OPS);
                } else {
                    admin.unkill(KillTarget.version("ranker", "v2"), OPS);
                }
                return "ok at=" + at + " done=" + micros(Instant.now());
            }
            case "budget":
                return budget(Integer.parseInt(cmd[1]), Integer.parseInt(cmd[2]));
            case "clock": {
                long to = Long.parseLong(cmd[1]);
                long now = clock.millis();
                if (to < now) {
                    return "err the clock goes forward only: " + to + " < " + now;
                }
                clock.advance(Duration.ofMillis(to - now));
                measurements.closeElapsedWindows();
                return "ok now=" + clock.instant() + " storeFailures="
                        + measurements.windowStoreFailures();
            }
            case "record": {
                int n = Integer.parseInt(cmd[1]);
                for (int i = 0; i < n; i++) {
                    measurements.recordCall("churn", "v1", Duration.ofMillis(50).toNanos(), false);
                    measurements.recordCall("churn", "v2", Duration.ofMillis(60).toNanos(), false);
                }
                return "ok recorded=" + n;
            }
            case "rollout": {
                RolloutPlan plan = RolloutPlan.builder().model("churn").stableVersion("v1")
                        .candidateVersion("v2").stages(STAGES).checkpointDuration(CHECKPOINT)
                        .minSamples(20)
                        .policy(RolloutFixture.policy(RolloutFixture.POLICY)).build();
                rollout = Rollouts.builder(admin, plan).stateStore(fleet.rolloutStateStore())
                        .lease(new RolloutLease(fleet.lease(), "controller@" + id, leaseTtl))
                        .actor("rollout-bot").start();
                return "ok status=" + rollout.status();
            }
            case "tick":
                return "ok status=" + rollout.tick();
            case "rollout-status":
                return rolloutStatus();
            case "exit":
                admin.router().close();
                fleet.close();
                return "ok bye";
            default:
                return "err unknown command " + cmd[0];
        }
    }

    /** A digest of every decision (model, key, version) and how many went to the candidate. */
    private String decide(int n) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        int churn = 0;
        int ranker = 0;
        for (int i = 0; i < n; i++) {
            String key = "user-" + i;
            for (String model : List.of("churn", "ranker")) {
                RouteDecision d = admin.router().decide(RouteRequest.of(model, key));
                sha.update((model + '|' + key + '|' + d.version() + '\n')
                        .getBytes(StandardCharsets.UTF_8));
                if (d.isCandidate()) {
                    if (model.equals("churn")) {
                        churn++;
                    } else {
                        ranker++;
                    }
                }
            }
        }
        return "ok digest=" + HexFormat.of().formatHex(sha.digest()) + " churn=" + churn
                + " ranker=" + ranker;
    }

    /**
     * Watches one key of {@code ranker} that goes to v2 unless v2 is killed, until its decision
     * says killed (or not, as asked) or the deadline passes, and keeps the wall-clock instant
     * it saw it (for {@code seen}; instances on one host share the wall clock).
     */
    private String watch(boolean killed) {
        if (watched == null) {
            return "err no key of ranker went to v2 at start";
        }
        String key = watched;
        seen.set("none");
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + WATCH_DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                boolean now = admin.router().decide(RouteRequest.of("ranker", key)).reason()
                        == Reason.KILL_SWITCH;
                if (now == killed) {
                    seen.set(String.valueOf(micros(Instant.now())));
                    return;
                }
                LockSupport.parkNanos(20_000); // a decide every ~20-70 us, not a busy spin
            }
            seen.set("timeout");
        }, "kill-watcher-" + id);
        t.setDaemon(true);
        t.start();
        return "ok watching=" + key;
    }

    /**
     * Threads decide {@code promo} for fresh keys until the fleet budget is spent (the ledger's
     * consumed count reached the limit and the last 2,000 decisions of the thread got none),
     * at most {@code tries} decisions or {@link #BUDGET_DEADLINE} each.
     */
    private String budget(int threads, int tries) throws Exception {
        BudgetKey key = new BudgetKey("promo", "v2");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            long deadline = System.nanoTime() + BUDGET_DEADLINE.toNanos();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    long granted = 0;
                    long refused = 0;
                    int dry = 0;
                    for (int i = 0; i < tries && System.nanoTime() < deadline; i++) {
                        RouteDecision d = admin.router().decide(RouteRequest.of("promo",
                                "b-" + id + "-" + thread + "-" + i));
                        if (d.isCandidate()) {
                            granted++;
                            dry = 0;
                        } else {
                            refused++;
                            dry++;
                        }
                        if (dry >= 2_000 && dry % 2_000 == 0
                                && fleet.budgetLedger().account(key).consumed() >= PROMO_BUDGET) {
                            break;
                        }
                    }
                    return new long[] {granted, refused};
                }));
            }
            long granted = 0;
            long refused = 0;
            for (Future<long[]> f : results) {
                long[] r = f.get(BUDGET_DEADLINE.toSeconds() + 10, TimeUnit.SECONDS);
                granted += r[0];
                refused += r[1];
            }
            return "ok granted=" + granted + " refused=" + refused;
        } finally {
            pool.shutdownNow();
        }
    }

    private String rolloutStatus() {
        RolloutController c = rollout;
        if (c == null) {
            return "err no rollout";
        }
        RolloutState s = c.state();
        return "ok status=" + c.status() + " leading=" + c.leading() + " stage="
                + s.stageIndex() + " checkpointStart=" + s.checkpointStart() + " restored="
                + c.restored() + " tickFailures=" + c.tickFailures() + " token="
                + c.leaseGrant().map(g -> String.valueOf(g.fencingToken())).orElse("none");
    }

    private static long micros(Instant i) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, i);
    }
}

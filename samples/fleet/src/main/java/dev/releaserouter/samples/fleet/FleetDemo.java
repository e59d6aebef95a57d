package dev.releaserouter.samples.fleet;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.core.FlagSources;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.redis.RedisFleet;
import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutLease;
import dev.releaserouter.rollout.RolloutPlan;
import dev.releaserouter.rollout.RolloutStatus;
import dev.releaserouter.rollout.Rollouts;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Fleet mode on Redis, end to end: three instances of a churn-scoring app (three
 * {@link RedisFleet}s, three routers, separate connections, one JVM) share one rollout of v2
 * (5% -> 25% -> 50% -> 100%, 10-minute checkpoints), one kill switch and one audit trail.
 *
 * <ol>
 *   <li>Every instance starts a rollout controller under the lease {@code rollout/churn}: the
 *       one that gets the lease leads, the others stand by.
 *   <li>At 25%, an operator flips the kill switch on another instance: the demo measures how
 *       long each of the three routers takes to answer v1 (reason KILL_SWITCH), then lifts it.
 *   <li>At 50%, the leader "crashes": its fleet is closed without releasing the lease (as a
 *       {@code kill -9} would leave it). When the lease's TTL has run out on the Redis server,
 *       a survivor takes over and resumes at the same stage and checkpoint start.
 *   <li>The survivors finish the rollout; the audit trail names every instance and its hash
 *       chain is verified.
 * </ol>
 *
 * <p>Rollout time is simulated (one clock shared by the three instances moves 30 s per tick, so
 * forty minutes of rollout take a second); propagation and the lease TTL are real (Redis'
 * pub/sub and the server's clock), and the demo waits for them with bounded polls. Lines that
 * start with {@code fleet:} are the ones a smoke test greps.
 *
 * <p>Redis: {@code REDIS_URI} if set, else a throwaway {@code redis-server} on a free loopback
 * port (see {@link LocalRedis}); without either it prints how to install Redis and exits 0.
 */
public final class FleetDemo {

    private static final String MODEL = "churn";
    private static final String SECRET = "8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c"; // use your own
    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");
    private static final Duration CHECKPOINT = Duration.ofMinutes(10);
    private static final Duration TICK = Duration.ofSeconds(30);
    private static final Duration REQUEST_EVERY = Duration.ofMillis(100); // 600 a minute
    private static final Duration LEASE_TTL = Duration.ofSeconds(2);
    private static final Duration GIVE_UP = Duration.ofHours(2);
    private static final long WAIT_MS = 10_000; // bound of every real-time wait
    private static final int SAMPLE = 1_000;
    private static final long SEED = 20_260_302L;

    private FleetDemo() {}

    /** One instance of the serving app: its fleet connection, router and controller. */
    private record Instance(String id, RedisFleet fleet, RouterAdmin admin, ArmMeasurements arms,
            RolloutController rollout) {}

    /**
     * Runs the demo.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        String uri = System.getenv("REDIS_URI");
        LocalRedis local = null;
        if (uri == null || uri.isBlank()) {
            Optional<Path> exe = LocalRedis.executable();
            if (exe.isEmpty()) {
                System.out.println("fleet: SKIPPED: redis-server is not on the PATH. Install it"
                        + " (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew"
                        + " install redis) or set REDIS_URI=redis://host:6379, then run again.");
                return;
            }
            local = LocalRedis.start(exe.get());
            uri = local.uri();
            System.out.println("redis: started " + exe.get() + " on " + uri);
        } else {
            System.out.println("redis: using REDIS_URI " + uri.replaceAll("//[^@/]*@", "//***@"));
        }
        try {
            run(uri);
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    private static void run(String uri) {
        SimClock clock = new SimClock(START);
        Random random = new Random(SEED);
        String prefix = "fleet-demo-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        Policy policy = Policy.fromClasspath("policies/churn-canary.json",
                FleetDemo.class.getClassLoader());
        RolloutPlan plan = RolloutPlan.builder().model(MODEL).stableVersion("v1")
                .candidateVersion("v2").stages(500, 2_500, 5_000, 10_000)
                .checkpointDuration(CHECKPOINT).minSamples(100).policy(policy).build();

        List<Instance> all = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                all.add(instance("instance-" + i, uri, prefix, clock, plan));
            }
            List<Instance> alive = new ArrayList<>(all);
            System.out.printf("churn v1 -> v2 on 3 instances: stages 5/25/50/100%%, %d-minute"
                    + " checkpoints, lease rollout/churn with a %d s TTL, 600 requests/min"
                    + " round-robin%n", CHECKPOINT.toMinutes(), LEASE_TTL.toSeconds());
            Instance firstLeader = leader(alive).orElseThrow();
            Instance leader = firstLeader;
            RolloutDecision first = leader.rollout().decisions().get(0);
            System.out.printf("t=%-9s %s leads (fencing token %d); %s stand by%n",
                    clock(first.time()), leader.id(),
                    leader.rollout().leaseGrant().orElseThrow().fencingToken(),
                    String.join(", ", alive.stream().filter(x -> x != firstLeader)
                            .map(Instance::id).toList()));
            System.out.printf("t=%-9s %s %-14s START    v2 gets 5%%%n", clock(first.time()),
                    leader.id(), stage(first.stageIndex(), first.stageBasisPoints()));
            awaitWeight(alive, weight(leader));
            System.out.println("fleet: same decisions on 3/3 instances for "
                    + agreement(alive) + "/" + SAMPLE + " customers at 5%");

            boolean killed = false;
            boolean crashed = false;
            while (leader.rollout().status() == RolloutStatus.RUNNING
                    && Duration.between(START, clock.instant()).compareTo(GIVE_UP) < 0) {
                for (long i = TICK.dividedBy(REQUEST_EVERY); i > 0; i--) {
                    serve(alive, random, (int) i);
                    clock.advance(REQUEST_EVERY);
                }
                alive.forEach(x -> x.arms().closeElapsedWindows()); // windows reach the fleet
                for (Instance x : alive) {
                    x.rollout().tick();
                }
                leader = leader(alive).orElse(leader);
                awaitWeight(alive, weight(leader));
                int stageIndex = leader.rollout().state().stageIndex();
                if (!killed && stageIndex == 1) {
                    killed = true;
                    killSwitchDrill(alive, alive.get(2), clock);
                }
                if (!crashed && stageIndex == 2 && Duration.between(
                        leader.rollout().state().checkpointStart(), clock.instant())
                        .compareTo(Duration.ofMinutes(5)) >= 0) {
                    crashed = true;
                    leader = crashAndTakeOver(alive, leader, clock);
                }
            }
            System.out.printf("fleet: rollout %s at %s by %s, t=%s%n", leader.rollout().status(),
                    stage(leader.rollout().state().stageIndex(),
                            leader.rollout().currentBasisPoints()), leader.id(),
                    clock(clock.instant()));
            System.out.println("fleet: same decisions on " + alive.size() + "/" + alive.size()
                    + " instances for " + agreement(alive) + "/" + SAMPLE + " customers at "
                    + percent(leader.rollout().currentBasisPoints()));
            audit(leader);
        } finally {
            for (Instance x : all) {
                try {
                    x.admin().router().close();
                } catch (RuntimeException ignored) {
                    // the crashed instance's fleet is already closed
                }
                x.fleet().close();
            }
        }
    }

    private static Instance instance(String id, String uri, String prefix, Clock clock,
            RolloutPlan plan) {
        RedisFleet fleet = RedisFleet.builder(uri).instanceId(id).keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(1)).build();
        await(() -> fleet.status().connected(), id + " connected to Redis");
        ArmMeasurements arms = ArmMeasurements.builder().clock(clock)
                .window(Duration.ofMinutes(1)).windowStore(fleet.windowStore()).source(id)
                .build();
        RouterAdmin admin = ReleaseRouter.builder()
                .flagSource(FlagSources.classpath("flags.json")) // the same file everywhere
                .hashSecretHex(SECRET)
                .clock(clock)
                .overrideStore(fleet.overrideStore()) // kill switches and weights: fleet-wide
                .auditSink(fleet.auditSink())         // one hash-chained trail
                .hook(arms)                           // windows merged across the fleet
                .buildWithAdmin();
        RolloutController rollout = Rollouts.builder(admin, plan)
                .stateStore(fleet.rolloutStateStore()).actor("rollout-bot")
                .lease(new RolloutLease(fleet.lease(), id, LEASE_TTL))
                .start();
        Instance instance = new Instance(id, fleet, admin, arms, rollout);
        rollout.addListener((d, verdict) -> print(instance, d));
        return instance;
    }

    /** Round-robin traffic: decide on one instance, "call" the version, record the call. */
    private static void serve(List<Instance> alive, Random random, int n) {
        Instance x = alive.get(n % alive.size());
        RouteRequest request = RouteRequest.of(MODEL, "customer-" + random.nextInt(50_000));
        RouteDecision d = x.admin().router().decide(request);
        String version = d.version();
        boolean v2 = version.equals("v2");
        long latencyMs = (v2 ? 40 : 50) + random.nextInt(50);
        boolean error = random.nextInt(10_000) < (v2 ? 5 : 20); // 0.05% and 0.2%
        x.arms().recordCall(MODEL, version, TimeUnit.MILLISECONDS.toNanos(latencyMs), error);
    }

    /** An operator kills v2 on one instance; every instance's decide must reflect it. */
    private static void killSwitchDrill(List<Instance> alive, Instance ops, SimClock clock) {
        String key = canaryCustomer(alive.get(0));
        KillTarget v2 = KillTarget.version(MODEL, "v2");
        long start = System.nanoTime();
        ops.admin().kill(v2, ChangeContext.of("ops@example.com", "kill switch drill"));
        System.out.printf("t=%-9s %s ops@example.com: kill switch v2 ON%n",
                clock(clock.instant()), ops.id());
        List<String> seen = new ArrayList<>();
        for (Instance x : alive) {
            boolean ok = await(() -> x.admin().router().decide(RouteRequest.of(MODEL, key))
                    .reason() == Reason.KILL_SWITCH, x.id() + " sees the kill switch");
            if (ok) {
                seen.add(String.format("%s %.1f ms", x.id(),
                        (System.nanoTime() - start) / 1e6));
            }
        }
        System.out.printf("fleet: kill seen by %d/%d (%s)%n", seen.size(), alive.size(),
                String.join(", ", seen));
        Map<String, Integer> v2Served = new TreeMap<>();
        for (Instance x : alive) {
            int n = 0;
            for (int i = 0; i < SAMPLE; i++) {
                if (x.admin().router().decide(RouteRequest.of(MODEL, "customer-" + i))
                        .isCandidate()) {
                    n++;
                }
            }
            v2Served.put(x.id(), n);
        }
        System.out.printf("fleet: while killed, v2 answers %s of %d customers per instance%n",
                v2Served, SAMPLE);
        ops.admin().unkill(v2, ChangeContext.of("ops@example.com", "drill over"));
        int back = 0;
        for (Instance x : alive) {
            if (await(() -> x.admin().router().decide(RouteRequest.of(MODEL, key))
                    .isCandidate(), x.id() + " sees the kill switch lifted")) {
                back++;
            }
        }
        System.out.printf("fleet: unkill seen by %d/%d%n", back, alive.size());
    }

    /**
     * The leader crashes: its fleet closes without releasing the lease or stepping down. The
     * survivors keep ticking (real time: the lease expires on the Redis server's clock).
     */
    private static Instance crashAndTakeOver(List<Instance> alive, Instance leader,
            SimClock clock) {
        int stageIndex = leader.rollout().state().stageIndex();
        Instant checkpointStart = leader.rollout().state().checkpointStart();
        leader.fleet().close();
        alive.remove(leader);
        System.out.printf("t=%-9s %s crashed at %s (its Redis connections gone, lease not"
                + " released)%n", clock(clock.instant()), leader.id(),
                stage(stageIndex, leader.rollout().currentBasisPoints()));
        long start = System.nanoTime();
        Instance[] next = new Instance[1];
        boolean ok = await(() -> {
            for (Instance x : alive) {
                if (x.rollout().tick() == RolloutStatus.RUNNING) {
                    next[0] = x;
                    return true;
                }
            }
            return false;
        }, "a survivor takes the lease over");
        if (!ok) {
            throw new IllegalStateException("no survivor took over within " + WAIT_MS + " ms");
        }
        Instance taker = next[0];
        boolean same = taker.rollout().state().stageIndex() == stageIndex
                && taker.rollout().state().checkpointStart().equals(checkpointStart);
        System.out.printf("fleet: rollout resumed at stage %d by %s after %.1f s (lease TTL"
                + " %d s, fencing token %d); checkpoint start %s %s%n", stageIndex + 1,
                taker.id(), (System.nanoTime() - start) / 1e9, LEASE_TTL.toSeconds(),
                taker.rollout().leaseGrant().orElseThrow().fencingToken(),
                clock(checkpointStart), same ? "kept" : "CHANGED");
        return taker;
    }

    private static void audit(Instance any) {
        List<AuditEvent> events = any.fleet().readAudit();
        Map<String, Integer> actions = new TreeMap<>();
        Map<String, Integer> actors = new TreeMap<>();
        for (AuditEvent e : events) {
            actions.merge(e.action(), 1, Integer::sum);
            actors.merge(e.actor(), 1, Integer::sum);
        }
        System.out.println("audit: " + events.size() + " entries " + actions);
        System.out.println("audit: actors " + actors);
        System.out.println(any.fleet().verifyAudit().ok()
                ? "fleet: audit chain verified (" + events.size() + " entries, one trail)"
                : "fleet: audit chain BROKEN: " + any.fleet().verifyAudit());
    }

    private static void print(Instance x, RolloutDecision d) {
        boolean advanced = d.action() == RolloutAction.PROCEED
                && d.status() != RolloutStatus.PROMOTED;
        String then = switch (d.action()) {
            case PROCEED -> advanced ? "-> " + percent(d.stageBasisPoints()) : "-> PROMOTED";
            case ROLLBACK -> "-> v2 killed, 0%";
            default -> "";
        };
        String judged = advanced ? "stage " + d.stageIndex()
                : stage(d.stageIndex(), d.stageBasisPoints());
        String v2 = numbers(x, "v2");
        System.out.printf("t=%-9s %s %-14s %-8s %s | %s  %s%n", clock(d.time()), x.id(), judged,
                d.action(), v2, numbers(x, "v1"), then);
        if (d.action() != RolloutAction.PROCEED) {
            d.reasons().forEach(r -> System.out.println("            why: " + r));
        }
    }

    /** The leader's view: every instance's closed windows, merged from Redis. */
    private static String numbers(Instance x, String version) {
        var a = x.arms().snapshot(MODEL, CHECKPOINT).arm(version);
        if (a.requests() == 0) {
            return version + " (no traffic)";
        }
        return String.format("%s p95=%3.0fms err=%.2f%% n=%d", a.version(), a.p95Ms(),
                100 * a.errorRate(), a.requests());
    }

    private static Optional<Instance> leader(List<Instance> alive) {
        return alive.stream().filter(x -> x.rollout().status() != RolloutStatus.STANDBY)
                .findFirst();
    }

    /** @return the weight of v2 on this instance's router now */
    private static int weight(Instance x) {
        return x.admin().router().config().models().get(MODEL).versions().get("v2")
                .weightBasisPoints();
    }

    /** Waits (bounded) until every instance's router applies the leader's weight. */
    private static void awaitWeight(List<Instance> alive, int basisPoints) {
        for (Instance x : alive) {
            await(() -> weight(x) == basisPoints, x.id() + " applies "
                    + percent(basisPoints));
        }
    }

    /** How many of the sample's customers get the same version on every instance. */
    private static int agreement(List<Instance> alive) {
        int same = 0;
        for (int i = 0; i < SAMPLE; i++) {
            RouteRequest r = RouteRequest.of(MODEL, "customer-" + i);
            String v = alive.get(0).admin().router().decide(r).version();
            boolean all = true;
            for (Instance x : alive) {
                all &= x.admin().router().decide(r).version().equals(v);
            }
            same += all ? 1 : 0;
        }
        return same;
    }

    private static String canaryCustomer(Instance x) {
        for (int i = 0; i < 100_000; i++) {
            if (x.admin().router().decide(RouteRequest.of(MODEL, "customer-" + i))
                    .isCandidate()) {
                return "customer-" + i;
            }
        }
        throw new IllegalStateException("no customer gets v2");
    }

    /** Polls a real asynchronous effect (pub/sub, a lease TTL) for at most WAIT_MS. */
    private static boolean await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(1); // waiting for Redis, not for correctness
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        System.out.println("            (gave up waiting: " + what + ")");
        return false;
    }

    private static String stage(int index, int basisPoints) {
        return "stage " + (index + 1) + " (" + percent(basisPoints) + ")";
    }

    private static String percent(int basisPoints) {
        return basisPoints % 100 == 0 ? basisPoints / 100 + "%" : basisPoints / 100.0 + "%";
    }

    private static String clock(Instant t) {
        Duration d = Duration.between(START, t);
        return String.format("+%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }

    /**
     * The simulated clock the three instances share (their routers, measurements and
     * controllers), as if their hosts' clocks agreed. Written by the demo's one thread.
     */
    private static final class SimClock extends Clock {
        private volatile Instant now;

        SimClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the demo clock is always UTC");
        }
    }
}

package dev.releaserouter.benchmarks;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.redis.RedisFleet;
import dev.releaserouter.redis.testing.RedisServer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fleet mode's cost on the hot path and its propagation latency, against a real
 * {@code redis-server} the benchmark starts on a free loopback port (skipped, saying so, when
 * it is not on the PATH).
 *
 * <ul>
 *   <li>{@code decide}: a 5% canary, {@code mode} {@code local} (no fleet) or {@code fleet}
 *       (the router on a {@link RedisFleet}'s override store and budget ledger), for a
 *       budget-free candidate and a budgeted one ({@code max_requests} large enough never to
 *       run out in a run; in fleet mode units come from the instance's reserve, refilled
 *       asynchronously, so no decision waits for Redis).
 *   <li>{@code propagation}: two instances (two fleets, two routers, separate connections);
 *       each invocation flips v2's kill switch through instance A's admin and spins on
 *       instance B's {@code decide} until it reflects the change (at most 5 s, else the run
 *       fails). Sample-time mode prints p50/p99/max.
 * </ul>
 *
 * <p>Run: {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package && java -jar
 * router-benchmarks/target/benchmarks.jar FleetBenchmark -wi 2 -i 3 -f 1}.
 */
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class FleetBenchmark {

    private static final String SECRET = "8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c";
    private static final int REQUESTS = 4096;

    /** A redis-server for the trial, or none (the fleet benchmarks then skip). */
    @State(Scope.Benchmark)
    public static class Redis {
        RedisServer server;
        String uri;

        /** Starts redis-server, or explains why not. */
        @Setup(Level.Trial)
        public void start() {
            if (!RedisServer.installed()) {
                System.out.println("FleetBenchmark: redis-server is not on the PATH (Debian:"
                        + " apt-get install -y redis-server): fleet benchmarks skipped");
                return;
            }
            server = RedisServer.start();
            uri = server.uri();
        }

        /** Stops it. */
        @TearDown(Level.Trial)
        public void stop() {
            if (server != null) {
                server.close();
            }
        }
    }

    /** One router, local or on a fleet. */
    @State(Scope.Thread)
    public static class Decide {
        /** local: no fleet; fleet: override store and budget ledger on Redis. */
        @Param({"local", "fleet"})
        public String mode;

        /** free: no budget on v2; budgeted: max_requests on v2. */
        @Param({"free", "budgeted"})
        public String candidate;

        RouterAdmin admin;
        RedisFleet fleet;
        final RouteRequest[] requests = new RouteRequest[REQUESTS];
        int next;

        /** Builds the router. */
        @Setup(Level.Trial)
        public void setUp(Redis redis) {
            VersionConfig.Builder v2 = VersionConfig.builder("v2").weightBasisPoints(500);
            if (candidate.equals("budgeted")) {
                v2.budget(ExposureBudget.builder().maxRequests(1_000_000_000_000L).build());
            }
            ModelConfig churn = ModelConfig.builder("churn").stableVersion("v1")
                    .version(VersionConfig.builder("v1").build()).version(v2.build()).build();
            ReleaseRouter.Builder b = ReleaseRouter.builder()
                    .config(RouterConfig.builder().model(churn).build()).hashSecretHex(SECRET);
            if (mode.equals("fleet")) {
                if (redis.uri == null) {
                    throw new IllegalStateException("redis-server missing: fleet mode skipped");
                }
                fleet = RedisFleet.builder(redis.uri).instanceId("bench")
                        .keyPrefix("bench-" + UUID.randomUUID() + ":")
                        .budgetAllotment(1_000).build();
                b.overrideStore(fleet.overrideStore()).budgetLedger(fleet.budgetLedger());
            }
            admin = b.buildWithAdmin();
            for (int i = 0; i < REQUESTS; i++) {
                requests[i] = RouteRequest.of("churn", "customer-" + i);
            }
        }

        /** Closes the router and the fleet. */
        @TearDown(Level.Trial)
        public void tearDown() {
            admin.router().close();
            if (fleet != null) {
                fleet.close();
            }
        }
    }

    /**
     * @param s the router
     * @return the decision (consumed by JMH)
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public RouteDecision decide(Decide s) {
        RouteRequest r = s.requests[s.next++ & (REQUESTS - 1)];
        return s.admin.router().decide(r);
    }

    /** Two instances on one Redis. */
    @State(Scope.Thread)
    public static class Pair {
        RedisFleet fleetA;
        RedisFleet fleetB;
        RouterAdmin a;
        RouterAdmin b;
        boolean killed;
        final RouteRequest request = RouteRequest.of("churn", "customer-1");
        final KillTarget v2 = KillTarget.version("churn", "v2");
        final ChangeContext ctx = ChangeContext.of("bench", "propagation");

        /** Builds both instances. */
        @Setup(Level.Trial)
        public void setUp(Redis redis) {
            if (redis.uri == null) {
                throw new IllegalStateException("redis-server missing: propagation skipped");
            }
            String prefix = "bench-" + UUID.randomUUID() + ":";
            fleetA = RedisFleet.builder(redis.uri).instanceId("a").keyPrefix(prefix).build();
            fleetB = RedisFleet.builder(redis.uri).instanceId("b").keyPrefix(prefix).build();
            a = router(fleetA);
            b = router(fleetB);
        }

        private static RouterAdmin router(RedisFleet fleet) {
            ModelConfig churn = ModelConfig.builder("churn").stableVersion("v1")
                    .version(VersionConfig.builder("v1").build())
                    .version(VersionConfig.builder("v2").weightBasisPoints(10_000).build())
                    .build();
            return ReleaseRouter.builder().config(RouterConfig.builder().model(churn).build())
                    .hashSecretHex(SECRET).overrideStore(fleet.overrideStore())
                    .buildWithAdmin();
        }

        /** Closes both. */
        @TearDown(Level.Trial)
        public void tearDown() {
            a.router().close();
            b.router().close();
            fleetA.close();
            fleetB.close();
        }
    }

    /**
     * @param p the two instances
     * @return the decision on B that reflected the change
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public RouteDecision propagation(Pair p) {
        if (p.killed) {
            p.a.unkill(p.v2, p.ctx);
        } else {
            p.a.kill(p.v2, p.ctx);
        }
        p.killed = !p.killed;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            RouteDecision d = p.b.router().decide(p.request);
            if ((d.reason() == Reason.KILL_SWITCH) == p.killed) {
                return d;
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("instance B did not see the change within 5 s");
    }
}

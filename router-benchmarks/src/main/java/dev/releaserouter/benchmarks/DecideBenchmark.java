package dev.releaserouter.benchmarks;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.config.Condition;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.TargetingRule;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.core.Bucketing;
import dev.releaserouter.core.ReleaseRouter;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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
 * The hot path: {@code decide} for a 5% canary whose model denies {@code denyListSize} tenants,
 * against the bare floor (one keyed hash of the entity key plus a bucket-table read).
 *
 * <p>Requests cycle through 4,096 pre-built requests (distinct entity keys, tenants not denied,
 * regions on the allow list), so every call hashes a different key: the common decision.
 * {@code decideBuiltPerCall} and {@code decideOfPerCall} build the request in the call, as
 * applications do, from the same strings (which the application has anyway).
 * {@code decideTargeted} decides the same requests on a model whose weights come from four
 * targeting rules (docs/targeting.md): an attribute rule no request matches, a tenant list, a
 * region and a tenant prefix, so a request is tested against up to four rules.
 *
 * <p>Run: {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package && java -jar
 * router-benchmarks/target/benchmarks.jar 'benchmarks\.DecideBenchmark\.' -prof gc} (add
 * {@code -t 2} for two threads; the pattern leaves out {@code CompetitorDecideBenchmark}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecideBenchmark {

    private static final int REQUESTS = 4096;

    /** Size of the model's tenant deny list. */
    @Param({"10", "10000", "100000", "1000000"})
    public int denyListSize;

    private Router router;
    private Router targeted;
    private Bucketing bucketing;
    private final byte[] table = new byte[10_000];
    private final RouteRequest[] requests = new RouteRequest[REQUESTS];
    private final String[] keys = new String[REQUESTS];
    private final String[] tenants = new String[REQUESTS];
    private final String[] regions = new String[REQUESTS];
    private int next;

    /** Builds the router and the requests. */
    @Setup(Level.Trial)
    public void setUp() {
        Set<String> denied = new HashSet<>();
        for (int i = 0; i < denyListSize; i++) {
            denied.add("vip-tenant-" + i);
        }
        ModelConfig churn = ModelConfig.builder("churn")
                .stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").weightBasisPoints(500).build())
                .deny(Segments.of(Map.of(Dimension.TENANT, denied)))
                .allow(Segments.of(Map.of(Dimension.REGION, Set.of("BR", "LATAM"))))
                .build();
        router = ReleaseRouter.builder()
                .config(RouterConfig.builder().model(churn).build())
                .hashSecretHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c")
                .auditSink(new DiscardingSink())
                .build();
        targeted = ReleaseRouter.builder()
                .config(RouterConfig.builder().model(churn.toBuilder()
                        .version(VersionConfig.builder("v2").build())
                        .rule(TargetingRule.builder("new-app")
                                .when(Condition.semver("attributes.app_version", ">=2.1.0 <3"))
                                .weightPercent("v2", 40).build())
                        .rule(TargetingRule.builder("two-tenants")
                                .when(Condition.in("tenant", "tenant-1", "tenant-2"))
                                .weightPercent("v2", 5).build())
                        .rule(TargetingRule.builder("latam")
                                .when(Condition.equalTo("region", "LATAM"))
                                .weightPercent("v2", 25).build())
                        .rule(TargetingRule.builder("tenant-4x")
                                .when(Condition.prefix("tenant", "tenant-4"))
                                .weightPercent("v2", 50).build())
                        .build()).build())
                .hashSecretHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c")
                .auditSink(new DiscardingSink())
                .build();
        bucketing = Bucketing.of(Bucketing.secretFromHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c"),
                "churn");
        for (int b = 0; b < 500; b++) {
            table[b] = 1;
        }
        for (int i = 0; i < REQUESTS; i++) {
            keys[i] = "customer-" + (1_000_000 + i * 7919L);
            tenants[i] = "tenant-" + (i % 50);
            regions[i] = i % 2 == 0 ? "BR" : "LATAM";
            requests[i] = RouteRequest.builder("churn", keys[i])
                    .tenant(tenants[i])
                    .region(regions[i])
                    .channel("app")
                    .build();
        }
    }

    /** Closes the router. */
    @TearDown(Level.Trial)
    public void tearDown() {
        router.close();
        targeted.close();
    }

    /**
     * The full decision.
     *
     * @return the decision
     */
    @Benchmark
    public RouteDecision decide() {
        RouteRequest r = requests[next++ & (REQUESTS - 1)];
        return router.decide(r);
    }

    /**
     * The full decision on a request built in the call with its builder (model, key, tenant,
     * region, channel), as applications call it.
     *
     * @return the decision
     */
    @Benchmark
    public RouteDecision decideBuiltPerCall() {
        int i = next++ & (REQUESTS - 1);
        return router.decide(RouteRequest.builder("churn", keys[i]).tenant(tenants[i])
                .region(regions[i]).channel("app").build());
    }

    /**
     * The full decision on a model with four targeting rules (request built in the call).
     *
     * @return the decision
     */
    @Benchmark
    public RouteDecision decideTargeted() {
        int i = next++ & (REQUESTS - 1);
        return targeted.decide(RouteRequest.builder("churn", keys[i]).tenant(tenants[i])
                .region(regions[i]).channel("app").build());
    }

    /**
     * The floor: one keyed hash of the entity key and a bucket-table read.
     *
     * @return the slot of the bucket
     */
    @Benchmark
    public int floorHashAndLookup() {
        RouteRequest r = requests[next++ & (REQUESTS - 1)];
        return table[bucketing.bucket(r.entityKey())];
    }

    /** Benchmarks must not measure audit I/O: an audit sink that keeps nothing. */
    public static final class DiscardingSink implements AuditSink {
        /** Discards the event. */
        @Override
        public void record(AuditEvent event) {
            // measured elsewhere
        }
    }
}

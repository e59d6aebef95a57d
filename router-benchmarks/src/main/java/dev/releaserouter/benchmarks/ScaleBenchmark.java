package dev.releaserouter.benchmarks;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.VersionConfig;
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
 * {@code decide} as the configuration grows: 1 to 1,000 models, each a 5% canary with its own
 * deny list of 10 tenants and a region allow list, calls spread over all of them. Requests are
 * built in the call, as applications do, with each model's name an interned String, as a literal
 * or a constant is. (The deny list's size, 10 to 1,000,000, is {@link DecideBenchmark}'s
 * parameter: a list per model, 1,000 models of 1,000,000 tenants each would be 10^9 entries.)
 *
 * <p>Run: {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package && java -jar
 * router-benchmarks/target/benchmarks.jar ScaleBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScaleBenchmark {

    private static final int REQUESTS = 4096;

    /** Models in the configuration; calls cycle through all of them. */
    @Param({"1", "10", "100", "1000"})
    public int models;

    /** Tenants on each model's deny list. */
    private final int deniedTenants = 10;

    private Router router;
    private final String[] modelOf = new String[REQUESTS];
    private final String[] keys = new String[REQUESTS];
    private final String[] tenants = new String[REQUESTS];
    private final String[] regions = new String[REQUESTS];
    private int next;

    /** Builds the configuration and checks that a denied tenant is denied in every model. */
    @Setup(Level.Trial)
    public void setUp() {
        Set<String> denied = new HashSet<>();
        for (int i = 0; i < deniedTenants; i++) {
            denied.add("vip-tenant-" + i);
        }
        Segments deny = Segments.of(Map.of(Dimension.TENANT, denied));
        Segments allow = Segments.of(Map.of(Dimension.REGION, Set.of("BR", "LATAM")));
        RouterConfig.Builder config = RouterConfig.builder();
        for (int m = 0; m < models; m++) {
            config.model(ModelConfig.builder("model-" + m).stableVersion("v1")
                    .version(VersionConfig.builder("v1").build())
                    .version(VersionConfig.builder("v2").weightBasisPoints(500).build())
                    .deny(deny).allow(allow).build());
        }
        router = ReleaseRouter.builder().config(config.build())
                .hashSecretHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c")
                .auditSink(new DecideBenchmark.DiscardingSink())
                .build();
        String[] names = new String[models];
        for (int m = 0; m < models; m++) {
            names[m] = ("model-" + m).intern();
        }
        for (int i = 0; i < REQUESTS; i++) {
            modelOf[i] = names[i * 7 % models];
            keys[i] = "customer-" + (1_000_000 + i * 7919L);
            tenants[i] = "tenant-" + (i % 50);
            regions[i] = i % 2 == 0 ? "BR" : "LATAM";
        }
        for (int m = 0; m < models; m++) {
            RouteDecision d = router.decide(RouteRequest.builder("model-" + m, "k")
                    .tenant("vip-tenant-" + (deniedTenants - 1)).region("BR").build());
            if (d.reason() != Reason.DENIED_SEGMENT) {
                throw new IllegalStateException("model-" + m + " did not deny: " + d);
            }
        }
    }

    /** Closes the router. */
    @TearDown(Level.Trial)
    public void tearDown() {
        router.close();
    }

    /**
     * One decision, the request built in the call.
     *
     * @return the decision
     */
    @Benchmark
    public RouteDecision decide() {
        int i = next++ & (REQUESTS - 1);
        return router.decide(RouteRequest.builder(modelOf[i], keys[i]).tenant(tenants[i])
                .region(regions[i]).build());
    }
}

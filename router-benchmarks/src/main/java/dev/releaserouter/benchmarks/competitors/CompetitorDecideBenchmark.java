package dev.releaserouter.benchmarks.competitors;

import com.launchdarkly.sdk.LDContext;
import com.launchdarkly.sdk.server.Components;
import com.launchdarkly.sdk.server.LDClient;
import com.launchdarkly.sdk.server.LDConfig;
import com.launchdarkly.sdk.server.integrations.FileData;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.benchmarks.DecideBenchmark;
import dev.releaserouter.core.ReleaseRouter;
import io.getunleash.DefaultUnleash;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.util.UnleashConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The same routing decision made by Release Router and by the SDKs users would pick instead,
 * side by side in one run, every SDK fully offline (local file or in-memory data, no events, no
 * metrics, no polling; where a URL is mandatory it is {@code http://127.0.0.1:1}).
 *
 * <p>The decision ({@link ChurnRules}): model {@code churn}, {@code v2} for 5% of entity keys by a
 * stable hash, never for a tenant on the deny list, only in regions BR and LATAM. Requests cycle
 * through 4,096 pre-built requests (in each SDK's own request/context type) whose tenants are not
 * denied and whose regions are allowed, so every call evaluates every rule and hashes the key.
 * {@code @Setup} builds only the SDK of the running method and fails unless that SDK gives
 * {@code v2} to 2-9% of the requests, and {@code v1} to a denied tenant and to region US for
 * every key it put on {@code v2}; {@code @TearDown} checks it again after the measurement.
 *
 * <p>Each SDK is measured twice: on its pre-built contexts, and ({@code ...BuiltPerCall}) with
 * the context built in the call from the request's strings, the way applications call them and
 * the way the SDKs' own benchmarks do (Release Router: {@code RouteRequest.builder(...)...build()};
 * LaunchDarkly: {@code LDContext.builder(key).set(...)}; Unleash:
 * {@code UnleashContext.builder()}; OpenFeature: {@code new ImmutableContext(key, Map.of(...))}).
 *
 * <p>Run (about 2 minutes): {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package &&
 * java -jar router-benchmarks/target/benchmarks.jar CompetitorDecideBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CompetitorDecideBenchmark {

    private static final int MASK = ChurnRules.REQUESTS - 1;
    private static final String UNREACHABLE = "http://127.0.0.1:1";

    /** Size of the tenant deny list. */
    @Param({"10", "10000", "100000"})
    public int denyListSize;

    private int next;
    private Supplier<String> verifier;
    private final String[] keys = new String[ChurnRules.REQUESTS];
    private final String[] tenants = new String[ChurnRules.REQUESTS];
    private final String[] regions = new String[ChurnRules.REQUESTS];
    private final Set<Path> tempFiles = new HashSet<>();

    private Router router;
    private RouteRequest[] routeRequests;

    private LDClient launchDarkly;
    private LDContext[] ldContexts;

    private Unleash unleash;
    private UnleashContext[] unleashContexts;

    private Client openFeature;
    private EvaluationContext[] ofContexts;

    /**
     * Builds the SDK of the running benchmark method and proves it makes the same decision.
     *
     * @param params which benchmark method is about to run
     * @throws Exception if the SDK cannot be built or makes another decision
     */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        List<String> denied = ChurnRules.deniedTenants(denyListSize);
        for (int i = 0; i < ChurnRules.REQUESTS; i++) {
            keys[i] = ChurnRules.entityKey(i);
            tenants[i] = ChurnRules.tenant(i);
            regions[i] = ChurnRules.region(i);
        }
        long start = System.nanoTime();
        switch (method.replace("BuiltPerCall", "")) {
            case "releaseRouter":
                verifier = setUpReleaseRouter(denied);
                break;
            case "launchDarkly":
                verifier = setUpLaunchDarkly(denied);
                break;
            case "unleash":
                verifier = setUpUnleash(denied);
                break;
            case "openFeatureInMemory":
                verifier = setUpOpenFeature(denied);
                break;
            default:
                throw new IllegalStateException("no setup for " + method);
        }
        String proof = verifier.get();
        System.out.printf("%n[setup] %s, deny list %d: %s; setup %d ms%n", method, denyListSize,
                proof, (System.nanoTime() - start) / 1_000_000);
    }

    private Supplier<String> setUpReleaseRouter(List<String> denied) {
        router = buildReleaseRouter(denied);
        routeRequests = new RouteRequest[ChurnRules.REQUESTS];
        for (int i = 0; i < ChurnRules.REQUESTS; i++) {
            routeRequests[i] = request(ChurnRules.entityKey(i), ChurnRules.tenant(i),
                    ChurnRules.region(i));
        }
        return () -> ChurnRules.verify("Release Router",
                i -> router.decide(routeRequests[i]).version(),
                (k, t, r) -> router.decide(request(k, t, r)).version());
    }

    /**
     * The Release Router of this comparison (also used by {@code GrowthBookDecideBenchmark}).
     *
     * @param denied the tenant deny list
     * @return a router with model {@code churn} configured by {@link ChurnRules}
     */
    static Router buildReleaseRouter(List<String> denied) {
        ModelConfig churn = ModelConfig.builder(ChurnRules.KEY)
                .stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").weightBasisPoints(500).build())
                .deny(Segments.of(Map.of(Dimension.TENANT, Set.copyOf(denied))))
                .allow(Segments.of(Map.of(Dimension.REGION, Set.of("BR", "LATAM"))))
                .build();
        return ReleaseRouter.builder()
                .config(RouterConfig.builder().model(churn).build())
                .hashSecretHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c")
                .auditSink(new DecideBenchmark.DiscardingSink())
                .build();
    }

    /**
     * A request for model {@code churn}, channel {@code app}.
     *
     * @param key the entity key
     * @param tenant the tenant
     * @param region the region
     * @return the request
     */
    static RouteRequest request(String key, String tenant, String region) {
        return RouteRequest.builder(ChurnRules.KEY, key).tenant(tenant).region(region)
                .channel("app").build();
    }

    /**
     * LaunchDarkly: a flag in the SDK's own JSON flag format, loaded by {@code FileData}; rules
     * {@code tenant in [deny list]} to v1 and {@code region not in [BR, LATAM]} to v1, fallthrough
     * rollout 95,000/5,000 bucketed by the context key.
     */
    private Supplier<String> setUpLaunchDarkly(List<String> denied) throws IOException {
        String flag = "{\"flags\":{\"" + ChurnRules.KEY + "\":{\"key\":\"" + ChurnRules.KEY + "\","
                + "\"version\":1,\"on\":true,\"salt\":\"churn\",\"variations\":[\"v1\",\"v2\"],"
                + "\"offVariation\":0,\"targets\":[],\"prerequisites\":[],\"rules\":["
                + "{\"id\":\"deny\",\"variation\":0,\"clauses\":[{\"attribute\":\"tenant\","
                + "\"op\":\"in\",\"negate\":false,\"values\":" + ChurnRules.jsonArray(denied)
                + "}]},"
                + "{\"id\":\"regions\",\"variation\":0,\"clauses\":[{\"attribute\":\"region\","
                + "\"op\":\"in\",\"negate\":true,\"values\":[\"BR\",\"LATAM\"]}]}],"
                + "\"fallthrough\":{\"rollout\":{\"variations\":["
                + "{\"variation\":0,\"weight\":95000},{\"variation\":1,\"weight\":5000}]}},"
                + "\"trackEvents\":false,\"trackEventsFallthrough\":false}}}";
        Path file = tempFile("launchdarkly-", ".json");
        Files.writeString(file, flag, StandardCharsets.UTF_8);
        LDConfig config = new LDConfig.Builder()
                .dataSource(FileData.dataSource().filePaths(file).autoUpdate(false))
                .events(Components.noEvents())
                .diagnosticOptOut(true)
                .serviceEndpoints(Components.serviceEndpoints().streaming(UNREACHABLE)
                        .polling(UNREACHABLE).events(UNREACHABLE))
                .logging(Components.noLogging())
                .startWait(Duration.ofSeconds(10))
                .build();
        launchDarkly = new LDClient("sdk-offline-benchmark", config);
        if (!launchDarkly.isInitialized()) {
            throw new IllegalStateException("LaunchDarkly: file data source did not initialize");
        }
        ldContexts = new LDContext[ChurnRules.REQUESTS];
        for (int i = 0; i < ChurnRules.REQUESTS; i++) {
            ldContexts[i] = ldContext(ChurnRules.entityKey(i), ChurnRules.tenant(i),
                    ChurnRules.region(i));
        }
        return () -> ChurnRules.verify("LaunchDarkly",
                i -> launchDarkly.stringVariation(ChurnRules.KEY, ldContexts[i], "v1"),
                (k, t, r) -> launchDarkly.stringVariation(ChurnRules.KEY, ldContext(k, t, r),
                        "v1"));
    }

    private static LDContext ldContext(String key, String tenant, String region) {
        return LDContext.builder(key).set("tenant", tenant).set("region", region).build();
    }

    /**
     * Unleash (Yggdrasil engine): a toggle in the client API JSON format from a bootstrap
     * provider; strategy {@code flexibleRollout} 5% with stickiness {@code userId}, constraints
     * {@code tenant NOT_IN [deny list]} and {@code region IN [BR, LATAM]}; enabled means v2.
     */
    private Supplier<String> setUpUnleash(List<String> denied) throws IOException {
        String toggles = "{\"version\":2,\"features\":[{\"name\":\"" + ChurnRules.KEY + "\","
                + "\"type\":\"release\",\"enabled\":true,\"stale\":false,\"project\":\"default\","
                + "\"impressionData\":false,\"variants\":[],\"strategies\":[{"
                + "\"name\":\"flexibleRollout\",\"parameters\":{\"rollout\":\"5\","
                + "\"stickiness\":\"userId\",\"groupId\":\"churn\"},\"constraints\":["
                + "{\"contextName\":\"tenant\",\"operator\":\"NOT_IN\",\"values\":"
                + ChurnRules.jsonArray(denied) + "},"
                + "{\"contextName\":\"region\",\"operator\":\"IN\",\"values\":[\"BR\",\"LATAM\"]}"
                + "]}]}]}";
        Path backup = tempFile("unleash-backup-", ".json");
        Files.delete(backup);
        UnleashConfig config = UnleashConfig.builder()
                .appName("release-router-benchmarks")
                .instanceId("benchmark")
                .unleashAPI(UNREACHABLE + "/api")
                .apiKey("offline")
                .disablePolling()
                .disableMetrics()
                .synchronousFetchOnInitialisation(false)
                .backupFile(backup.toString())
                .toggleBootstrapProvider(() -> Optional.of(toggles))
                .build();
        unleash = new DefaultUnleash(config);
        unleashContexts = new UnleashContext[ChurnRules.REQUESTS];
        for (int i = 0; i < ChurnRules.REQUESTS; i++) {
            unleashContexts[i] = unleashContext(ChurnRules.entityKey(i), ChurnRules.tenant(i),
                    ChurnRules.region(i));
        }
        return () -> ChurnRules.verify("Unleash",
                i -> unleash.isEnabled(ChurnRules.KEY, unleashContexts[i]) ? "v2" : "v1",
                (k, t, r) -> unleash.isEnabled(ChurnRules.KEY, unleashContext(k, t, r))
                        ? "v2" : "v1");
    }

    private static UnleashContext unleashContext(String key, String tenant, String region) {
        return UnleashContext.builder().userId(key).addProperty("tenant", tenant)
                .addProperty("region", region).build();
    }

    /**
     * OpenFeature with its in-memory provider: it has no rule or rollout engine, so the flag's
     * {@code ContextEvaluator} is the hand-written rule (hash set lookup, region check, FNV-1a of
     * the targeting key modulo 10,000 under 500). What this measures is OpenFeature's evaluation
     * path around a rule that costs next to nothing.
     */
    private Supplier<String> setUpOpenFeature(List<String> denied) {
        Set<String> deny = Set.copyOf(denied);
        Flag<String> flag = Flag.<String>builder()
                .variant("v1", "v1")
                .variant("v2", "v2")
                .defaultVariant("v1")
                .contextEvaluator((f, ctx) -> {
                    Value tenant = ctx.getValue("tenant");
                    if (tenant != null && deny.contains(tenant.asString())) {
                        return "v1";
                    }
                    Value region = ctx.getValue("region");
                    String r = region == null ? null : region.asString();
                    if (!"BR".equals(r) && !"LATAM".equals(r)) {
                        return "v1";
                    }
                    return fnv1a(ctx.getTargetingKey()) % 10_000 < 500 ? "v2" : "v1";
                })
                .build();
        OpenFeatureAPI api = OpenFeatureAPI.getInstance();
        api.setProviderAndWait(new InMemoryProvider(Map.of(ChurnRules.KEY, flag)));
        openFeature = api.getClient();
        ofContexts = new EvaluationContext[ChurnRules.REQUESTS];
        for (int i = 0; i < ChurnRules.REQUESTS; i++) {
            ofContexts[i] = ofContext(ChurnRules.entityKey(i), ChurnRules.tenant(i),
                    ChurnRules.region(i));
        }
        return () -> ChurnRules.verify("OpenFeature in-memory",
                i -> openFeature.getStringValue(ChurnRules.KEY, "v1", ofContexts[i]),
                (k, t, r) -> openFeature.getStringValue(ChurnRules.KEY, "v1", ofContext(k, t, r)));
    }

    private static EvaluationContext ofContext(String key, String tenant, String region) {
        return new ImmutableContext(key, Map.of("tenant", new Value(tenant),
                "region", new Value(region)));
    }

    /** FNV-1a (32 bit) of the chars, as a non-negative int. */
    static int fnv1a(String s) {
        int h = 0x811c9dc5;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x01000193;
        }
        return h & 0x7fffffff;
    }

    private Path tempFile(String prefix, String suffix) throws IOException {
        Path file = Files.createTempFile(prefix, suffix);
        tempFiles.add(file);
        return file;
    }

    /**
     * Checks the decision again after the measurement (the SDK's background threads must not have
     * changed it), then closes whatever SDK was built and deletes its files.
     *
     * @throws IOException if a client fails to close
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        System.out.printf("%n[teardown] after measuring: %s%n", verifier.get());
        if (router != null) {
            router.close();
        }
        if (launchDarkly != null) {
            launchDarkly.close();
        }
        if (unleash != null) {
            unleash.shutdown();
        }
        if (openFeature != null) {
            OpenFeatureAPI.getInstance().shutdown();
        }
        for (Path file : tempFiles) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Release Router: {@code decide}, as in {@code DecideBenchmark}.
     *
     * <p>Run: {@code java -jar router-benchmarks/target/benchmarks.jar
     * 'CompetitorDecideBenchmark.releaseRouter' -prof gc}
     *
     * @return the chosen version
     */
    @Benchmark
    public String releaseRouter() {
        return router.decide(routeRequests[next++ & MASK]).version();
    }

    /**
     * LaunchDarkly server SDK: {@code stringVariation} on a pre-built context.
     *
     * <p>Run: {@code java -jar router-benchmarks/target/benchmarks.jar
     * 'CompetitorDecideBenchmark.launchDarkly' -prof gc}
     *
     * @return the chosen variation
     */
    @Benchmark
    public String launchDarkly() {
        return launchDarkly.stringVariation(ChurnRules.KEY, ldContexts[next++ & MASK], "v1");
    }

    /**
     * Unleash client: {@code isEnabled} on a pre-built context.
     *
     * <p>Run: {@code java -jar router-benchmarks/target/benchmarks.jar
     * 'CompetitorDecideBenchmark.unleash' -prof gc}
     *
     * @return the chosen variant
     */
    @Benchmark
    public String unleash() {
        return unleash.isEnabled(ChurnRules.KEY, unleashContexts[next++ & MASK]) ? "v2" : "v1";
    }

    /**
     * OpenFeature SDK, in-memory provider: {@code getStringValue} on a pre-built context.
     *
     * <p>Run: {@code java -jar router-benchmarks/target/benchmarks.jar
     * 'CompetitorDecideBenchmark.openFeatureInMemory' -prof gc}
     *
     * @return the chosen variant
     */
    @Benchmark
    public String openFeatureInMemory() {
        return openFeature.getStringValue(ChurnRules.KEY, "v1", ofContexts[next++ & MASK]);
    }

    /**
     * Release Router: {@code decide} on a request built in the call.
     *
     * @return the chosen version
     */
    @Benchmark
    public String releaseRouterBuiltPerCall() {
        int i = next++ & MASK;
        return router.decide(request(keys[i], tenants[i], regions[i])).version();
    }

    /**
     * LaunchDarkly: {@code stringVariation} on a context built in the call.
     *
     * @return the chosen variation
     */
    @Benchmark
    public String launchDarklyBuiltPerCall() {
        int i = next++ & MASK;
        return launchDarkly.stringVariation(ChurnRules.KEY,
                ldContext(keys[i], tenants[i], regions[i]), "v1");
    }

    /**
     * Unleash: {@code isEnabled} on a context built in the call.
     *
     * @return the chosen variant
     */
    @Benchmark
    public String unleashBuiltPerCall() {
        int i = next++ & MASK;
        return unleash.isEnabled(ChurnRules.KEY, unleashContext(keys[i], tenants[i], regions[i]))
                ? "v2" : "v1";
    }

    /**
     * OpenFeature: {@code getStringValue} on a context built in the call.
     *
     * @return the chosen variant
     */
    @Benchmark
    public String openFeatureInMemoryBuiltPerCall() {
        int i = next++ & MASK;
        return openFeature.getStringValue(ChurnRules.KEY, "v1",
                ofContext(keys[i], tenants[i], regions[i]));
    }
}

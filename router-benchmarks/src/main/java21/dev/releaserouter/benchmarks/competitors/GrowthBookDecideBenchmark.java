package dev.releaserouter.benchmarks.competitors;

import com.sdk.growthbook.GBSDKBuilder;
import com.sdk.growthbook.GrowthBookSDK;
import com.sdk.growthbook.model.GBFeatureResult;
import com.sdk.growthbook.model.GBString;
import com.sdk.growthbook.model.GBValue;
import com.sdk.growthbook.network.NetworkDispatcher;
import com.sdk.growthbook.utils.Resource;
import com.sdk.growthbook.utils.SSEConnectionController;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import kotlin.Unit;
import kotlin.jvm.functions.Function1;
import kotlinx.coroutines.CompletableJob;
import kotlinx.coroutines.Job;
import kotlinx.coroutines.JobKt;
import kotlinx.coroutines.flow.Flow;
import kotlinx.coroutines.flow.FlowKt;
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
 * The churn decision of {@link CompetitorDecideBenchmark} made by GrowthBook's official Kotlin
 * Multiplatform SDK for the JVM ({@code io.growthbook.sdk:GrowthBook-jvm}, the only GrowthBook
 * SDK on Maven Central), next to Release Router on the same JVM. The SDK is compiled for Java 21,
 * so this class lives in {@code src/main/java21} and is built only when Maven runs on JDK 21 or
 * newer (profile {@code growthbook-jdk21} of {@code router-benchmarks/pom.xml}).
 *
 * <p>Same requests, deny lists, checks and JMH settings as {@link CompetitorDecideBenchmark}
 * ({@link ChurnRules}: 4,096 requests, none denied, all in BR/LATAM).
 *
 * <p>GrowthBook fully offline: {@code GBSDKBuilder} with API host {@code http://127.0.0.1:1},
 * caching off, logging off, remote evaluation off, a no-op tracking callback, and a
 * {@link NetworkDispatcher} that answers the features request from an in-memory features JSON
 * (no socket is opened; SSE gives an empty flow and POST, used only by remote evaluation,
 * fails). The feature {@code churn}, in GrowthBook's own payload format: default {@code "v1"};
 * rule 1 forces {@code "v1"} when {@code {"tenant": {"$in": [deny list]}}}; rule 2 forces
 * {@code "v1"} when {@code {"region": {"$nin": ["BR", "LATAM"]}}}; rule 3 forces {@code "v2"}
 * with {@code coverage 0.05} hashed on the attribute {@code id} (a percentage rollout).
 *
 * <p>Per request: {@code setAttributes} ({@code id} = entity key, {@code tenant},
 * {@code region}; the 4,096 attribute maps are pre-built like the other SDKs' contexts) then
 * {@code feature("churn")}. The SDK object is not rebuilt per request: {@code setAttributes}
 * replaces the attributes synchronously when no sticky-bucket service is configured (checked in
 * {@code @Setup}). That mutates the SDK instance, so a server would need one instance per thread
 * (as here: {@code Scope.Thread}) or per request; the measured cost is that of the evaluation.
 *
 * <p>Run (JDK 21+; about 70 seconds): {@code JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 ./mvnw -q
 * -pl router-benchmarks -am -DskipTests package &&
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar router-benchmarks/target/benchmarks.jar
 * GrowthBookDecideBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GrowthBookDecideBenchmark {

    private static final int MASK = ChurnRules.REQUESTS - 1;
    private static final String UNREACHABLE = "http://127.0.0.1:1";

    /** Size of the tenant deny list. */
    @Param({"10", "10000", "100000"})
    public int denyListSize;

    private int next;
    private Supplier<String> verifier;

    private Router router;
    private RouteRequest[] routeRequests;

    private GrowthBookSDK growthBook;
    private OfflineDispatcher dispatcher;
    private List<Map<String, GBValue>> gbAttributes;

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
        long start = System.nanoTime();
        verifier = switch (method) {
            case "releaseRouter" -> setUpReleaseRouter(denied);
            case "growthBook" -> setUpGrowthBook(denied);
            default -> throw new IllegalStateException("no setup for " + method);
        };
        String proof = verifier.get();
        System.out.printf("%n[setup] %s, deny list %d: %s; setup %d ms%n", method, denyListSize,
                proof, (System.nanoTime() - start) / 1_000_000);
    }

    private Supplier<String> setUpReleaseRouter(List<String> denied) {
        router = CompetitorDecideBenchmark.buildReleaseRouter(denied);
        routeRequests = new RouteRequest[ChurnRules.REQUESTS];
        for (int i = 0; i < ChurnRules.REQUESTS; i++) {
            routeRequests[i] = CompetitorDecideBenchmark.request(ChurnRules.entityKey(i),
                    ChurnRules.tenant(i), ChurnRules.region(i));
        }
        return () -> ChurnRules.verify("Release Router",
                i -> router.decide(routeRequests[i]).version(),
                (k, t, r) -> router.decide(CompetitorDecideBenchmark.request(k, t, r)).version());
    }

    private Supplier<String> setUpGrowthBook(List<String> denied) throws InterruptedException {
        String features = "{\"features\":{\"" + ChurnRules.KEY + "\":{"
                + "\"defaultValue\":\"v1\",\"rules\":["
                + "{\"id\":\"deny\",\"condition\":{\"tenant\":{\"$in\":"
                + ChurnRules.jsonArray(denied) + "}},\"force\":\"v1\"},"
                + "{\"id\":\"regions\",\"condition\":{\"region\":{\"$nin\":[\"BR\",\"LATAM\"]}},"
                + "\"force\":\"v1\"},"
                + "{\"id\":\"rollout\",\"force\":\"v2\",\"coverage\":0.05,\"hashAttribute\":\"id\"}"
                + "]}}}";
        dispatcher = new OfflineDispatcher(features);
        CountDownLatch loaded = new CountDownLatch(1);
        AtomicReference<Object> failure = new AtomicReference<>();
        GBSDKBuilder builder = new GBSDKBuilder(
                "sdk-offline-benchmark", // apiKey
                UNREACHABLE, // apiHost
                UNREACHABLE, // streamingHost
                dispatcher,
                Map.of(), // attributes, set per request
                null, // encryptionKey
                (experiment, result) -> Unit.INSTANCE, // trackingCallback: no tracking
                false, // remoteEval
                false, // enableLogging
                false); // cachingEnabled
        builder.setRefreshHandler((success, error) -> {
            if (!success) {
                failure.set(error);
            }
            loaded.countDown();
            return Unit.INSTANCE;
        });
        growthBook = builder.initialize();
        if (!loaded.await(10, TimeUnit.SECONDS) || failure.get() != null) {
            throw new IllegalStateException("GrowthBook: features not loaded from the in-memory "
                    + "dispatcher: " + failure.get());
        }
        if (!growthBook.getFeatures().containsKey(ChurnRules.KEY)) {
            throw new IllegalStateException("GrowthBook: feature " + ChurnRules.KEY
                    + " missing from " + growthBook.getFeatures().keySet());
        }
        if (growthBook.getGBContext().getStickyBucketService() != null) {
            throw new IllegalStateException("GrowthBook: a sticky-bucket service is configured, "
                    + "setAttributes would refresh it asynchronously");
        }
        gbAttributes = new ArrayList<>(ChurnRules.REQUESTS);
        for (int i = 0; i < ChurnRules.REQUESTS; i++) {
            gbAttributes.add(gbAttributes(ChurnRules.entityKey(i), ChurnRules.tenant(i),
                    ChurnRules.region(i)));
        }
        return () -> ChurnRules.verify("GrowthBook", i -> growthBookDecide(gbAttributes.get(i)),
                (k, t, r) -> growthBookDecide(gbAttributes(k, t, r)))
                + "; feature requests served in memory: " + dispatcher.gets.get()
                + ", other network calls: " + dispatcher.others.get();
    }

    private static Map<String, GBValue> gbAttributes(String key, String tenant, String region) {
        return Map.of("id", new GBString(key), "tenant", new GBString(tenant),
                "region", new GBString(region));
    }

    private String growthBookDecide(Map<String, GBValue> attributes) {
        growthBook.setAttributes(attributes);
        GBFeatureResult result = growthBook.feature(ChurnRules.KEY);
        return result.getGbValue() instanceof GBString s ? s.getValue() : null;
    }

    /**
     * Checks the decision again after the measurement, then closes whatever SDK was built.
     */
    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.printf("%n[teardown] after measuring: %s%n", verifier.get());
        if (router != null) {
            router.close();
        }
        if (growthBook != null) {
            growthBook.close();
        }
    }

    /**
     * Release Router: {@code decide}, as in {@code CompetitorDecideBenchmark.releaseRouter}, for
     * the ratio on the same JVM.
     *
     * <p>Run: {@code /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar
     * router-benchmarks/target/benchmarks.jar 'GrowthBookDecideBenchmark.releaseRouter' -prof gc}
     *
     * @return the chosen version
     */
    @Benchmark
    public String releaseRouter() {
        return router.decide(routeRequests[next++ & MASK]).version();
    }

    /**
     * GrowthBook Kotlin SDK: {@code setAttributes} with a pre-built attribute map, then
     * {@code feature("churn")}.
     *
     * <p>Run: {@code /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar
     * router-benchmarks/target/benchmarks.jar 'GrowthBookDecideBenchmark.growthBook' -prof gc}
     *
     * @return the chosen variant
     */
    @Benchmark
    public String growthBook() {
        return growthBookDecide(gbAttributes.get(next++ & MASK));
    }

    /**
     * Answers GrowthBook's features GET from memory; no socket is ever opened.
     */
    private static final class OfflineDispatcher implements NetworkDispatcher {

        private final String featuresJson;
        private final AtomicInteger gets = new AtomicInteger();
        private final AtomicInteger others = new AtomicInteger();

        OfflineDispatcher(String featuresJson) {
            this.featuresJson = featuresJson;
        }

        @Override
        public Job consumeGETRequest(String url, Function1<? super String, Unit> onSuccess,
                Function1<? super Throwable, Unit> onError) {
            gets.incrementAndGet();
            onSuccess.invoke(featuresJson);
            CompletableJob job = JobKt.Job(null);
            job.complete();
            return job;
        }

        @Override
        public Flow<Resource<String>> consumeSSEConnection(String url,
                SSEConnectionController controller) {
            others.incrementAndGet();
            return FlowKt.emptyFlow();
        }

        @Override
        public void consumePOSTRequest(String url, Map<String, ?> body,
                Function1<? super String, Unit> onSuccess,
                Function1<? super Throwable, Unit> onError) {
            others.incrementAndGet();
            onError.invoke(new UnsupportedOperationException("offline: no remote evaluation"));
        }
    }
}

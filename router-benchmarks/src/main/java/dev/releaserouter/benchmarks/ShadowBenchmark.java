package dev.releaserouter.benchmarks;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.Predictor;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.shadow.ShadowComparators;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
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
 * The caller's cost of {@code route} when every request is shadowed, by candidate behaviour,
 * against calling v1 alone and {@code route} with shadowing sampled out.
 *
 * <ul>
 *   <li>{@code v1Alone}: the stable model called directly (the floor);
 *   <li>{@code routeNotShadowed}: {@code route} with a 0% shadow sample;
 *   <li>{@code routeShadowed}: {@code route} with a 100% sample; {@code candidate} is
 *       {@code fast} (answers at once), {@code throws}, {@code sleeps5s} or {@code hangs}
 *       (blocks until interrupted by the 5 s shadow timeout).
 * </ul>
 *
 * <p>Sample time mode gives p50/p99 of the caller's time. With a slow candidate, the shadow
 * threads (default: cores - 1) and the 256-slot queue fill within microseconds and the rest is
 * load shedding (dropped, then circuit open), which is exactly what the caller must not feel.
 *
 * <p>Run: {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package && java -jar
 * router-benchmarks/target/benchmarks.jar ShadowBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(1)
public class ShadowBenchmark {

    /** What the shadowed candidate does. */
    @Param({"fast", "throws", "sleeps5s", "hangs"})
    public String candidate;

    private Router shadowed;
    private Router notShadowed;
    private RoutedModel<double[], Double> shadowedModel;
    private RoutedModel<double[], Double> plainModel;
    private final CountDownLatch never = new CountDownLatch(1);
    private final double[] features = {0.3, 12, 1, 0.25};
    private RouteRequest[] requests;
    private int next;

    /** Builds two routers (100% and 0% shadow sample) and the requests. */
    @Setup(Level.Trial)
    public void setUp() {
        shadowed = router(10_000);
        notShadowed = router(0);
        Predictor<double[], Double> v2 = v2();
        shadowedModel = shadowed.bind(binding(v2));
        plainModel = notShadowed.bind(binding(v2));
        requests = new RouteRequest[1024];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = RouteRequest.builder("churn", "customer-" + i).tenant("retail-br")
                    .build();
        }
    }

    private static Router router(int sampleBasisPoints) {
        ModelConfig churn = ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").build())
                .shadow(ShadowConfig.of("v2", sampleBasisPoints, Set.of(), Segments.NONE))
                .build();
        return ReleaseRouter.builder().config(RouterConfig.builder().model(churn).build())
                .hashSecretHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c")
                .auditSink(new DecideBenchmark.DiscardingSink())
                .build();
    }

    private Predictor<double[], Double> v2() {
        return candidate(candidate, never);
    }

    /**
     * A stand-in candidate that behaves as named.
     *
     * @param behaviour {@code fast} (or anything else: the same score as v1), {@code throws},
     *     {@code sleeps5s} or {@code hangs} (until {@code release} opens or it is interrupted)
     * @param release what a hanging candidate waits for
     * @return the candidate
     */
    public static Predictor<double[], Double> candidate(String behaviour,
            CountDownLatch release) {
        switch (behaviour) {
            case "throws":
                return x -> {
                    throw new IllegalStateException("candidate failure");
                };
            case "sleeps5s":
                return x -> {
                    Thread.sleep(5_000);
                    return 0.5;
                };
            case "hangs":
                return x -> {
                    release.await();
                    return 0.5;
                };
            default:
                return ShadowBenchmark::score;
        }
    }

    private static ModelBinding<double[], Double> binding(Predictor<double[], Double> v2) {
        return ModelBinding.<double[], Double>builder("churn")
                .version("v1", ShadowBenchmark::score)
                .version("v2", v2)
                .comparator(ShadowComparators.score(0.02, Double::doubleValue))
                .build();
    }

    /**
     * A stand-in model: a logistic score of four features (about 50 ns).
     *
     * @param x the features
     * @return the score in (0, 1)
     */
    public static double score(double[] x) {
        double z = -1.2 + 0.8 * x[0] - 0.03 * x[1] + 0.4 * x[2] + 1.1 * x[3];
        return 1 / (1 + Math.exp(-z));
    }

    /** Closes both routers. */
    @TearDown(Level.Trial)
    public void tearDown() {
        never.countDown();
        shadowed.close();
        notShadowed.close();
    }

    /**
     * The floor: v1 called directly.
     *
     * @return the score
     */
    @Benchmark
    public double v1Alone() {
        return score(features);
    }

    /**
     * route() with shadowing sampled out.
     *
     * @return the result
     */
    @Benchmark
    public RouteResult<Double> routeNotShadowed() {
        return plainModel.route(requests[next++ & 1023], features);
    }

    /**
     * route() with every request shadowed.
     *
     * @return the result
     */
    @Benchmark
    public RouteResult<Double> routeShadowed() {
        return shadowedModel.route(requests[next++ & 1023], features);
    }
}

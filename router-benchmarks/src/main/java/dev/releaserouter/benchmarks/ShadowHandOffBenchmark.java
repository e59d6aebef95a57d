package dev.releaserouter.benchmarks;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.shadow.ShadowComparators;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a 100% shadow sample adds to the caller at the mean, and what it allocates: the
 * hand-off itself, with a stand-in model of a few hundred nanoseconds (both versions).
 *
 * <ul>
 *   <li>{@code v1Alone}: the model called directly (the floor);
 *   <li>{@code routeNotShadowed}: {@code route} with a 0% sample (the price of {@code route});
 *   <li>{@code routeShadowed}: {@code route} with a 100% sample and the default shadow settings
 *       (threads = cores - 1, queue 256, adaptive limit on); the hand-off is this minus
 *       {@code routeNotShadowed};
 *   <li>{@code executorHandOff}: v1 on the caller, then v2 handed to a single-thread
 *       {@link ThreadPoolExecutor} (queue of 256, discard when full) as a lambda task: the
 *       naive hand-off, for comparison.
 * </ul>
 *
 * <p>Bytes per operation ({@code -prof gc}) exclude nothing: the model allocates nothing, and
 * {@code route}'s own result is in {@code routeNotShadowed} too.
 *
 * <p>Run: {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package && java -jar
 * router-benchmarks/target/benchmarks.jar ShadowHandOffBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ShadowHandOffBenchmark {

    /** Work of the stand-in model (JMH's {@code Blackhole.consumeCPU} tokens). */
    static final long MODEL_TOKENS = 100;

    private Router shadowed;
    private Router notShadowed;
    private RoutedModel<double[], Double> shadowedModel;
    private RoutedModel<double[], Double> plainModel;
    private ThreadPoolExecutor executor;
    private final double[] features = {0.3, 12, 1, 0.25};
    private RouteRequest[] requests;
    private int next;

    /** Builds two routers (100% and 0% shadow sample), the executor and the requests. */
    @Setup(Level.Trial)
    public void setUp() {
        shadowed = router(10_000);
        notShadowed = router(0);
        shadowedModel = shadowed.bind(binding());
        plainModel = notShadowed.bind(binding());
        executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(256), r -> {
                    Thread t = new Thread(r, "naive-shadow");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.DiscardPolicy());
        requests = new RouteRequest[1024];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = RouteRequest.builder("churn", "customer-" + i).tenant("retail-br")
                    .build();
        }
    }

    static Router router(int sampleBasisPoints) {
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

    static ModelBinding<double[], Double> binding() {
        return ModelBinding.<double[], Double>builder("churn")
                .version("v1", ShadowHandOffBenchmark::model)
                .version("v2", ShadowHandOffBenchmark::model)
                .comparator(ShadowComparators.score(0.02, Double::doubleValue))
                .build();
    }

    /**
     * The stand-in model: fixed CPU work, then a logistic score; returns a cached Double (no
     * allocation) so that bytes per operation are the router's.
     *
     * @param x the features
     * @return the score
     */
    public static Double model(double[] x) {
        Blackhole.consumeCPU(MODEL_TOKENS);
        return ShadowBenchmark.score(x) > 0.5 ? ONE : ZERO;
    }

    private static final Double ONE = 1.0;
    private static final Double ZERO = 0.0;

    /** Closes the routers and the executor. */
    @TearDown(Level.Trial)
    public void tearDown() {
        shadowed.close();
        notShadowed.close();
        executor.shutdownNow();
    }

    /**
     * The floor: the model called directly.
     *
     * @return the score
     */
    @Benchmark
    public Double v1Alone() {
        return model(features);
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

    /**
     * v1 on the caller, v2 handed to a single-thread executor as a task.
     *
     * @return the served score
     */
    @Benchmark
    public Double executorHandOff() {
        Double served = model(features);
        double[] input = features;
        executor.execute(() -> model(input));
        return served;
    }
}

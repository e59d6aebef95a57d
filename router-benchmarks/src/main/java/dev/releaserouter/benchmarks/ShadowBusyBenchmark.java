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
import dev.releaserouter.core.shadow.ShadowSettings;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The caller's latency distribution while every shadow worker is busy with a slow candidate
 * (100% sample), against the same {@code route} with shadowing sampled out: does the caller feel
 * busy shadows?
 *
 * <p>{@code candidate}: {@code busyCpu} burns about 1 ms of CPU per call (it competes with the
 * caller for cores), {@code sleeps} parks 1 ms (it holds a worker but no core). {@code threads}:
 * {@code default} is {@link ShadowSettings#defaultThreads()} (cores - 1), {@code 4} the old
 * default; {@code adaptive}: the adaptive limit on (the default) or off. The served model is
 * {@link ShadowHandOffBenchmark#model} (a few hundred nanoseconds).
 *
 * <p>Run: {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package && java -jar
 * router-benchmarks/target/benchmarks.jar ShadowBusyBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(1)
public class ShadowBusyBenchmark {

    /** What the shadowed candidate does. */
    @Param({"busyCpu", "sleeps"})
    public String candidate;

    /** Shadow threads: {@code default} (cores - 1) or a number. */
    @Param({"default", "4"})
    public String threads;

    /** Whether the adaptive limit is on. */
    @Param({"true"})
    public boolean adaptive;

    private Router shadowed;
    private Router notShadowed;
    private RoutedModel<double[], Double> shadowedModel;
    private RoutedModel<double[], Double> plainModel;
    private final double[] features = {0.3, 12, 1, 0.25};
    private RouteRequest[] requests;
    private int next;

    /** Builds two routers (100% and 0% shadow sample) and the requests. */
    @Setup(Level.Trial)
    public void setUp() {
        ShadowSettings.Builder settings = ShadowSettings.builder().adaptiveLimit(adaptive);
        if (!"default".equals(threads)) {
            settings.threads(Integer.parseInt(threads));
        }
        shadowed = router(10_000, settings.build());
        notShadowed = router(0, settings.build());
        Predictor<double[], Double> v2 = "sleeps".equals(candidate)
                ? x -> {
                    TimeUnit.MILLISECONDS.sleep(1);
                    return 0.5;
                }
                : x -> {
                    long end = System.nanoTime() + 1_000_000;
                    while (System.nanoTime() < end) {
                        Blackhole.consumeCPU(100);
                    }
                    return 0.5;
                };
        shadowedModel = shadowed.bind(binding(v2));
        plainModel = notShadowed.bind(binding(v2));
        requests = new RouteRequest[1024];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = RouteRequest.builder("churn", "customer-" + i).tenant("retail-br")
                    .build();
        }
    }

    private static Router router(int sampleBasisPoints, ShadowSettings settings) {
        ModelConfig churn = ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").build())
                .shadow(ShadowConfig.of("v2", sampleBasisPoints, Set.of(), Segments.NONE))
                .build();
        return ReleaseRouter.builder().config(RouterConfig.builder().model(churn).build())
                .hashSecretHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c")
                .auditSink(new DecideBenchmark.DiscardingSink())
                .shadow(settings)
                .build();
    }

    private static ModelBinding<double[], Double> binding(Predictor<double[], Double> v2) {
        return ModelBinding.<double[], Double>builder("churn")
                .version("v1", ShadowHandOffBenchmark::model)
                .version("v2", v2)
                .build();
    }

    /** Closes both routers. */
    @TearDown(Level.Trial)
    public void tearDown() {
        shadowed.close();
        notShadowed.close();
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
     * route() with every request shadowed to the busy candidate.
     *
     * @return the result
     */
    @Benchmark
    public RouteResult<Double> routeShadowed() {
        return shadowedModel.route(requests[next++ & 1023], features);
    }
}

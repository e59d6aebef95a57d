package dev.releaserouter.benchmarks.competitors;

import com.github.rawls238.scientist4j.Experiment;
import com.github.rawls238.scientist4j.ExperimentBuilder;
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
import dev.releaserouter.benchmarks.DecideBenchmark;
import dev.releaserouter.benchmarks.ShadowBenchmark;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.shadow.ShadowComparators;
import io.dropwizard.metrics5.MetricRegistry;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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

/**
 * The caller's cost of shadowing a candidate on every request: Release Router's {@code route}
 * against scientist4j's {@code Experiment.runAsync}, with the same control (v1, a logistic score
 * of four features, as in {@code ShadowBenchmark}) and the same candidate.
 *
 * <ul>
 *   <li>{@code v1Alone}: v1 called directly (the floor);
 *   <li>{@code releaseRouterRoute}: {@code route} with a 100% shadow sample (default shadow
 *       threads, 256-slot queue, 5 s shadow timeout: the defaults of {@code ShadowBenchmark});
 *   <li>{@code scientistRunAsync}: scientist4j 0.6 {@code runAsync}, built by
 *       {@code ExperimentBuilder} with its default comparator and an executor like its default
 *       ({@code newFixedThreadPool(2)}) except that the threads are daemons so a hung candidate
 *       cannot keep the JVM alive.
 * </ul>
 *
 * <p>{@code candidate}: {@code fast} (the same score), {@code throws}, or {@code hangs} (blocks
 * until interrupted). scientist4j runs the control itself on its executor and, after the
 * control returns, queues a publish task that waits for the candidate; with a hanging candidate
 * both pool threads block and the next caller waits forever for its control. So for
 * {@code hangs}, {@code @Setup} first shows that (two calls from a helper thread, 2 s limit) and
 * {@code scientistRunAsync} then fails fast with an exception instead of wedging the run.
 *
 * <p>Run (about 1.5 minutes): {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package &&
 * java -jar router-benchmarks/target/benchmarks.jar ShadowVsScientistBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ShadowVsScientistBenchmark {

    /** What the shadowed candidate does. */
    @Param({"fast", "throws", "hangs"})
    public String candidate;

    private final CountDownLatch never = new CountDownLatch(1);
    private final double[] features = {0.3, 12, 1, 0.25};
    private final Supplier<Double> control = () -> ShadowBenchmark.score(features);
    private Supplier<Double> candidateSupplier;
    private Router router;
    private RoutedModel<double[], Double> routed;
    private RouteRequest[] requests;
    private final AtomicInteger next = new AtomicInteger();
    private ExecutorService scientistPool;
    private Experiment<Double> experiment;
    private boolean scientistWedged;

    /**
     * Builds the router and the experiment; for a hanging candidate, checks whether scientist4j
     * blocks the caller.
     *
     * @throws Exception if the check itself fails
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Predictor<double[], Double> v2 = predictor();
        candidateSupplier = () -> {
            try {
                return v2.predict(features);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        ModelConfig churn = ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").build())
                .shadow(ShadowConfig.of("v2", 10_000, Set.of(), Segments.NONE))
                .build();
        router = ReleaseRouter.builder().config(RouterConfig.builder().model(churn).build())
                .hashSecretHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c")
                .auditSink(new DecideBenchmark.DiscardingSink())
                .build();
        routed = router.bind(ModelBinding.<double[], Double>builder("churn")
                .version("v1", ShadowBenchmark::score)
                .version("v2", v2)
                .comparator(ShadowComparators.score(0.02, Double::doubleValue))
                .build());
        requests = new RouteRequest[1024];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = RouteRequest.builder("churn", "customer-" + i).tenant("retail-br")
                    .build();
        }
        scientistPool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "scientist4j-bench");
            t.setDaemon(true);
            return t;
        });
        experiment = new ExperimentBuilder<Double>().withName("churn-" + candidate)
                .withRegistry(new MetricRegistry()).withExecutorService(scientistPool).build();
        if ("hangs".equals(candidate)) {
            scientistWedged = probeScientistWedge();
        }
    }

    /** Calls runAsync twice from a helper thread; true if the second call is still blocked. */
    private boolean probeScientistWedge() throws Exception {
        ExecutorService caller = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "scientist4j-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            long start = System.nanoTime();
            Future<Double> first = caller.submit(() -> experiment.runAsync(control,
                    candidateSupplier));
            first.get(2, TimeUnit.SECONDS);
            Future<Double> second = caller.submit(() -> experiment.runAsync(control,
                    candidateSupplier));
            try {
                second.get(2, TimeUnit.SECONDS);
                System.out.printf("%n[setup] scientist4j runAsync with a hanging candidate: "
                        + "2 calls returned in %d ms%n", (System.nanoTime() - start) / 1_000_000);
                return false;
            } catch (TimeoutException e) {
                System.out.printf("%n[setup] scientist4j runAsync with a hanging candidate: the "
                        + "first call returned, the second is still blocked after 2 s "
                        + "(both pool threads wait on the hung candidate)%n");
                return true;
            }
        } finally {
            caller.shutdownNow();
        }
    }

    private Predictor<double[], Double> predictor() {
        return ShadowBenchmark.candidate(candidate, never);
    }

    /** Releases hung candidates, stops scientist4j's threads and closes the router. */
    @TearDown(Level.Trial)
    public void tearDown() {
        never.countDown();
        scientistPool.shutdownNow();
        router.close();
    }

    /**
     * The floor: v1 called directly.
     *
     * <p>Run: {@code java -jar router-benchmarks/target/benchmarks.jar
     * 'ShadowVsScientistBenchmark.v1Alone'}
     *
     * @return the score
     */
    @Benchmark
    public double v1Alone() {
        return ShadowBenchmark.score(features);
    }

    /**
     * Release Router: route() with every request shadowed.
     *
     * <p>Run: {@code java -jar router-benchmarks/target/benchmarks.jar
     * 'ShadowVsScientistBenchmark.releaseRouterRoute'}
     *
     * @return the result
     */
    @Benchmark
    public RouteResult<Double> releaseRouterRoute() {
        return routed.route(requests[next.getAndIncrement() & 1023], features);
    }

    /**
     * scientist4j: runAsync with the same control and candidate.
     *
     * <p>Run: {@code java -jar router-benchmarks/target/benchmarks.jar
     * 'ShadowVsScientistBenchmark.scientistRunAsync'}
     *
     * @return the control's score
     * @throws Exception if the control fails, or (hanging candidate) because the call would block
     *     forever
     */
    @Benchmark
    public Double scientistRunAsync() throws Exception {
        if (scientistWedged) {
            throw new IllegalStateException("scientist4j runAsync blocks the caller forever with "
                    + "a hanging candidate (see the [setup] line); not measurable");
        }
        return experiment.runAsync(control, candidateSupplier);
    }
}

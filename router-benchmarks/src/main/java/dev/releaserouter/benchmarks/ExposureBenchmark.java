package dev.releaserouter.benchmarks;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.api.spi.ExposureSink;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.exposure.ExposureSettings;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * What exposure events cost {@code decide} (a 50% canary, 4,096 pre-built requests with a
 * tenant and an attribute): {@code off} (no exposures), {@code duplicate} (every entity already
 * exposed within the window: the deduplication lookup alone) and {@code new} (every decision a
 * new exposure: the window is 1 ns on a ticker that moves 2 ns per read, so each lookup finds
 * its entry expired, replaces it, reads the clock and puts the event on the queue; the sink
 * does nothing, and events the delivery thread cannot keep up with are dropped and counted,
 * which is part of what is measured).
 *
 * <p>Run: {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package && java -jar
 * router-benchmarks/target/benchmarks.jar 'benchmarks\.ExposureBenchmark\.' -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExposureBenchmark {

    private static final int REQUESTS = 4096;

    /** {@code off}, {@code duplicate} or {@code new}. */
    @Param({"off", "duplicate", "new"})
    public String exposures;

    private Router router;
    private final RouteRequest[] requests = new RouteRequest[REQUESTS];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        RouterConfig config = RouterConfig.builder().model(ModelConfig.builder("churn")
                .stableVersion("v1").version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").weightBasisPoints(5_000).build())
                .build()).build();
        ReleaseRouter.Builder b = ReleaseRouter.builder().config(config)
                .hashSecretHex("000102030405060708090a0b0c0d0e0f")
                .auditSink(new AuditSink() {
                    @Override
                    public void record(AuditEvent event) {}
                });
        ExposureSink none = new ExposureSink() {
            @Override
            public void record(ExposureEvent event) {}
        };
        if (exposures.equals("duplicate")) {
            b.exposures(ExposureSettings.builder(none).attributes("plan").build());
        } else if (exposures.equals("new")) {
            AtomicLong nanos = new AtomicLong();
            b.ticker(() -> nanos.addAndGet(2))
                    .exposures(ExposureSettings.builder(none).attributes("plan")
                            .deduplicationWindow(Duration.ofNanos(1)).build());
        } else if (!exposures.equals("off")) {
            throw new IllegalArgumentException("exposures: off, duplicate or new");
        }
        router = b.build();
        for (int i = 0; i < REQUESTS; i++) {
            requests[i] = RouteRequest.builder("churn", "customer-" + i).tenant("acme")
                    .attribute("plan", "gold").build();
            router.decide(requests[i]); // duplicates from here on, for "duplicate"
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        router.close();
    }

    @Benchmark
    public RouteDecision decide() {
        RouteRequest r = requests[next];
        next = (next + 1) & (REQUESTS - 1);
        return router.decide(r);
    }
}

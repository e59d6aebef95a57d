package dev.releaserouter.benchmarks;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.core.FlagSources;
import dev.releaserouter.core.ReleaseRouter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Kill-switch propagation: the time from replacing the flag file (write a sibling, rename it
 * over the watched file) to the first {@code decide} that reflects the change, as a distribution
 * over hundreds of writes.
 *
 * <p>Each invocation flips the model's kill switch in the file and then calls {@code decide}
 * in a loop until the decision's reason says the new state ({@code KILL_SWITCH} or not). The
 * router watches the file with its defaults (directory events through the JDK's
 * {@code WatchService}, which is inotify on Linux; 30 ms of quiet to let a burst of events
 * settle; polling every 250 ms as the fallback). The time includes writing the file, so it is
 * what an operator's deployment tool sees. A change that never shows within 5 s fails the run.
 *
 * <p>Run: {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package && java -jar
 * router-benchmarks/target/benchmarks.jar PropagationBenchmark}; sample-time mode prints the
 * percentiles (p0.50, p0.90, p0.99, p1.00 = max).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class PropagationBenchmark {

    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Size of the model's tenant deny list (the file to parse on each change). */
    @Param({"10", "100000"})
    public int deniedTenants;

    private Path dir;
    private Path flags;
    private String killed;
    private String open;
    private boolean nextKilled;
    private Router router;
    private final RouteRequest request = RouteRequest.builder("churn", "customer-1")
            .tenant("tenant-1").region("BR").build();

    /** Writes the file with the kill switch off and starts a router watching it. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("release-router-propagation-bench");
        flags = dir.resolve("flags.json");
        open = FlagFiles.canary(deniedTenants, 5, false);
        killed = FlagFiles.canary(deniedTenants, 5, true);
        Files.writeString(flags, open);
        router = ReleaseRouter.builder().flagSource(FlagSources.file(flags))
                .hashSecretHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c")
                .auditSink(new DecideBenchmark.DiscardingSink())
                .build();
        nextKilled = true;
    }

    /** Closes the router and removes the files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        router.close();
        FlagFiles.deleteDirectory(dir);
    }

    /**
     * Flips the kill switch in the file and waits for the first decision that reflects it.
     *
     * @return the number of decisions made while waiting
     */
    @Benchmark
    public long writeToFirstDecision() {
        boolean kill = nextKilled;
        nextKilled = !kill;
        FlagFiles.replace(flags, kill ? killed : open);
        long start = System.nanoTime();
        long decisions = 0;
        while ((router.decide(request).reason() == Reason.KILL_SWITCH) != kill) {
            decisions++;
            if (System.nanoTime() - start > GIVE_UP_NANOS) {
                throw new IllegalStateException("the kill switch (" + kill
                        + ") did not reach decide within 5 s");
            }
            Thread.onSpinWait();
        }
        return decisions;
    }
}

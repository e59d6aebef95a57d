package dev.releaserouter.benchmarks;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;
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
 * Loading and swapping a flag file whose model denies {@code deniedTenants} tenants.
 *
 * <ul>
 *   <li>{@code parse}: read and validate the file into a {@link RouterConfig} (what the file
 *       watcher does on every change);
 *   <li>{@code swap}: hand an already parsed configuration to a running router, which compiles
 *       a new snapshot, audits the field-level difference and swaps it in; consecutive calls
 *       alternate between two configurations that differ in the candidate's weight only, the
 *       usual change during a rollout;
 *   <li>{@code parseAndSwap}: both, i.e. a file reload from its bytes to the new snapshot;
 *   <li>{@code parseAndSwapNewList}: the same, between two files whose deny lists have no
 *       tenant in common, the worst case for the audited difference (every tenant removed and
 *       every other one added).
 * </ul>
 *
 * <p>{@code deniedTenants = 800000} is the largest such file under the default size limit of
 * 16 MiB (16.7 MB of JSON): its time is what the size limit promises. Run once, briefly:
 * {@code java -jar router-benchmarks/target/benchmarks.jar ConfigBenchmark -p
 * deniedTenants=800000 -wi 1 -i 3 -f 1}.
 *
 * <p>{@code deniedTenants = 1000000} (21 MB of JSON) is over the default size limit: the files
 * are then read with a limit raised to fit ({@code FlagSources.fileBuilder(path).maxSize(...)}).
 * Run once: {@code java -jar router-benchmarks/target/benchmarks.jar ConfigBenchmark -p
 * deniedTenants=1000000 -wi 1 -i 3 -f 1 -jvmArgsAppend -Xmx4g -prof gc}.
 *
 * <p>Run with the allocation profiler, which gives the bytes allocated per load or swap:
 * {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package && java -jar
 * router-benchmarks/target/benchmarks.jar ConfigBenchmark -prof gc}. The memory a loaded
 * configuration keeps is measured by {@link Footprint}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class ConfigBenchmark {

    /** Size of the model's tenant deny list. */
    @Param({"10", "100000", "800000"})
    public int deniedTenants;

    private Path dir;
    private FlagSource file;
    private FlagSource[] files;
    private FlagSource[] renamedFiles;
    private RouterConfig[] configs;
    private PushedSource pushed;
    private Router router;
    private int next;

    /** Writes the flag file and starts a router on a pushed source. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("release-router-config-bench");
        Path flags = dir.resolve("flags.json");
        Files.writeString(flags, FlagFiles.canary(deniedTenants, 5, false));
        long limit = Math.max(FlagSources.DEFAULT_MAX_SIZE, 2 * Files.size(flags));
        file = FlagSources.fileBuilder(flags).maxSize(limit).build();
        RouterConfig five = file.load();
        Path other = dir.resolve("flags-6.json");
        Files.writeString(other, FlagFiles.canary(deniedTenants, 6, false));
        files = new FlagSource[] {FlagSources.fileBuilder(other).maxSize(limit).build(), file};
        RouterConfig six = files[0].load();
        Path renamed = dir.resolve("flags-renamed.json");
        Files.writeString(renamed, FlagFiles.canary("new-tenant-", deniedTenants, 5, false));
        renamedFiles = new FlagSource[] {FlagSources.fileBuilder(renamed).maxSize(limit).build(),
                file};
        if (deniedTenants <= 800_000 && Files.size(flags) > FlagSources.DEFAULT_MAX_SIZE) {
            throw new IllegalStateException("over the default size limit: " + Files.size(flags));
        }
        configs = new RouterConfig[] {six, five};
        pushed = new PushedSource(five);
        router = ReleaseRouter.builder().flagSource(pushed)
                .hashSecretHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c")
                .auditSink(new DecideBenchmark.DiscardingSink())
                .build();
        RouteDecision d = router.decide(RouteRequest.builder("churn", "customer-1")
                .tenant("vip-tenant-" + (deniedTenants - 1)).region("BR").build());
        if (d.reason() != Reason.DENIED_SEGMENT) {
            throw new IllegalStateException("the deny list was not loaded: " + d);
        }
    }

    /** Closes the router and removes the files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        router.close();
        FlagFiles.deleteDirectory(dir);
    }

    /**
     * Reads and validates the flag file.
     *
     * @return the configuration
     */
    @Benchmark
    public RouterConfig parse() {
        return file.load();
    }

    /**
     * Swaps a parsed configuration into the running router.
     *
     * @return the router, whose snapshot changed
     */
    @Benchmark
    public Router swap() {
        pushed.push(configs[next++ & 1]);
        return router;
    }

    /**
     * Reads the file and swaps the result in (the reload path, minus waiting for the event).
     *
     * @return the router, whose snapshot changed
     */
    @Benchmark
    public Router parseAndSwap() {
        // Alternate between the two files so that every call is a real change.
        pushed.push(files[next++ & 1].load());
        return router;
    }

    /**
     * Reads a file whose deny list shares no tenant with the one in force and swaps it in.
     *
     * @return the router, whose snapshot changed
     */
    @Benchmark
    public Router parseAndSwapNewList() {
        pushed.push(renamedFiles[next++ & 1].load());
        return router;
    }

    /** A flag source whose changes the benchmark pushes on its own thread. */
    static final class PushedSource implements FlagSource {
        private final RouterConfig initial;
        private volatile Listener listener;

        PushedSource(RouterConfig initial) {
            this.initial = initial;
        }

        @Override
        public String description() {
            return "benchmark:push";
        }

        @Override
        public RouterConfig load() {
            return initial;
        }

        @Override
        public void watch(Listener l) {
            this.listener = l;
        }

        void push(RouterConfig config) {
            Listener l = listener;
            if (l == null) {
                throw new IllegalStateException("the router does not watch this source");
            }
            l.onChange(config);
        }
    }
}

package dev.releaserouter.benchmarks;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.core.FlagSources;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.api.hook.OutcomeEvent;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import dev.releaserouter.rollout.measure.CallCost;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.openjdk.jol.info.GraphLayout;

/**
 * Retained memory, measured by walking object graphs with JOL (exact sizes of the objects
 * reachable from a root, on this JVM's layout), of:
 *
 * <ul>
 *   <li>a flag file's configuration with 10, 10,000 and 100,000 tenants in a deny list, as
 *       parsed ({@code RouterConfig}) and as the router keeps it (its current snapshot: the
 *       configuration plus the compiled lookup tables, sharing what they can);
 *   <li>the metric windows of one arm ({@code ArmMeasurements}): per window, empty and after
 *       20,000 calls of 5,000 customers (entity keys: every entity bucket filled) with
 *       latencies spread over 20 to 100 ms, scores, costs and one business outcome, and for the
 *       default 60 retained windows.
 * </ul>
 *
 * <p>Run: {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package && java
 * -Djdk.attach.allowAttachSelf=true -cp router-benchmarks/target/benchmarks.jar
 * dev.releaserouter.benchmarks.Footprint}. The time and the transient allocation of a load are
 * measured by {@link ConfigBenchmark}.
 */
public final class Footprint {

    private Footprint() {}

    /**
     * Prints the sizes.
     *
     * @param args ignored
     * @throws Exception if a temporary file cannot be written or the router's snapshot cannot
     *     be read
     */
    public static void main(String[] args) throws Exception {
        System.out.println("configuration, retained bytes");
        System.out.println("deny list | RouterConfig | router snapshot | per denied tenant");
        long baseSnapshot = 0;
        for (int tenants : new int[] {10, 10_000, 100_000}) {
            RouterConfig config = parse(tenants);
            long parsed = GraphLayout.parseInstance(config).totalSize();
            long snapshot = snapshotSize(config);
            if (tenants == 10) {
                baseSnapshot = snapshot;
            }
            String perTenant = tenants == 10 ? "-"
                    : String.format(Locale.ROOT, "%.0f", (snapshot - baseSnapshot)
                            / (double) (tenants - 10));
            System.out.printf(Locale.ROOT, "%9d | %12s | %15s | %s%n", tenants, mib(parsed),
                    mib(snapshot), perTenant);
        }
        System.out.println();
        System.out.println("metric windows of one arm, retained bytes");
        armWindows();
    }

    private static RouterConfig parse(int tenants) throws IOException {
        Path file = Files.createTempFile("release-router-footprint", ".json");
        try {
            Files.writeString(file, FlagFiles.canary(tenants, 5, false));
            return FlagSources.file(file).load();
        } finally {
            Files.delete(file);
        }
    }

    /** What the router keeps: its current snapshot (read reflectively; it is internal). */
    private static long snapshotSize(RouterConfig config) throws ReflectiveOperationException {
        try (Router router = ReleaseRouter.builder().config(config)
                .hashSecretHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c")
                .auditSink(new DecideBenchmark.DiscardingSink()).build()) {
            Field f = router.getClass().getDeclaredField("snapshot");
            f.setAccessible(true);
            return GraphLayout.parseInstance(f.get(router)).totalSize();
        }
    }

    private static void armWindows() {
        ModelConfig churn = ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build()).build();
        try (Router router = ReleaseRouter.builder()
                .config(RouterConfig.builder().model(churn).build())
                .hashSecretHex("8f3a5c7e9b1d2f4a6c8e0a2b4d6f8a1c")
                .auditSink(new DecideBenchmark.DiscardingSink()).build()) {
            GateBenchmark.SettableClock clock =
                    new GateBenchmark.SettableClock(Instant.parse("2026-11-22T10:00:00Z"));
            ArmMeasurements m = ArmMeasurements.builder().clock(clock)
                    .window(Duration.ofMinutes(1)).retainedWindows(60).build();
            long empty = sizeWithoutRouter(m);
            SplittableRandom random = new SplittableRandom(7);
            m.recordCall("churn", "v1", 0, false);
            long oneWindowFirstCall = sizeWithoutRouter(m) - empty;
            fill(router, m, random, 20_000);
            long oneWindow = sizeWithoutRouter(m) - empty;
            for (int w = 1; w < 60; w++) {
                clock.advance(Duration.ofMinutes(1));
                fill(router, m, random, 20_000);
            }
            long sixty = sizeWithoutRouter(m) - empty;
            clock.advance(Duration.ofMinutes(1));
            fill(router, m, random, 20_000);
            long sixtyOne = sizeWithoutRouter(m) - empty;
            System.out.println("one window, first call (latency 0, no score): "
                    + kib(oneWindowFirstCall));
            System.out.println("one window, 20,000 calls with scores, costs, an outcome: "
                    + kib(oneWindow));
            System.out.println("60 windows (the default retention), 20,000 calls each: "
                    + mib(sixty));
            System.out.println("after a 61st window (the oldest is dropped): " + mib(sixtyOne));
        }
    }

    private static void fill(Router router, ArmMeasurements m, SplittableRandom random,
            int calls) {
        for (int i = 0; i < calls; i++) {
            long nanos = 20_000_000L + (long) (random.nextDouble() * 80_000_000L);
            // Keyed as route(...) records them: 5,000 customers fill every entity bucket.
            m.recordCall(RouteRequest.of("churn", "customer-" + random.nextInt(5000)), "v1",
                    nanos, random.nextInt(1000) == 0, new CallCost(
                    OptionalDouble.of(0.0003), OptionalDouble.of(120),
                    OptionalDouble.of(random.nextDouble())));
        }
        // Outcomes are attributed with decide(); one metric name per arm here.
        for (int i = 0; i < 100; i++) {
            RouteRequest r = RouteRequest.of("churn", "customer-" + i);
            m.onOutcome(OutcomeEvent.outcome(r, router.decide(r).version(), "converted",
                    random.nextInt(10) == 0 ? 1 : 0));
        }
    }

    /** The measurements' graph without the router they point at. */
    private static long sizeWithoutRouter(ArmMeasurements m) {
        try {
            Field f = ArmMeasurements.class.getDeclaredField("models");
            f.setAccessible(true);
            return GraphLayout.parseInstance(f.get(m)).totalSize();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
    }

    private static String kib(long bytes) {
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}

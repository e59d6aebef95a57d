package dev.releaserouter.prometheus;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.shadow.ShadowComparators;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.micrometer.ArmMetrics;
import dev.releaserouter.micrometer.ArmQualityMetrics;
import dev.releaserouter.micrometer.RolloutMetrics;
import dev.releaserouter.micrometer.RouterMetrics;
import dev.releaserouter.micrometer.ShadowMetrics;
import dev.releaserouter.prometheus.testing.MeterEndpoint;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The serving application of the Prometheus tests: a router with two models, {@code churn} and
 * {@code fraud} (v1 stable, v2 the candidate, v2 also shadowed for every entity v1 serves), with
 * every router meter bound to a {@link PrometheusMeterRegistry} served on a loopback
 * {@code /metrics} endpoint. Each model's v2 fails a configurable share of its calls
 * (deterministically: every k-th call). Measurements and rollouts run on a mutable clock, so
 * checkpoints pass at once while Prometheus sees real time.
 *
 * <p>Thread-safe as far as the router is; traffic is sent by one test thread.
 */
final class ServingApp implements AutoCloseable {

    static final String[] MODELS = {"churn", "fraud"};

    final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Windows well inside the test's 20 s checkpoints: the gates judge a stage on the windows
    // wholly inside it, so a one-minute window would leave a 20 s stage with no evidence.
    final ArmMeasurements arms = ArmMeasurements.builder().clock(clock)
            .window(Duration.ofSeconds(5)).retainedWindows(240).build();
    final RouterAdmin admin;
    final Router router;
    final MeterEndpoint endpoint;
    /** Per model, the share of v2's calls that fail (0 to 1). */
    private final Map<String, Double> v2Failures = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> v2Calls = new ConcurrentHashMap<>();
    private final AtomicLong entities = new AtomicLong();

    ServingApp() {
        RouterConfig.Builder config = RouterConfig.builder();
        ReleaseRouter.Builder b = ReleaseRouter.builder();
        for (String m : MODELS) {
            v2Failures.put(m, 0.0);
            v2Calls.put(m, new AtomicLong());
            config.model(ModelConfig.builder(m).stableVersion("v1")
                    .version(VersionConfig.builder("v1").build())
                    .version(VersionConfig.builder("v2").weightBasisPoints(0).build())
                    .shadow(ShadowConfig.of("v2", 10_000, Set.of(), Segments.NONE))
                    .build());
            b.model(ModelBinding.<Integer, Double>builder(m)
                    .version("v1", x -> 0.50)
                    .version("v2", x -> v2(m))
                    .comparator(ShadowComparators.score(0.05, Double::doubleValue))
                    .build());
        }
        admin = b.config(config.build())
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .clock(clock)
                .hook(arms)
                .hook(ArmMetrics.builder(registry)
                        .latencyBuckets(Duration.ofMillis(5), Duration.ofMillis(50),
                                Duration.ofMillis(500))
                        .build())
                .hook(new ShadowMetrics(registry))
                // A status component, as fleet mode registers one for its Redis.
                .statusContributor("fleet", () -> ComponentStatus.up(Map.of("lagMillis", 3)))
                .buildWithAdmin();
        router = admin.router();
        new RouterMetrics(router).bindTo(registry);
        ArmQualityMetrics.builder(router, arms).build().bindTo(registry);
        endpoint = MeterEndpoint.start(registry);
    }

    private double v2(String model) {
        long n = v2Calls.get(model).incrementAndGet();
        double share = v2Failures.get(model);
        if (share > 0 && n % Math.max(1, Math.round(1 / share)) == 0) {
            throw new IllegalStateException("v2 of " + model + " failed");
        }
        return 0.52;
    }

    /** @param share the share of the model's v2 calls that fail from now on */
    void v2Fails(String model, double share) {
        v2Failures.put(model, share);
    }

    /** Binds a rollout's meters (stage, traffic, checkpoints, degradations). */
    void observe(RolloutController controller) {
        new RolloutMetrics(controller).bindTo(registry);
    }

    /**
     * Routes n requests of each model (new entities) and records a label for every tenth; a
     * failed v2 call is caught, as an application would.
     *
     * @param n requests per model
     */
    void traffic(int n) {
        for (int i = 0; i < n; i++) {
            long e = entities.incrementAndGet();
            for (String m : MODELS) {
                RouteRequest r = RouteRequest.of(m, "user-" + e);
                String served;
                try {
                    served = router.route(r, (int) e).servedVersion();
                } catch (IllegalStateException failed) {
                    served = "v2";
                }
                if (e % 10 == 0) {
                    router.recordLabel(r, served.equals("v2") ? 0.52 : 0.5, 0.5);
                }
            }
        }
    }

    @Override
    public void close() {
        endpoint.close();
        router.close();
    }
}

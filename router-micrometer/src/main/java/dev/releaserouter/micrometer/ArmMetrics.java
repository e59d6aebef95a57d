package dev.releaserouter.micrometer;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.HookContext;
import dev.releaserouter.api.hook.RouteHook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Exports every routed call to Micrometer, per arm (the same calls
 * {@code ArmMeasurements} records):
 * <ul>
 *   <li>{@code router.arm.requests{model,version,region,route,tenant}}: calls served;
 *   <li>{@code router.arm.errors{model,version,region,route,tenant}}: failed calls;
 *   <li>{@code router.arm.latency{model,version,region,route,tenant}}: latency, with
 *       p50/p95/p99 (per instance; for fleet-wide quantiles in Prometheus, add histogram
 *       buckets with {@link Builder#latencyBuckets});
 *   <li>{@code router.decisions{model,reason}}: every decision of {@code route}, by its
 *       reason in lower case ({@code canary_bucket}, {@code stable_bucket},
 *       {@code kill_switch}, {@code budget_exhausted}, {@code denied_segment}, ...): the
 *       reasons of a model are registered at 0 at its first decision, so that {@code increase()}
 *       sees a kill switch or an exhausted budget from the first request it turns away.
 * </ul>
 * Tag values keep cardinality bounded, so a tenant explosion cannot blow up the metrics backend:
 * <ul>
 *   <li>{@code tenant}: the request's tenant only if it is on the configured allow-list,
 *       otherwise (including unknown tenants) {@value #OTHER};
 *   <li>{@code region}: the request's region, {@value #UNKNOWN} if none; after
 *       {@code maxRegions} distinct values, new ones become {@value #OTHER};
 *   <li>{@code route}: the request attribute {@code route}, else its channel, else
 *       {@value #UNKNOWN}; after {@code maxRoutes} distinct values, new ones become
 *       {@value #OTHER}.
 * </ul>
 * After a fallback, the canary that failed counts a request and an error (with the latency of
 * its failed attempt) and the stable version the served call. The entity key is never a tag.
 *
 * <pre>{@code
 * ArmMetrics metrics = ArmMetrics.builder(meterRegistry).allowTenants(Set.of("acme")).build();
 * Router router = ReleaseRouter.builder().flagSource(...).hook(metrics).build();
 * }</pre>
 *
 * <p>Thread-safe: meters are created once per tag combination and cached, so steady-state calls
 * only increment; the distinct-value caps are enforced with concurrent sets (a race may admit a
 * value or two past a cap, never an unbounded number).
 */
public final class ArmMetrics implements RouteHook {

    /** Tag value of tenants off the allow-list and of values past a cap. */
    public static final String OTHER = "other";
    /** Tag value when the request does not say. */
    public static final String UNKNOWN = "unknown";

    private final MeterRegistry registry;
    private final Set<String> tenants;
    private final int maxRegions;
    private final int maxRoutes;
    private final Set<String> regions = ConcurrentHashMap.newKeySet();
    private final Set<String> routes = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<Tags, Meters> meters = new ConcurrentHashMap<>();
    // Per model, one counter per Reason (by ordinal); models come from the configuration.
    private final ConcurrentHashMap<String, Counter[]> decisions = new ConcurrentHashMap<>();
    private final Duration[] latencyBuckets;

    private ArmMetrics(Builder b) {
        this.registry = b.registry;
        this.latencyBuckets = b.latencyBuckets.clone();
        this.tenants = Set.copyOf(b.tenants);
        this.maxRegions = b.maxRegions;
        this.maxRoutes = b.maxRoutes;
    }

    /**
     * Starts arm metrics for a registry.
     *
     * @param registry where the meters go
     * @return a new builder
     * @throws NullPointerException if registry is null
     */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /** @return the tenants exported by name; every other tenant is {@value #OTHER} */
    public Set<String> allowedTenants() {
        return tenants;
    }

    /**
     * Counts the decision by its reason.
     *
     * @param context the call's context
     * @param decision the decision
     */
    @Override
    public void afterDecision(HookContext context, RouteDecision decision) {
        String model = context.request().model();
        Counter[] byReason = decisions.get(model);
        if (byReason == null) {
            byReason = decisions.computeIfAbsent(model, this::registerDecisions);
        }
        byReason[decision.reason().ordinal()].increment();
    }

    private Counter[] registerDecisions(String model) {
        Reason[] reasons = Reason.values();
        Counter[] out = new Counter[reasons.length];
        for (Reason r : reasons) {
            out[r.ordinal()] = Counter.builder(MetricNames.DECISIONS)
                    .description("Decisions of route, by reason")
                    .baseUnit("decisions")
                    .tags("model", model, "reason", r.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        return out;
    }

    /**
     * Counts the served call (and, after a fallback, the canary's failed attempt).
     *
     * @param context the call's context
     * @param call the call
     */
    @Override
    public void afterCall(HookContext context, CallEvent call) {
        if (call.fallback().isPresent()) {
            CallEvent.Fallback f = call.fallback().get();
            onCall(call.model(), f.version(), call.request(), f.latencyNanos(), true);
        }
        onCall(call.model(), call.servedVersion(), call.request(), call.latencyNanos(),
                call.failed());
    }

    private void onCall(String model, String version, @Nullable RouteRequest request,
            long latencyNanos, boolean error) {
        String tenant = OTHER;
        String region = UNKNOWN;
        String route = UNKNOWN;
        if (request != null) {
            String t = request.tenant();
            if (t != null && tenants.contains(t)) {
                tenant = t;
            }
            region = capped(request.region(), regions, maxRegions);
            String r = request.attributes().get("route");
            route = capped(r != null ? r : request.channel(), routes, maxRoutes);
        }
        Tags tags = Tags.of("model", model, "version", version, "region", region,
                "route", route, "tenant", tenant);
        Meters m = meters.get(tags);
        if (m == null) {
            m = meters.computeIfAbsent(tags, this::register);
        }
        m.requests.increment();
        if (error) {
            m.errors.increment();
        }
        m.latency.record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    private static String capped(@Nullable String value, Set<String> seen, int max) {
        if (value == null) {
            return UNKNOWN;
        }
        if (seen.contains(value)) {
            return value;
        }
        if (seen.size() < max) {
            seen.add(value);
            return value;
        }
        return OTHER;
    }

    private Meters register(Tags tags) {
        return new Meters(
                Counter.builder(MetricNames.ARM_REQUESTS)
                        .description("Calls served, per model version (arm)")
                        .baseUnit("calls")
                        .tags(tags)
                        .register(registry),
                Counter.builder(MetricNames.ARM_ERRORS)
                        .description("Failed calls (exception, 5xx-like, invalid output), per arm")
                        .baseUnit("calls")
                        .tags(tags)
                        .register(registry),
                Timer.builder(MetricNames.ARM_LATENCY)
                        .description("Latency of served calls, per arm")
                        .tags(tags)
                        .publishPercentiles(0.5, 0.95, 0.99)
                        .serviceLevelObjectives(latencyBuckets)
                        .register(registry));
    }

    private static final class Meters {
        final Counter requests;
        final Counter errors;
        final Timer latency;

        Meters(Counter requests, Counter errors, Timer latency) {
            this.requests = requests;
            this.errors = errors;
            this.latency = latency;
        }
    }

    /** Builds {@link ArmMetrics}. Not thread-safe. */
    public static final class Builder {
        private final MeterRegistry registry;
        private Set<String> tenants = Set.of();
        private int maxRegions = 50;
        private int maxRoutes = 50;
        private Duration[] latencyBuckets = new Duration[0];

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * @param tenants tenants exported by name (copied); every other is {@value #OTHER}.
         *     Defaults to none.
         * @return this builder
         * @throws NullPointerException if the collection or a tenant is null
         */
        public Builder allowTenants(Collection<String> tenants) {
            this.tenants = Set.copyOf(tenants);
            return this;
        }

        /**
         * @param maxRegions distinct region values exported before the rest become
         *     {@value #OTHER}; at least 0, defaults to 50
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxRegions(int maxRegions) {
            this.maxRegions = nonNegative("maxRegions", maxRegions);
            return this;
        }

        /**
         * @param maxRoutes distinct route values exported before the rest become
         *     {@value #OTHER}; at least 0, defaults to 50
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxRoutes(int maxRoutes) {
            this.maxRoutes = nonNegative("maxRoutes", maxRoutes);
            return this;
        }

        /**
         * Publishes {@code router.arm.latency} as a histogram with these bucket bounds as well,
         * so that Prometheus can aggregate quantiles across instances
         * ({@code histogram_quantile(0.95, sum by (le) (rate(router_arm_latency_seconds_bucket
         * [5m])))}). Each bound is one more series per tag combination: keep them few (e.g.
         * the SLO and a few around it). None by default.
         *
         * @param bounds bucket upper bounds, positive
         * @return this builder
         * @throws IllegalArgumentException if a bound is not positive
         * @throws NullPointerException if a bound is null
         */
        public Builder latencyBuckets(Duration... bounds) {
            for (Duration d : bounds) {
                if (Objects.requireNonNull(d, "bound").isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("latencyBuckets must be positive, but "
                            + "one was " + d);
                }
            }
            this.latencyBuckets = bounds.clone();
            return this;
        }

        /** @return the metrics; register them with {@code ReleaseRouter.Builder#hook} */
        public ArmMetrics build() {
            return new ArmMetrics(this);
        }

        private static int nonNegative(String name, int v) {
            if (v < 0) {
                throw new IllegalArgumentException(name + " must be >= 0, but was " + v);
            }
            return v;
        }
    }
}

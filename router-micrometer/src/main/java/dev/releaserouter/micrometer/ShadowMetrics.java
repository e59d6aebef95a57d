package dev.releaserouter.micrometer;

import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.HookContext;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.api.hook.ShadowEvent;
import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Exports shadow and fallback events to Micrometer:
 * <ul>
 *   <li>{@code router.shadow.calls{model,version,outcome}}: outcome is {@code success},
 *       {@code error}, {@code timeout}, {@code invalid_output} for calls that ran, and
 *       {@code dropped}, {@code circuit_open} for calls that could not run;
 *   <li>{@code router.shadow.skipped{model,version,reason}}: requests not shadowed, by reason
 *       (forbidden_data, denied_segment, not_sampled, kill_switch, ...);
 *   <li>{@code router.shadow.latency{model,version,side}}: side {@code stable} or
 *       {@code candidate}, with p50/p95/p99;
 *   <li>{@code router.shadow.comparisons{model,version,match}}: decision-match counts;
 *   <li>{@code router.shadow.score.delta{model,version}}: candidate minus stable score;
 *   <li>{@code router.fallbacks{model,version,cause}}: canary requests answered by stable.
 * </ul>
 * Tags are low-cardinality: model and version names, fixed enum values; never entity keys.
 *
 * <pre>{@code ReleaseRouter.builder().hook(new ShadowMetrics(meterRegistry))}</pre>
 *
 * <p>Thread-safe: meters are created once per tag combination and cached, so steady-state events
 * only increment.
 */
public final class ShadowMetrics implements RouteHook {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Object> meters = new ConcurrentHashMap<>();

    /**
     * @param registry where the meters go
     */
    public ShadowMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Counts a shadow call that ended (calls, latencies, comparison) or a request that was not
     * shadowed (dropped, circuit open, or skipped with its reason).
     *
     * @param shadow the event
     */
    @Override
    public void afterShadow(ShadowEvent shadow) {
        String model = shadow.model();
        String version = shadow.shadowVersion();
        if (shadow.outcome().isEmpty()) {
            disposition(model, version, shadow.disposition());
            return;
        }
        calls(model, version, name(shadow.outcome().get())).increment();
        latency(model, version, "stable").record(shadow.stableLatencyNanos(),
                TimeUnit.NANOSECONDS);
        if (shadow.shadowLatencyNanos().isPresent()) {
            latency(model, version, "candidate").record(shadow.shadowLatencyNanos().getAsLong(),
                    TimeUnit.NANOSECONDS);
        }
        if (shadow.match().isPresent()) {
            comparison(model, version, shadow.match().get(), shadow.delta().orElse(Double.NaN));
        }
    }

    /**
     * Counts a canary request answered by the stable version.
     *
     * @param context the call's context
     * @param call the call
     */
    @Override
    public void afterCall(HookContext context, CallEvent call) {
        if (call.fallback().isPresent()) {
            CallEvent.Fallback f = call.fallback().get();
            fallback(call.model(), f.version(), f.cause());
        }
    }

    private void disposition(String model, String version, ShadowDisposition d) {
        switch (d) {
            case SCHEDULED:
                return; // counted when the call ends
            case DROPPED:
            case CIRCUIT_OPEN:
                calls(model, version, name(d)).increment();
                return;
            default:
                meter("s|" + model + "|" + version + "|" + d, k -> Counter
                        .builder(MetricNames.SHADOW_SKIPPED)
                        .description("Routed requests whose shadow call was skipped, by reason")
                        .tags("model", model, "version", version, "reason", name(d))
                        .register(registry), Counter.class).increment();
        }
    }

    private void comparison(String model, String version, boolean match, double delta) {
        meter("m|" + model + "|" + version + "|" + match, k -> Counter
                .builder(MetricNames.SHADOW_COMPARISONS)
                .description("Shadow comparisons; match=true when the outputs matched")
                .tags("model", model, "version", version, "match", String.valueOf(match))
                .register(registry), Counter.class).increment();
        if (!Double.isNaN(delta) && !Double.isInfinite(delta)) {
            meter("d|" + model + "|" + version, k -> DistributionSummary
                    .builder(MetricNames.SHADOW_SCORE_DELTA)
                    .description("Candidate minus stable score of shadowed requests")
                    .tags("model", model, "version", version)
                    .publishPercentiles(0.05, 0.5, 0.95)
                    .register(registry), DistributionSummary.class).record(delta);
        }
    }

    private void fallback(String model, String version, FallbackCause cause) {
        meter("f|" + model + "|" + version + "|" + cause, k -> Counter
                .builder(MetricNames.FALLBACKS)
                .description("Canary requests answered by the stable version, by cause")
                .tags("model", model, "version", version, "cause", name(cause))
                .register(registry), Counter.class).increment();
    }

    private Counter calls(String model, String version, String outcome) {
        return meter("c|" + model + "|" + version + "|" + outcome, k -> Counter
                .builder(MetricNames.SHADOW_CALLS)
                .description("Shadow calls by outcome")
                .tags("model", model, "version", version, "outcome", outcome)
                .register(registry), Counter.class);
    }

    private Timer latency(String model, String version, String side) {
        return meter("l|" + model + "|" + version + "|" + side, k -> Timer
                .builder(MetricNames.SHADOW_LATENCY)
                .description("Latency of shadowed requests: the stable call and the shadow call")
                .tags("model", model, "version", version, "side", side)
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry), Timer.class);
    }

    private <M> M meter(String key, Function<String, Object> create, Class<M> type) {
        return type.cast(meters.computeIfAbsent(key, create));
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}

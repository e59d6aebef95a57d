package dev.releaserouter.micrometer;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Exposes a router's health to Micrometer: configuration revision, reload outcomes, whether the
 * latest flag file is in force, internal errors, each status component's state and numeric
 * details (e.g. fleet mode's connection to Redis: {@link MetricNames#COMPONENT_UP}), and per
 * model the kill switches in force ({@value MetricNames#KILL_SWITCHES}{@code {model}}: the
 * model's own switches, whole model, versions, tenants and channels, plus the global ones; 0
 * when none). The meters read {@link Router#status()} and {@link Router#config()} when scraped,
 * so nothing is added to the decision path. The kill-switch gauges are registered for the
 * models configured when bound.
 *
 * <pre>{@code new RouterMetrics(router).bindTo(meterRegistry);}</pre>
 *
 * <p>Thread-safe.
 */
public final class RouterMetrics implements MeterBinder {

    private final Router router;

    /**
     * @param router the router to observe
     */
    public RouterMetrics(Router router) {
        this.router = Objects.requireNonNull(router, "router");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(MetricNames.CONFIG_REVISION, router, r -> r.status().configRevision())
                .description("Revision of the routing configuration in force")
                .register(registry);
        Gauge.builder(MetricNames.CONFIG_UP_TO_DATE, router,
                        r -> r.status().upToDate() ? 1 : 0)
                .description("1 when the flag source's latest content is in force, 0 after a "
                        + "refused reload")
                .register(registry);
        FunctionCounter.builder(MetricNames.CONFIG_RELOADS, router, r -> r.status().reloads())
                .tag("outcome", "success")
                .description("Flag-source reloads")
                .baseUnit("reloads")
                .register(registry);
        FunctionCounter.builder(MetricNames.CONFIG_RELOADS, router,
                        r -> r.status().reloadFailures())
                .tag("outcome", "failure")
                .description("Flag-source reloads")
                .baseUnit("reloads")
                .register(registry);
        for (String model : router.config().models().keySet()) {
            Gauge.builder(MetricNames.KILL_SWITCHES, router, r -> killSwitches(r, model))
                    .tag("model", model)
                    .description("Kill switches in force that affect the model (its own and the"
                            + " global ones)")
                    .register(registry);
        }
        FunctionCounter.builder(MetricNames.INTERNAL_ERRORS, router,
                        r -> r.status().internalErrors())
                .description("Decisions that failed inside the router and answered stable")
                .baseUnit("decisions")
                .register(registry);
        // The components are fixed when the router is built; their numeric details at bind time
        // name the detail gauges (a fixed, small set: low cardinality).
        router.status().components().forEach((name, status) -> {
            Gauge.builder(MetricNames.COMPONENT_UP, router,
                            r -> component(r, name).state() == ComponentStatus.State.UP ? 1 : 0)
                    .tag("component", name)
                    .description("1 while the status component is UP, 0 otherwise")
                    .register(registry);
            status.details().forEach((detail, value) -> {
                if (value instanceof Number) {
                    Gauge.builder(MetricNames.COMPONENT_DETAIL, router,
                                    r -> detail(r, name, detail))
                            .tags("component", name, "detail", detail)
                            .description("A numeric detail of a status component")
                            .register(registry);
                }
            });
        });
    }

    private static ComponentStatus component(Router router, String name) {
        ComponentStatus s = router.status().components().get(name);
        return s != null ? s : ComponentStatus.unknown("component " + name + " is gone");
    }

    private static double detail(Router router, String name, String detail) {
        Object v = component(router, name).details().get(detail);
        return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
    }

    /** The switches in force for a model: its own and the global ones, each one counted. */
    static int killSwitches(Router router, String model) {
        RouterConfig config = router.config();
        ModelConfig m = config.model(model);
        return count(config.globalKills()) + (m == null ? 0 : count(m.kills()));
    }

    private static int count(KillSwitches k) {
        return (k.all() ? 1 : 0) + k.versions().size() + k.tenants().size()
                + k.channels().size();
    }
}

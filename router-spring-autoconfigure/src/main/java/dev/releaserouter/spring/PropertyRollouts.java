package dev.releaserouter.spring;

import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.rollout.ChangeGuard;
import dev.releaserouter.rollout.FileRolloutStateStore;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutLease;
import dev.releaserouter.rollout.RolloutPlan;
import dev.releaserouter.rollout.RolloutStateStore;
import dev.releaserouter.rollout.Rollouts;
import dev.releaserouter.rollout.gates.ExternalMetricSource;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Builds and starts the rollouts of {@code router.rollouts.<name>.*}: checks the keys (an
 * unknown one fails startup, naming it and its near matches), turns each group into a
 * {@link RolloutPlan} (every refused value fails startup naming its property) and starts its
 * controller with {@link Rollouts}.
 *
 * <p>Runs once, on the startup thread; stateless.
 */
final class PropertyRollouts {

    private static final Logger LOG = LoggerFactory.getLogger(PropertyRollouts.class);
    static final String PREFIX = "router.rollouts";
    private static final ConfigurationPropertyName ROLLOUTS =
            ConfigurationPropertyName.of(PREFIX);

    /** The builder's field names, as the first word of its messages, to property names. */
    private static final Map<String, String> FIELDS = Map.of("model", "model",
            "stableVersion", "stable-version", "candidateVersion", "candidate-version",
            "stages", "stages", "checkpointDuration", "checkpoint-duration",
            "minSamples", "min-samples", "maxFailedTicks", "max-failed-ticks",
            "policy", "policy");

    private PropertyRollouts() {}

    /**
     * Checks, builds and starts every enabled rollout.
     *
     * @return the started controllers and their tick intervals
     * @throws RouterPropertyException naming the first refused property
     */
    static RouterRollouts start(RouterProperties properties, Environment environment,
            Supplier<@Nullable RouterAdmin> admins, ResourceLoader resources,
            @Nullable RolloutStateStore storeBean, @Nullable RolloutLease lease,
            Beans beans) {
        if (environment instanceof ConfigurableEnvironment env) {
            checkKeys(env);
        }
        // Every rollout is checked before any starts: a refused one changes no routing.
        Map<String, Prepared> prepared = new LinkedHashMap<>();
        Map<String, String> models = new LinkedHashMap<>();
        for (Map.Entry<String, RouterProperties.Rollout> e : properties.getRollouts()
                .entrySet()) {
            String name = e.getKey();
            RouterProperties.Rollout r = e.getValue();
            if (!r.isEnabled()) {
                LOG.info("Release Router: rollout '{}' is disabled ({}.{}.enabled=false)", name,
                        PREFIX, name);
                continue;
            }
            Prepared p = prepare(PREFIX + "." + name, r, admins, resources, storeBean, lease,
                    beans);
            String other = models.putIfAbsent(p.plan().model(), name);
            if (other != null) {
                throw new RouterPropertyException(PREFIX + "." + name + ".model", "'"
                        + p.plan().model() + "'", "rollouts '" + other + "' and '" + name
                        + "' both roll out this model; one controller per model", null);
            }
            prepared.put(name, p);
        }
        Map<String, RolloutController> controllers = new LinkedHashMap<>();
        Map<String, Duration> ticks = new LinkedHashMap<>();
        prepared.forEach((name, p) -> {
            controllers.put(name, p.start(PREFIX + "." + name));
            ticks.put(name, p.tick());
        });
        return new RouterRollouts(controllers, ticks);
    }

    /** One rollout, checked, ready to start. */
    private record Prepared(RolloutPlan plan, Rollouts.Builder builder, Duration tick) {

        RolloutController start(String name) {
            RolloutController c;
            try {
                c = builder.start();
            } catch (IllegalArgumentException ex) {
                // e.g. a stored state whose stage is outside these stages
                throw new RouterPropertyException(name, null, "the rollout could not start: "
                        + ex.getMessage(), ex);
            }
            LOG.info("Release Router: {} rollout {} of {} from {} (stage {} of {}, {})",
                    c.restored() ? "resumed" : "started", plan.candidateVersion(), plan.model(),
                    name, c.state().stageIndex() + 1, plan.stages().size(), c.status());
            return c;
        }
    }

    /** Checks one rollout's properties and builds its plan and controller builder. */
    private static Prepared prepare(String name, RouterProperties.Rollout r,
            Supplier<@Nullable RouterAdmin> admins, ResourceLoader resources,
            @Nullable RolloutStateStore storeBean, @Nullable RolloutLease lease, Beans beans) {
        String prefix = name + ".";
        RouterAdmin admin = admins.get();
        if (admin == null) {
            throw new RouterPropertyException(name, null, "needs the RouterAdmin bean to change"
                    + " routing, but there is none (a Router bean of the application's own"
                    + " replaced the auto-configured router); define a RouterAdmin bean instead",
                    null);
        }
        if (admin.hook(ArmMeasurements.class).isEmpty()) {
            throw new RouterPropertyException("router.measurements.enabled", "false",
                    "must be true for " + name + ": a rollout judges the measurements of routed"
                            + " calls (or define an ArmMeasurements bean)", null);
        }
        RolloutPlan plan = r.getPlanFile() != null
                ? PlanFiles.plan(prefix, r.getPlanFile(), admin, resources, beans)
                : plan(prefix, r, admin, resources, beans);
        Duration tick = tickInterval(prefix, r, lease);
        String actor = String.valueOf(r.getActor());
        if (actor.isBlank()) {
            throw new RouterPropertyException(prefix + "actor", "'" + actor + "'",
                    "must be a non-blank name", null);
        }
        Rollouts.Builder b = Rollouts.builder(admin, plan).lease(lease).actor(actor);
        if (r.getStateDirectory() != null) {
            try {
                b.stateStore(new FileRolloutStateStore(r.getStateDirectory()));
            } catch (RuntimeException ex) {
                throw new RouterPropertyException(prefix + "state-directory",
                        String.valueOf(r.getStateDirectory()), "must be a writable directory ("
                                + ex.getMessage() + ")", ex);
            }
        } else if (storeBean != null) {
            b.stateStore(storeBean);
        }
        return new Prepared(plan, b, tick);
    }

    /**
     * What property rollouts take from the application's beans: the {@link ChangeGuard}
     * (freeze windows, e.g. the governance {@code ChangeCalendar}) every rollout honours, and
     * the {@link ExternalMetricSource}s (e.g. router-prometheus's
     * {@code PrometheusMetricSource}) registered on each plan whose policy reads them.
     *
     * @param guard the guard, {@link ChangeGuard#NONE} without a bean
     * @param metricSources the metric source beans
     */
    record Beans(ChangeGuard guard, List<ExternalMetricSource> metricSources) {

        /** No guard, no external metric source. */
        static final Beans NONE = new Beans(ChangeGuard.NONE, List.of());
    }

    /** The plan of one rollout. */
    static RolloutPlan plan(String prefix, RouterProperties.Rollout r, RouterAdmin admin,
            ResourceLoader resources, Beans beans) {
        String model = required(prefix + "model", r.getModel());
        ModelConfig config = admin.router().config().model(model);
        if (config == null) {
            List<String> known = List.copyOf(admin.router().config().models().keySet());
            throw new RouterPropertyException(prefix + "model", "'" + model + "'",
                    "is not a model of the flag file" + near(model, known) + " (models: "
                            + known + ")", null);
        }
        String candidate = required(prefix + "candidate-version", r.getCandidateVersion());
        VersionConfig version = config.version(candidate);
        if (version == null) {
            List<String> known = List.copyOf(config.versions().keySet());
            throw new RouterPropertyException(prefix + "candidate-version", "'" + candidate
                    + "'", "is not a version of model '" + model + "' in the flag file"
                    + near(candidate, known) + " (versions: " + known + ")", null);
        }
        if (version.stage() != Stage.APPROVED && !r.isDryRun()) {
            LOG.warn("Release Router: {}candidate-version {} of {} is {} in the flag file, not"
                    + " approved: the rollout's weights send it no traffic until it is",
                    prefix, candidate, model, version.stage());
        }
        String stable = r.getStableVersion() != null ? r.getStableVersion()
                : config.stableVersion();
        String location = required(prefix + "policy", r.getPolicy());
        Policy policy = policy(prefix + "policy", location, resources);
        RolloutPlan.Builder b = RolloutPlan.builder().model(model).stableVersion(stable)
                .candidateVersion(candidate).stages(basisPoints(prefix + "stages",
                        r.getStages()))
                .minSamples(r.getMinSamples()).dryRun(r.isDryRun())
                .policy(policy).calendar(beans.guard());
        // Only the sources the policy reads: the controller reads each registered one per tick.
        Set<String> read = new TreeSet<>();
        policy.externalMetrics().values().forEach(m -> read.add(m.source()));
        for (ExternalMetricSource source : beans.metricSources()) {
            if (read.contains(source.name())) {
                set(prefix + "policy", location, () -> b.metricSource(source));
            }
        }
        set(prefix + "checkpoint-duration", r.getCheckpointDuration(),
                () -> b.checkpointDuration(r.getCheckpointDuration()));
        set(prefix + "max-failed-ticks", r.getMaxFailedTicks(),
                () -> b.maxFailedTicks(r.getMaxFailedTicks()));
        try {
            return b.build();
        } catch (ConfigException ex) {
            throw new RouterPropertyException(prefix + "policy", "'" + location + "'",
                    "the policy cannot judge this rollout: " + ex.getMessage(), ex);
        } catch (IllegalArgumentException ex) {
            String message = String.valueOf(ex.getMessage());
            String field = message.split("[ \\[]", 2)[0];
            String property = prefix + FIELDS.getOrDefault(field, "");
            Object value = switch (FIELDS.getOrDefault(field, "")) {
                case "stages" -> r.getStages();
                case "checkpoint-duration" -> r.getCheckpointDuration();
                case "min-samples" -> r.getMinSamples();
                case "stable-version" -> stable;
                default -> null;
            };
            throw new RouterPropertyException(property.endsWith(".")
                    ? property.substring(0, property.length() - 1) : property,
                    value == null ? null : String.valueOf(value), message, ex);
        }
    }

    private static Duration tickInterval(String prefix, RouterProperties.Rollout r,
            @Nullable RolloutLease lease) {
        Duration tick = r.getTickInterval();
        if (tick == null || tick.isNegative() || tick.isZero()) {
            throw new RouterPropertyException(prefix + "tick-interval", String.valueOf(tick),
                    "must be a positive duration, e.g. 10s", null);
        }
        if (lease != null && tick.multipliedBy(3).compareTo(lease.ttl()) > 0) {
            throw new RouterPropertyException(prefix + "tick-interval", String.valueOf(tick),
                    "must be at most a third of the rollout lease's TTL (" + lease.ttl()
                            + "), so the leader renews the lease before it expires", null);
        }
        return tick;
    }

    /** Percentages (at most two decimals) to basis points; the plan checks the range. */
    private static List<Integer> basisPoints(String property, List<BigDecimal> percents) {
        if (percents == null || percents.isEmpty()) {
            throw new RouterPropertyException(property, null, "is required: the candidate's"
                    + " traffic at each stage in percent, e.g. 5,25,50,100", null);
        }
        List<Integer> bp = new ArrayList<>();
        for (int i = 0; i < percents.size(); i++) {
            BigDecimal p = percents.get(i);
            BigDecimal scaled = p == null ? null : p.movePointRight(2).stripTrailingZeros();
            if (scaled == null || scaled.scale() > 0
                    || scaled.compareTo(BigDecimal.ONE) < 0
                    || scaled.compareTo(BigDecimal.valueOf(10_000)) > 0) {
                throw new RouterPropertyException(property, String.valueOf(percents),
                        "stage " + (i + 1) + " (" + (p == null ? "null" : p.toPlainString())
                                + ") must be a percentage above 0 and at most 100 with at most"
                                + " two decimals", null);
            }
            int next = scaled.intValueExact();
            if (!bp.isEmpty() && next <= bp.get(bp.size() - 1)) {
                throw new RouterPropertyException(property, String.valueOf(percents),
                        "must be strictly increasing, but stage " + (i + 1) + " ("
                                + p.toPlainString() + ") follows " + percents.get(i - 1)
                                        .toPlainString(), null);
            }
            bp.add(next);
        }
        return bp;
    }

    /** Reads the policy through Spring's resource loader (classpath:, file:, URLs). */
    static Policy policy(String property, String location, ResourceLoader resources) {
        Resource resource = resources.getResource(location);
        if (!resource.exists()) {
            throw new RouterPropertyException(property, "'" + location + "'", "must name an"
                    + " existing policy file (classpath:..., file:... or a URL); "
                    + resource.getDescription() + " does not exist", null);
        }
        byte[] bytes;
        try (InputStream in = resource.getInputStream()) {
            bytes = in.readNBytes(Policy.MAX_SIZE_BYTES + 1);
        } catch (IOException ex) {
            throw new RouterPropertyException(property, "'" + location + "'",
                    "cannot be read (" + ex + ")", ex);
        }
        if (bytes.length > Policy.MAX_SIZE_BYTES) {
            throw new RouterPropertyException(property, "'" + location + "'", "the policy file"
                    + " is larger than the " + Policy.MAX_SIZE_BYTES + " bytes a policy may have",
                    null);
        }
        try {
            return Policy.parse(bytes, location);
        } catch (ConfigException ex) {
            // Its message names the file, the JSON pointer and the value.
            throw new RouterPropertyException(property, "'" + location + "'",
                    "the policy file is invalid: " + ex.getMessage(), ex);
        }
    }

    private static String required(String property, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new RouterPropertyException(property, value == null ? null : "'" + value + "'",
                    "is required", null);
        }
        return value.strip();
    }

    static void set(String property, Object value, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException | NullPointerException ex) {
            throw new RouterPropertyException(property, String.valueOf(value),
                    String.valueOf(ex.getMessage()), ex);
        }
    }

    private static String near(String name, List<String> known) {
        List<String> near = NearMatches.of(name, known);
        return near.isEmpty() ? "" : " (did you mean " + String.join(" or ", near.stream()
                .map(n -> "'" + n + "'").toList()) + "?)";
    }

    /**
     * Fails on a {@code router.rollouts.<name>.<key>} whose key is not a rollout property: a
     * misspelled gate setting would otherwise run a production rollout with a default nobody
     * chose. Operating-system environment variables are not checked (as for
     * {@link UnknownRouterProperties}).
     */
    static void checkKeys(ConfigurableEnvironment env) {
        Set<String> known = keys();
        Map<String, String> unknown = UnknownRouterProperties.keysBelow(env, ROLLOUTS);
        PlanFiles.checkNotMixed(unknown.keySet());
        for (Map.Entry<String, String> e : unknown.entrySet()) {
            ConfigurationPropertyName name = ConfigurationPropertyName.of(e.getKey());
            if (name.getNumberOfElements() < 4) {
                throw new RouterPropertyException(e.getKey(), null, "is not a rollout property"
                        + " (set in " + e.getValue() + "); write " + PREFIX
                        + ".<name>.<property>, e.g. " + PREFIX + ".churn.model", null);
            }
            String key = name.getElement(3, ConfigurationPropertyName.Form.DASHED);
            // Relaxed binding: check-duration, checkDuration and check_duration are one key.
            String uniform = name.getElement(3, ConfigurationPropertyName.Form.UNIFORM);
            if (known.stream().noneMatch(k -> k.replace("-", "").equals(uniform))) {
                throw new RouterPropertyException(e.getKey(), null, "is not a rollout property"
                        + " (set in " + e.getValue() + ")" + near(key, List.copyOf(known))
                        + "; the rollout properties are " + known, null);
            }
        }
    }

    /** The rollout properties' names, dashed, from {@link RouterProperties.Rollout}. */
    static Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        for (PropertyDescriptor d : BeanUtils.getPropertyDescriptors(
                RouterProperties.Rollout.class)) {
            if (d.getWriteMethod() != null) {
                keys.add(d.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT));
            }
        }
        return keys;
    }
}

package dev.releaserouter.spring.actuate;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.RouterStatus;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.config.Weights;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutDecision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code router} actuator endpoint.
 *
 * <ul>
 *   <li>read {@code /actuator/router}: the router's status and, per model, its stable version,
 *       versions (stage, weight in percent), kill switches, shadow, and the rollout (stage,
 *       status, last decisions with their verdict reasons) when a {@link RolloutController} bean
 *       runs that model;
 *   <li>read {@code /actuator/router/{model}}: one model;
 *   <li>write {@code POST /actuator/router/{model}} with a JSON body {@code {"action": ...,
 *       "actor": ..., "reason": ..., "version": ..., "percent": ...}}. Actions: {@code kill},
 *       {@code unkill} (the model, or one version when {@code version} is given), {@code weight}
 *       (a version's {@code percent}), {@code pause}, {@code resume}, {@code abort} (the model's
 *       rollout). {@code actor} and {@code reason} are required; changes go through the
 *       {@link RouterAdmin} or the controller, so they are audited.
 * </ul>
 *
 * <p>Expose it with {@code management.endpoints.web.exposure.include=router} and protect the
 * write operation like any other administrative endpoint.
 *
 * <p>Thread-safe: it holds no state of its own; the router and controllers are thread-safe.
 */
@Endpoint(id = "router")
public class RouterEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(RouterEndpoint.class);
    private static final int LAST_DECISIONS = 5;

    private final RouterAdmin admin;
    private final Router router;
    private final Supplier<Stream<RolloutController>> controllers;

    /**
     * Creates the endpoint.
     *
     * @param admin the admin of the router shown and changed (reads go to {@code admin.router()})
     * @param controllers the rollout controllers (looked up on every call)
     * @throws NullPointerException if an argument is null
     */
    public RouterEndpoint(RouterAdmin admin, Supplier<Stream<RolloutController>> controllers) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.router = admin.router();
        this.controllers = Objects.requireNonNull(controllers, "controllers");
    }

    /**
     * The router's status and every model.
     *
     * @return a JSON-friendly map; never null
     */
    @ReadOperation
    public Map<String, Object> router() {
        Map<String, Object> out = new LinkedHashMap<>();
        RouterStatus s = router.status();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("configRevision", s.configRevision());
        status.put("source", s.source());
        status.put("upToDate", s.upToDate());
        status.put("watcherAlive", s.watcherAlive());
        status.put("reloads", s.reloads());
        status.put("reloadFailures", s.reloadFailures());
        if (s.lastReloadError() != null) {
            status.put("lastReloadError", s.lastReloadError().getMessage());
        }
        if (!s.components().isEmpty()) {
            Map<String, Object> components = new LinkedHashMap<>();
            s.components().forEach((name, c) -> {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("state", c.state().name());
                if (c.error() != null) {
                    view.put("error", c.error());
                }
                view.putAll(c.details());
                components.put(name, view);
            });
            status.put("components", components);
        }
        out.put("status", status);
        RouterConfig config = router.config();
        out.put("globalKills", kills(config.globalKills()));
        Map<String, Object> models = new LinkedHashMap<>();
        config.models().forEach((name, m) -> models.put(name, model(m)));
        out.put("models", models);
        return out;
    }

    /**
     * One model.
     *
     * @param model the model's name
     * @return the model's view, or null (404) if the flag file has no such model
     */
    @ReadOperation
    public @Nullable Map<String, Object> model(@Selector String model) {
        ModelConfig m = router.config().model(model);
        return m == null ? null : model(m);
    }

    /**
     * Changes a model; audited with the actor and the reason.
     *
     * @param model the model
     * @param action kill, unkill, weight, pause, resume or abort
     * @param actor who asks (required)
     * @param reason why (required)
     * @param version the version for kill/unkill (optional) and weight (required)
     * @param percent the weight in percent (0 to 100, up to two decimals) for weight
     * @param ticket an optional ticket id for the audit trail
     * @return the model's view after the change
     * @throws IllegalArgumentException if an argument is missing or invalid (answered as 400)
     */
    @WriteOperation
    public Map<String, Object> change(@Selector String model, String action, String actor,
            String reason, @Nullable String version, @Nullable Double percent,
            @Nullable String ticket) {
        ChangeContext ctx = ChangeContext.of(actor, reason, ticket);
        String a = action.strip().toLowerCase(Locale.ROOT);
        LOG.info("router endpoint: {} on model {} by {} ({})", a, model, ctx.actor(),
                ctx.reason());
        switch (a) {
            case "kill" -> admin.kill(target(model, version), ctx);
            case "unkill" -> admin.unkill(target(model, version), ctx);
            case "weight" -> {
                if (version == null || percent == null) {
                    throw new IllegalArgumentException("weight needs a version and a percent");
                }
                admin.setWeight(model, version, Weights.basisPoints(percent), ctx);
            }
            case "pause" -> controller(model).pause(ctx);
            case "resume" -> controller(model).resume(ctx);
            case "abort" -> controller(model).abort(ctx);
            default -> throw new IllegalArgumentException("action must be one of kill, unkill,"
                    + " weight, pause, resume, abort, but was '" + action + "'");
        }
        Map<String, Object> view = model(model);
        return view != null ? view : Map.of("model", model);
    }

    private static KillTarget target(String model, @Nullable String version) {
        return version == null || version.isBlank()
                ? KillTarget.model(model) : KillTarget.version(model, version);
    }

    private RolloutController controller(String model) {
        return controllers.get().filter(c -> c.plan().model().equals(model)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "no rollout controller runs model '" + model + "'"));
    }

    private Map<String, Object> model(ModelConfig m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stable", m.stableVersion());
        Map<String, Object> versions = new LinkedHashMap<>();
        for (VersionConfig v : m.versions().values()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("stage", v.stage().name().toLowerCase(Locale.ROOT));
            view.put("weightPercent", Weights.percent(v.weightBasisPoints()));
            versions.put(v.id(), view);
        }
        out.put("versions", versions);
        out.put("kills", kills(m.kills()));
        if (m.shadowVersion() != null && m.shadow() != null) {
            out.put("shadow", Map.of("version", m.shadowVersion(),
                    "samplePercent", Weights.percent(m.shadow().sampleBasisPoints())));
        }
        controllers.get().filter(c -> c.plan().model().equals(m.name())).findFirst()
                .ifPresent(c -> out.put("rollout", rollout(c)));
        return out;
    }

    private static Map<String, Object> kills(KillSwitches k) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("all", k.all());
        out.put("versions", List.copyOf(k.versions()));
        out.put("tenants", List.copyOf(k.tenants()));
        out.put("channels", List.copyOf(k.channels()));
        return out;
    }

    private static Map<String, Object> rollout(RolloutController c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("candidate", c.plan().candidateVersion());
        out.put("status", c.status().name().toLowerCase(Locale.ROOT));
        out.put("stageIndex", c.state().stageIndex());
        out.put("stages", c.plan().stages().stream().map(Weights::percent).toList());
        out.put("trafficPercent", Weights.percent(c.currentBasisPoints()));
        List<RolloutDecision> all = c.decisions();
        List<Map<String, Object>> last = new ArrayList<>();
        for (RolloutDecision d : all.subList(Math.max(0, all.size() - LAST_DECISIONS),
                all.size())) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("time", d.time().toString());
            view.put("actor", d.actor());
            view.put("action", d.action().name().toLowerCase(Locale.ROOT));
            view.put("status", d.status().name().toLowerCase(Locale.ROOT));
            view.put("stagePercent", Weights.percent(d.stageBasisPoints()));
            view.put("reasons", d.reasons());
            last.add(view);
        }
        out.put("lastDecisions", last);
        return out;
    }
}

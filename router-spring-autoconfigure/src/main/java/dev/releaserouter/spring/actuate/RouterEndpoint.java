package dev.releaserouter.spring.actuate;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.RouterStatus;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.config.Weights;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutDecision;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
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
 *       versions (stage, weight and effective share of the model's traffic, in percent, as JSON
 *       numbers, and the artifact digest when the flag file gives one), warnings (a weight on
 *       a version that is not approved, or that a kill switch stops), kill switches, shadow, and the rollout (stage, status, tick failures and the
 *       last tick error, last decisions with their verdict reasons) when a
 *       {@link RolloutController} (a bean, or one of {@code router.rollouts.*}) runs that model;
 *   <li>read {@code /actuator/router/{model}}: one model;
 *   <li>write {@code POST /actuator/router/{model}} with a JSON body {@code {"action": ...,
 *       "actor": ..., "reason": ..., "version": ..., "percent": ...}}. Actions: {@code kill},
 *       {@code unkill} (the model, or one version when {@code version} is given), {@code weight}
 *       (a version's {@code percent}), {@code pause}, {@code resume}, {@code abort} (the model's
 *       rollout). {@code actor} and {@code reason} are required; changes go through the
 *       {@link RouterAdmin} or the controller, so they are audited. A refused change is a
 *       {@link RouterEndpointProblem}: over HTTP an RFC 9457 {@code application/problem+json}
 *       body with the status (400, 404, 409 or 503), the field and the values it allows.
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
    private static final List<String> ACTIONS =
            List.of("kill", "unkill", "weight", "pause", "resume", "abort");
    private static final String PERCENT_RANGE = "0 to 100, at most two decimals";

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
     * Changes a model; audited with the actor and the reason. Over HTTP a refused change is
     * answered with an RFC 9457 problem body ({@link RouterEndpointWebExtension}).
     *
     * @param model the model
     * @param action kill, unkill, weight, pause, resume or abort (required)
     * @param actor who asks (required)
     * @param reason why (required)
     * @param version the version for kill/unkill (optional) and weight (required)
     * @param percent the weight in percent (0 to 100, up to two decimals) for weight
     * @param ticket an optional ticket id for the audit trail
     * @return the model's view after the change
     * @throws RouterEndpointProblem if a field is missing or invalid (400), the model is unknown
     *     (404), the router's state forbids the change (409: no rollout controller, a rollout
     *     in the wrong state, a configuration the change would make invalid) or it cannot be
     *     audited (503); nothing is changed then
     */
    @WriteOperation
    public Map<String, Object> change(@Selector String model, @Nullable String action,
            @Nullable String actor, @Nullable String reason, @Nullable String version,
            @Nullable Double percent, @Nullable String ticket) {
        ModelConfig m = router.config().model(model);
        if (m == null) {
            throw new RouterEndpointProblem(RouterEndpointProblem.NOT_FOUND, null,
                    List.copyOf(router.config().models().keySet()), "the flag file has no"
                    + " model '" + model + "'", null);
        }
        String a = action == null ? "" : action.strip().toLowerCase(Locale.ROOT);
        if (!ACTIONS.contains(a)) {
            throw new RouterEndpointProblem(RouterEndpointProblem.BAD_REQUEST, "action",
                    ACTIONS, action == null || action.isBlank() ? "action is required"
                            : "action must be one of " + String.join(", ", ACTIONS)
                                    + ", but was '" + action + "'", null);
        }
        required("actor", actor, "who makes the change, e.g. an e-mail address");
        required("reason", reason, "why, for the audit trail, e.g. 'v2 p95 above SLO'");
        ChangeContext ctx = ChangeContext.of(actor, reason, ticket);
        LOG.info("router endpoint: {} on model {} by {} ({})", a, model, ctx.actor(),
                ctx.reason());
        try {
            switch (a) {
                case "kill" -> admin.kill(target(m, version), ctx);
                case "unkill" -> admin.unkill(target(m, version), ctx);
                case "weight" -> weight(m, version, percent, ctx);
                case "pause" -> controller(model).pause(ctx);
                case "resume" -> controller(model).resume(ctx);
                default -> controller(model).abort(ctx);
            }
        } catch (RouterEndpointProblem e) {
            throw e;
        } catch (ConfigException e) {
            throw new RouterEndpointProblem(RouterEndpointProblem.CONFLICT, null, List.of(),
                    "the change would make the configuration invalid, so it was not made: "
                            + e.getMessage(), e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new RouterEndpointProblem(RouterEndpointProblem.CONFLICT, null, List.of(),
                    e.getMessage() == null ? e.toString() : e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new RouterEndpointProblem(RouterEndpointProblem.SERVICE_UNAVAILABLE, null,
                    List.of(), "the change could not be audited, so it was not made: "
                            + e.getMessage(), e);
        }
        Map<String, Object> view = model(model);
        return view != null ? view : Map.of("model", model);
    }

    private void weight(ModelConfig m, @Nullable String version, @Nullable Double percent,
            ChangeContext ctx) {
        VersionConfig v = version(m, version);
        if (v.id().equals(m.stableVersion())) {
            throw new RouterEndpointProblem(RouterEndpointProblem.BAD_REQUEST, "version",
                    candidateIds(m), "'" + v.id() + "' is the stable version, which takes"
                    + " what the candidates leave: give a candidate's weight", null);
        }
        if (percent == null) {
            throw new RouterEndpointProblem(RouterEndpointProblem.BAD_REQUEST, "percent",
                    List.of(PERCENT_RANGE), "weight needs a percent", null);
        }
        int basisPoints;
        try {
            basisPoints = Weights.basisPoints(percent);
        } catch (IllegalArgumentException e) {
            throw new RouterEndpointProblem(RouterEndpointProblem.BAD_REQUEST, "percent",
                    List.of(PERCENT_RANGE), "percent must be a number from 0 to 100 with at"
                    + " most two decimals, but was " + percent, e);
        }
        if (basisPoints > 0 && v.stage() != Stage.APPROVED) {
            LOG.warn("router endpoint: weight {}% set on {}/{}, which is {}: only approved"
                    + " versions receive traffic, so it gets none until approved", percent,
                    m.name(), v.id(), v.stage().name().toLowerCase(Locale.ROOT));
        }
        admin.setWeight(m.name(), v.id(), basisPoints, ctx);
    }

    private static void required(String field, @Nullable String value, String what) {
        if (value == null || value.isBlank()) {
            throw new RouterEndpointProblem(RouterEndpointProblem.BAD_REQUEST, field,
                    List.of(), field + " is required: " + what, null);
        }
    }

    private static VersionConfig version(ModelConfig m, @Nullable String version) {
        List<String> ids = List.copyOf(m.versions().keySet());
        if (version == null || version.isBlank()) {
            throw new RouterEndpointProblem(RouterEndpointProblem.BAD_REQUEST, "version", ids,
                    "weight needs a version", null);
        }
        VersionConfig v = m.version(version);
        if (v == null) {
            throw new RouterEndpointProblem(RouterEndpointProblem.BAD_REQUEST, "version", ids,
                    "model '" + m.name() + "' has no version '" + version + "'", null);
        }
        return v;
    }

    private static List<String> candidateIds(ModelConfig m) {
        return m.candidates().stream().map(VersionConfig::id).toList();
    }

    private static KillTarget target(ModelConfig m, @Nullable String version) {
        return version == null || version.isBlank()
                ? KillTarget.model(m.name())
                : KillTarget.version(m.name(), version(m, version).id());
    }

    private RolloutController controller(String model) {
        return controllers.get().filter(c -> c.plan().model().equals(model)).findFirst()
                .orElseThrow(() -> new RouterEndpointProblem(RouterEndpointProblem.CONFLICT,
                        "action", List.of(), "no rollout controller runs model '" + model
                        + "': pause, resume and abort act on a RolloutController bean", null));
    }

    private Map<String, Object> model(ModelConfig m) {
        KillSwitches global = router.config().globalKills();
        Map<String, Integer> shares = effectiveShares(m, global);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stable", m.stableVersion());
        Map<String, Object> versions = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (VersionConfig v : m.versions().values()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("stage", v.stage().name().toLowerCase(Locale.ROOT));
            view.put("weightPercent", percent(v.weightBasisPoints()));
            view.put("effectiveSharePercent", percent(shares.getOrDefault(v.id(), 0)));
            if (v.artifactDigest() != null) {
                view.put("artifactDigest", v.artifactDigest()); // what this instance serves
            }
            versions.put(v.id(), view);
            if (!v.id().equals(m.stableVersion()) && v.weightBasisPoints() > 0) {
                if (v.stage() != Stage.APPROVED) {
                    warnings.add(v.id() + " has weight " + Weights.percent(
                            v.weightBasisPoints()) + "% but is " + v.stage().name()
                            .toLowerCase(Locale.ROOT) + ": only approved versions receive"
                            + " traffic, so it gets none");
                } else if (shares.getOrDefault(v.id(), 0) == 0) {
                    warnings.add(v.id() + " has weight " + Weights.percent(
                            v.weightBasisPoints()) + "% but a kill switch gives it no traffic");
                }
            }
        }
        out.put("versions", versions);
        if (!warnings.isEmpty()) {
            out.put("warnings", warnings);
        }
        out.put("kills", kills(m.kills()));
        if (m.shadowVersion() != null && m.shadow() != null) {
            out.put("shadow", Map.of("version", m.shadowVersion(),
                    "samplePercent", percent(m.shadow().sampleBasisPoints())));
        }
        controllers.get().filter(c -> c.plan().model().equals(m.name())).findFirst()
                .ifPresent(c -> out.put("rollout", rollout(c)));
        return out;
    }

    /**
     * Each version's share of the model's eligible requests, in basis points, as the flag file
     * and the kill switches make it: an approved candidate that no kill switch stops gets its
     * weight, the stable version what the candidates leave. Deny and allow lists, tenant and
     * channel kill switches and exposure budgets then act per request.
     */
    static Map<String, Integer> effectiveShares(ModelConfig m, KillSwitches global) {
        Map<String, Integer> shares = new LinkedHashMap<>();
        boolean allStable = global.all() || m.kills().all();
        int candidates = 0;
        for (VersionConfig v : m.candidates()) {
            boolean serves = !allStable && v.stage() == Stage.APPROVED
                    && !m.kills().versions().contains(v.id())
                    && !global.versions().contains(v.id());
            int share = serves ? v.weightBasisPoints() : 0;
            shares.put(v.id(), share);
            candidates += share;
        }
        shares.put(m.stableVersion(), Math.max(0, Weights.BUCKETS - candidates));
        return shares;
    }

    /** A percentage as a JSON number: 5, 12.5, 0.01. */
    private static BigDecimal percent(int basisPoints) {
        return BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros();
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
        out.put("stages", c.plan().stages().stream().map(RouterEndpoint::percent).toList());
        out.put("trafficPercent", percent(c.currentBasisPoints()));
        out.put("tickFailures", c.tickFailures());
        out.put("consecutiveTickFailures", c.consecutiveTickFailures());
        c.lastTickError().ifPresent(e -> out.put("lastTickError", e));
        List<RolloutDecision> all = c.decisions();
        List<Map<String, Object>> last = new ArrayList<>();
        for (RolloutDecision d : all.subList(Math.max(0, all.size() - LAST_DECISIONS),
                all.size())) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("time", d.time().toString());
            view.put("actor", d.actor());
            view.put("action", d.action().name().toLowerCase(Locale.ROOT));
            view.put("status", d.status().name().toLowerCase(Locale.ROOT));
            view.put("stagePercent", percent(d.stageBasisPoints()));
            view.put("reasons", d.reasons());
            last.add(view);
        }
        out.put("lastDecisions", last);
        return out;
    }
}

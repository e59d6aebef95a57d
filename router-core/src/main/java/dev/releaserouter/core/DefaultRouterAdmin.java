package dev.releaserouter.core;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.TargetingRule;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.config.Weights;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The administration capability of one {@link DefaultRouter}: validates each change, says which
 * overrides it makes and how it is audited, and hands it to the router's write primitives, which
 * compile, audit and publish it under the router's write lock.
 *
 * <p>Design: this object holds no state of its own; snapshot, base configuration, overrides and
 * budget ledger stay in the router, so thread safety, auditing and the lock-free hot path are the
 * router's, unchanged. It exists so that the capability to change routing is a separate object
 * from the {@link Router} handed to request code: only whoever built the router (see
 * {@link ReleaseRouter.Builder#buildWithAdmin()}) has it.
 */
final class DefaultRouterAdmin implements RouterAdmin {

    private final DefaultRouter router;

    DefaultRouterAdmin(DefaultRouter router) {
        this.router = Objects.requireNonNull(router, "router");
    }

    @Override
    public Router router() {
        return router;
    }

    @Override
    public <T> Optional<T> hook(Class<T> type) {
        return router.hook(type);
    }

    @Override
    public Clock clock() {
        return router.clock();
    }

    @Override
    public void setWeight(String model, String version, int basisPoints, ChangeContext change) {
        VersionConfig v = candidate(model, version);
        change(change, "weight.set", model + "/" + version,
                Weights.percent(v.weightBasisPoints()), Weights.percent(basisPoints),
                o -> o.withModel(model, m -> m.withWeight(version, basisPoints)));
    }

    @Override
    public void setRuleWeight(String model, String rule, String version, int basisPoints,
            ChangeContext change) {
        Objects.requireNonNull(rule, "rule");
        candidate(model, version);
        if (basisPoints < 0 || basisPoints > Weights.BUCKETS) {
            throw new IllegalArgumentException("weight must be between 0 and 10000 basis points,"
                    + " but was " + basisPoints);
        }
        TargetingRule r = requireModel(model).rule(rule);
        if (r == null) {
            throw new IllegalArgumentException("unknown targeting rule '" + rule + "' of model '"
                    + model + "'; known: " + ruleIds(requireModel(model)));
        }
        change(change, "rule.weight.set", model + "/targeting/" + rule + "/" + version,
                Weights.percent(r.weightBasisPoints(version)), Weights.percent(basisPoints),
                o -> o.withModel(model, m -> m.withRuleWeight(rule, version, basisPoints)));
    }

    private static List<String> ruleIds(ModelConfig m) {
        List<String> ids = new ArrayList<>();
        m.targeting().forEach(r -> ids.add(r.id()));
        return ids;
    }

    @Override
    public void kill(KillTarget target, ChangeContext change) {
        toggleKill(target, true, change);
    }

    @Override
    public void unkill(KillTarget target, ChangeContext change) {
        toggleKill(target, false, change);
    }

    private void toggleKill(KillTarget t, boolean on, ChangeContext change) {
        String action = on ? "kill.on" : "kill.off";
        if (t.model() != null) {
            requireModel(t.model());
        }
        if (t.kind() == KillTarget.Kind.VERSION) {
            candidate(t.model(), t.value());
        }
        UnaryOperator<Overrides> op;
        String model = t.model();
        String value = t.value();
        switch (t.kind()) {
            case ALL:
                op = o -> o.withGlobalKills(o.globalKills().withAll(on));
                break;
            case MODEL:
                op = o -> o.withModel(model, m -> m.withKills(m.kills().withAll(on)));
                break;
            default:
                String field = t.kind() == KillTarget.Kind.VERSION ? "versions"
                        : t.kind() == KillTarget.Kind.TENANT ? "tenants" : "channels";
                op = model == null
                        ? o -> o.withGlobalKills(o.globalKills().with(field, value, on))
                        : o -> o.withModel(model,
                                m -> m.withKills(m.kills().with(field, value, on)));
        }
        // Before and after are what is in force, not what was asked: killing a killed target
        // shows true -> true, and an unkill that a file's kill outlives shows true -> true.
        change(change, action, t.toString(), (now, next) -> new DefaultRouter.BeforeAfter(
                String.valueOf(isKilled(now, t)), String.valueOf(isKilled(next, t))), op);
    }

    /** Whether the kill switch a target names is on in a configuration. */
    private static boolean isKilled(RouterConfig config, KillTarget t) {
        KillSwitches kills;
        if (t.model() == null) {
            kills = config.globalKills();
        } else {
            ModelConfig m = config.model(t.model());
            if (m == null) {
                return false;
            }
            kills = m.kills();
        }
        switch (t.kind()) {
            case ALL:
            case MODEL:
                return kills.all();
            case VERSION:
                return kills.versions().contains(t.value());
            case TENANT:
                return kills.tenants().contains(t.value());
            default:
                return kills.channels().contains(t.value());
        }
    }

    @Override
    public void setStage(String model, String version, Stage stage, ChangeContext change) {
        VersionConfig v = version(model, version);
        change(change, "stage.set", model + "/" + version, quote(v.stage()), quote(stage),
                o -> o.withModel(model, m -> m.withStage(version, stage)));
    }

    @Override
    public void setStable(String model, String version, ChangeContext change) {
        VersionConfig v = version(model, version);
        String previous = requireModel(model).stableVersion();
        if (previous.equals(v.id())) {
            return; // already stable: nothing to change, nothing to audit
        }
        change(change, "stable.set", model + "/stable", ConfigDiff.json(previous),
                ConfigDiff.json(version), o -> o.withModel(model,
                        m -> m.withStable(version, previous)));
    }

    @Override
    public void deny(String model, Dimension dimension, String value, ChangeContext change) {
        requireModel(model);
        requireValue(value);
        change(change, "deny.add", model + "/deny/" + dimension.jsonName(), null,
                ConfigDiff.json(value), o -> o.withModel(model, m -> m.withDeny(
                        m.denyAdded().with(dimension,
                                Overrides.union(m.denyAdded().get(dimension), Set.of(value))))));
    }

    @Override
    public void undeny(String model, Dimension dimension, String value, ChangeContext change) {
        requireModel(model);
        requireValue(value);
        change(change, "deny.remove", model + "/deny/" + dimension.jsonName(),
                ConfigDiff.json(value), null, o -> o.withModel(model, m -> {
                    Set<String> s = new TreeSet<>(m.denyAdded().get(dimension));
                    s.remove(value);
                    return m.withDeny(m.denyAdded().with(dimension, s));
                }));
    }

    @Override
    public void setAllowList(String model, Dimension dimension, Set<String> values,
            ChangeContext change) {
        ModelConfig m = requireModel(model);
        Set<String> copy = Set.copyOf(values);
        copy.forEach(DefaultRouterAdmin::requireValue);
        change(change, "allow.set", model + "/allow/" + dimension.jsonName(),
                ConfigDiff.json(new TreeSet<>(m.allow().get(dimension))),
                ConfigDiff.json(new TreeSet<>(copy)),
                o -> o.withModel(model, mo -> mo.withAllow(dimension, copy)));
    }

    @Override
    public void setBudget(String model, String version, @Nullable ExposureBudget budget,
            ChangeContext change) {
        VersionConfig v = candidate(model, version);
        change(change, "budget.set", model + "/" + version,
                v.budget().map(b -> ConfigDiff.json(b.toString())).orElse(null),
                budget == null ? null : ConfigDiff.json(budget.toString()),
                o -> o.withModel(model, m -> m.withBudget(version, Optional.ofNullable(budget))));
    }

    @Override
    public void resetBudget(String model, String version, ChangeContext change) {
        Objects.requireNonNull(change, "change");
        candidate(model, version);
        router.resetBudget(model, version, change);
    }

    @Override
    public void clearOverrides(String model, ChangeContext change) {
        requireModel(model);
        change(change, "overrides.clear", model, (now, next) -> {
            ConfigDiff diff = ConfigDiff.between(now, next);
            return new DefaultRouter.BeforeAfter(diff.beforeJson(), diff.afterJson());
        }, o -> o.withoutModel(model));
    }

    @Override
    public void applyConfig(RouterConfig config, ChangeContext change) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(change, "change");
        router.applyConfig(config, change);
    }

    /** The one way overrides change: validate, audit, then publish (see the router). */
    private void change(ChangeContext change, String action, String target,
            @Nullable String before, @Nullable String after, UnaryOperator<Overrides> op) {
        change(change, action, target,
                (now, next) -> new DefaultRouter.BeforeAfter(before, after), op);
    }

    private void change(ChangeContext change, String action, String target,
            BiFunction<RouterConfig, RouterConfig, DefaultRouter.BeforeAfter> beforeAfter,
            UnaryOperator<Overrides> op) {
        Objects.requireNonNull(change, "change");
        router.change(change, action, target, beforeAfter, op);
    }

    private ModelConfig requireModel(String model) {
        Objects.requireNonNull(model, "model");
        ModelConfig m = router.config().model(model);
        if (m == null) {
            throw new IllegalArgumentException("unknown model '" + model + "'; known: "
                    + router.config().models().keySet());
        }
        return m;
    }

    private VersionConfig version(String model, String version) {
        Objects.requireNonNull(version, "version");
        ModelConfig m = requireModel(model);
        VersionConfig v = m.version(version);
        if (v == null) {
            throw new IllegalArgumentException("unknown version '" + version + "' of model '"
                    + model + "'; known: " + m.versions().keySet());
        }
        return v;
    }

    private VersionConfig candidate(String model, String version) {
        VersionConfig v = version(model, version);
        if (v.id().equals(requireModel(model).stableVersion())) {
            throw new IllegalArgumentException("'" + version + "' is the stable version of '"
                    + model + "'; this change applies to candidates only");
        }
        return v;
    }

    private static void requireValue(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("value must be a non-blank string, but was "
                    + (value == null ? "null" : "'" + value + "'"));
        }
    }

    private static String quote(Stage s) {
        return "\"" + s.name().toLowerCase(Locale.ROOT) + "\"";
    }
}

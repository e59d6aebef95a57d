package dev.releaserouter.core;

import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.TargetingRule;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.core.config.JsonFields;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Runtime changes made through the admin API, kept apart from the flag source's configuration so
 * that they survive reloads until undone. Immutable; the router replaces it under its write lock.
 *
 * <p>Kill switches and deny lists are additive (an override can add, never remove, what the file
 * says); weights (also a targeting rule's), stages, budgets and allow lists replace the file's
 * value.
 */
record Overrides(Map<String, ModelOverride> models, KillSwitches globalKills) {

    static final Overrides NONE = new Overrides(Map.of(), KillSwitches.NONE);

    /** One model's overrides. Optional.empty() in budgets means "no budget". */
    record ModelOverride(
            Map<String, Integer> weights,
            Map<String, Stage> stages,
            Map<String, Optional<ExposureBudget>> budgets,
            KillSwitches kills,
            Segments denyAdded,
            Map<Dimension, Set<String>> allow,
            Optional<String> stable,
            Map<String, Map<String, Integer>> ruleWeights) {

        static final ModelOverride NONE = new ModelOverride(Map.of(), Map.of(), Map.of(),
                KillSwitches.NONE, Segments.NONE, Map.of(), Optional.empty(), Map.of());

        /**
         * The new stable version (its weight is what the candidates leave, so its own is
         * cleared); the previous one becomes a candidate at weight 0.
         */
        ModelOverride withStable(String version, String previous) {
            return new ModelOverride(put(put(weights, previous, 0), version, 0), stages, budgets,
                    kills, denyAdded, allow, Optional.of(version), ruleWeights);
        }

        ModelOverride withWeight(String version, int bp) {
            return new ModelOverride(put(weights, version, bp), stages, budgets, kills, denyAdded,
                    allow, stable, ruleWeights);
        }

        ModelOverride withStage(String version, Stage stage) {
            return new ModelOverride(weights, put(stages, version, stage), budgets, kills,
                    denyAdded, allow, stable, ruleWeights);
        }

        ModelOverride withBudget(String version, Optional<ExposureBudget> budget) {
            return new ModelOverride(weights, stages, put(budgets, version, budget), kills,
                    denyAdded, allow, stable, ruleWeights);
        }

        ModelOverride withKills(KillSwitches k) {
            return new ModelOverride(weights, stages, budgets, k, denyAdded, allow, stable,
                    ruleWeights);
        }

        ModelOverride withDeny(Segments d) {
            return new ModelOverride(weights, stages, budgets, kills, d, allow, stable,
                    ruleWeights);
        }

        /** A version's weight in one targeting rule's segment. */
        ModelOverride withRuleWeight(String rule, String version, int bp) {
            Map<String, Integer> w = put(ruleWeights.getOrDefault(rule, Map.of()), version, bp);
            return new ModelOverride(weights, stages, budgets, kills, denyAdded, allow, stable,
                    put(ruleWeights, rule, w));
        }

        ModelOverride withAllow(Dimension d, Set<String> values) {
            Map<Dimension, Set<String>> a = new EnumMap<>(Dimension.class);
            a.putAll(allow);
            a.put(d, Set.copyOf(values));
            return new ModelOverride(weights, stages, budgets, kills, denyAdded, Map.copyOf(a),
                    stable, ruleWeights);
        }
    }

    Overrides withModel(String model, UnaryOperator<ModelOverride> change) {
        ModelOverride current = models.getOrDefault(model, ModelOverride.NONE);
        return new Overrides(put(models, model, change.apply(current)), globalKills);
    }

    Overrides withoutModel(String model) {
        Map<String, ModelOverride> m = new HashMap<>(models);
        m.remove(model);
        return new Overrides(Map.copyOf(m), globalKills);
    }

    Overrides withGlobalKills(KillSwitches kills) {
        return new Overrides(models, kills);
    }

    /**
     * Applies the overrides to a base configuration. Entries about versions or models the base
     * does not have wait, unused, until they reappear.
     *
     * @throws ConfigException if the result is invalid (pointer under {@code /models/<name>})
     */
    RouterConfig apply(RouterConfig base) {
        if (models.isEmpty() && globalKills.isEmpty()) {
            return base;
        }
        RouterConfig.Builder b = RouterConfig.builder()
                .globalKills(union(base.globalKills(), globalKills));
        for (ModelConfig m : base.models().values()) {
            ModelOverride o = models.get(m.name());
            b.model(o == null ? m : apply(m, o));
        }
        return b.build();
    }

    private static ModelConfig apply(ModelConfig m, ModelOverride o) {
        ModelConfig.Builder mb = m.toBuilder();
        o.stable().filter(m.versions()::containsKey).ifPresent(stable -> {
            mb.stableVersion(stable);
            if (m.shadow() != null && stable.equals(m.shadow().version())) {
                mb.shadow(null); // the dark launch of the new stable version is over
            }
        });
        for (VersionConfig v : m.versions().values()) {
            VersionConfig.Builder vb = v.toBuilder();
            Integer w = o.weights().get(v.id());
            if (w != null) {
                vb.weightBasisPoints(w);
            }
            Stage s = o.stages().get(v.id());
            if (s != null) {
                vb.stage(s);
            }
            Optional<ExposureBudget> budget = o.budgets().get(v.id());
            if (budget != null) {
                vb.budget(budget.orElse(null));
            }
            mb.version(vb.build());
        }
        KillSwitches k = o.kills();
        Set<String> killedVersions = new HashSet<>(m.kills().versions());
        for (String v : k.versions()) {
            if (m.versions().containsKey(v)) {
                killedVersions.add(v);
            }
        }
        mb.kills(KillSwitches.of(m.kills().all() || k.all(), killedVersions,
                union(m.kills().tenants(), k.tenants()),
                union(m.kills().channels(), k.channels())));
        Segments deny = m.deny();
        for (Dimension d : Dimension.values()) {
            if (!o.denyAdded().get(d).isEmpty()) {
                deny = deny.with(d, union(deny.get(d), o.denyAdded().get(d)));
            }
        }
        mb.deny(deny);
        Segments allow = m.allow();
        for (Map.Entry<Dimension, Set<String>> e : o.allow().entrySet()) {
            allow = allow.with(e.getKey(), e.getValue());
        }
        mb.allow(allow);
        mb.targeting(targeting(m, o));
        try {
            return mb.build();
        } catch (ConfigException e) {
            throw e.locatedIn(null, "/models/" + JsonFields.escape(m.name()));
        }
    }

    /**
     * The rules with their weight overrides (for versions the model still has); after a change
     * of stable version, the new and the previous stable get 0 in every rule, as their own
     * weights do (the new stable gets what the candidates leave).
     */
    private static List<TargetingRule> targeting(ModelConfig m, ModelOverride o) {
        Optional<String> stable = o.stable().filter(m.versions()::containsKey);
        if (o.ruleWeights().isEmpty() && stable.isEmpty()) {
            return m.targeting();
        }
        List<TargetingRule> rules = new ArrayList<>();
        for (TargetingRule rule : m.targeting()) {
            TargetingRule r = rule;
            for (Map.Entry<String, Integer> w
                    : o.ruleWeights().getOrDefault(rule.id(), Map.of()).entrySet()) {
                if (m.versions().containsKey(w.getKey())) {
                    r = r.withWeight(w.getKey(), w.getValue());
                }
            }
            if (stable.isPresent() && !stable.get().equals(m.stableVersion())) {
                r = r.withWeight(stable.get(), 0).withWeight(m.stableVersion(), 0);
            }
            rules.add(r);
        }
        return rules;
    }

    static KillSwitches union(KillSwitches a, KillSwitches b) {
        return KillSwitches.of(a.all() || b.all(), union(a.versions(), b.versions()),
                union(a.tenants(), b.tenants()), union(a.channels(), b.channels()));
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }


    private static <K, V> Map<K, V> put(Map<K, V> map, K key, V value) {
        Map<K, V> m = new HashMap<>(map);
        m.put(key, value);
        return Map.copyOf(m);
    }
}

package dev.releaserouter.testkit;

import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.Condition;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.TargetingRule;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.config.Weights;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Arbitraries of valid configurations. Every value they produce passes the builders' validation
 * (and therefore the flag-file parser's): candidate weights (the versions' and the targeting
 * rules') fit their default reserves, kill and shadow lists name known candidates. Stateless and
 * thread-safe.
 */
final class ConfigArbitraries {

    /** Values the generated segment and kill lists draw from. */
    static final Map<Dimension, List<String>> LISTED = Map.of(
            Dimension.TENANT, List.of("vip_retail", "regulated_fx", "acme_bank", "tenant_a"),
            Dimension.REGION, List.of("BR", "LATAM", "US"),
            Dimension.CHANNEL, List.of("app", "batch", "partner_api"),
            Dimension.PRODUCT, List.of("card", "pix"));

    /** Data classes generated shadow configurations may forbid. */
    static final List<String> DATA_CLASSES =
            List.of("sovereign-br", "lgpd-restricted", "contract-no-processing");

    private static final List<String> MODEL_NAMES = List.of("churn", "fraud", "ltv", "pricing");

    private ConfigArbitraries() {}

    /** @return configurations of one to three models, sometimes with global kill switches */
    public static Arbitrary<RouterConfig> routerConfigs() {
        Arbitrary<List<String>> names = Arbitraries.of(MODEL_NAMES).list().uniqueElements()
                .ofMinSize(1).ofMaxSize(3);
        Arbitrary<KillSwitches> global = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(KillSwitches.NONE)),
                Tuple.of(1, kills(List.of(), 5)));
        return Combinators.combine(names.flatMap(ConfigArbitraries::models), global)
                .as((models, kills) -> {
                    RouterConfig.Builder b = RouterConfig.builder().globalKills(kills);
                    models.forEach(b::model);
                    return b.build();
                });
    }

    private static Arbitrary<List<ModelConfig>> models(List<String> names) {
        List<Arbitrary<ModelConfig>> each = new ArrayList<>();
        for (String n : names) {
            each.add(modelConfigs(n));
        }
        return Combinators.combine(each).as(List::copyOf);
    }

    /**
     * @param name the model name
     * @return models with a stable {@code v1} and zero to three candidates {@code v2..v4}
     */
    public static Arbitrary<ModelConfig> modelConfigs(String name) {
        return Arbitraries.integers().between(0, 3).flatMap(n -> model(name, n));
    }

    private static Arbitrary<ModelConfig> model(String name, int candidates) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            ids.add("v" + (i + 2));
        }
        Arbitrary<List<VersionConfig>> versions;
        if (candidates == 0) {
            versions = Arbitraries.just(List.of());
        } else {
            int maxWeight = Weights.BUCKETS / candidates;
            List<Arbitrary<VersionConfig>> each = new ArrayList<>();
            for (String id : ids) {
                each.add(candidate(id, maxWeight));
            }
            versions = Combinators.combine(each).as(List::copyOf);
        }
        Arbitrary<Optional<ShadowConfig>> shadow = ids.isEmpty()
                ? Arbitraries.just(Optional.empty())
                : shadow(ids).optional(0.4);
        Arbitrary<Boolean> ownSalt = Arbitraries.of(false, true);
        Arbitrary<List<TargetingRule>> targeting = ids.isEmpty()
                ? Arbitraries.just(List.of())
                : Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(List.<TargetingRule>of())),
                        Tuple.of(2, rules(ids)));
        return Combinators.combine(versions, segments(0.4), segments(0.2), kills(ids, 4), shadow,
                ownSalt, targeting).as((vs, deny, allow, kills, sh, salt, rules) -> {
                    ModelConfig.Builder b = ModelConfig.builder(name)
                            .stableVersion("v1")
                            .version(VersionConfig.builder("v1").stage(Stage.APPROVED).build())
                            .deny(deny)
                            .allow(allow)
                            .kills(kills)
                            .shadow(sh.orElse(null));
                    if (salt) {
                        b.salt(name + "-2026");
                    }
                    vs.forEach(b::version);
                    return b.targeting(rules).build();
                });
    }

    /**
     * @param candidates the model's candidates, with default (equal) reserves
     * @return one to three targeting rules with distinct ids over the listed values (a tenant
     *     list, a region, a tenant prefix, a channel exclusion; at most one condition per field,
     *     so each rule matches some request), each candidate within its reserve
     */
    static Arbitrary<List<TargetingRule>> rules(List<String> candidates) {
        Arbitrary<Condition> condition = Arbitraries.oneOf(
                Arbitraries.subsetOf(LISTED.get(Dimension.TENANT)).ofMinSize(1)
                        .map(t -> Condition.in("tenant", t.toArray(new String[0]))),
                Arbitraries.of(LISTED.get(Dimension.REGION))
                        .map(r -> Condition.equalTo("region", r)),
                Arbitraries.of("vip", "acme", "tenant").map(p -> Condition.prefix("tenant", p)),
                Arbitraries.subsetOf(LISTED.get(Dimension.CHANNEL)).ofMinSize(1)
                        .map(c -> Condition.notIn("channel", c.toArray(new String[0]))));
        int maxWeight = Weights.BUCKETS / candidates.size();
        Arbitrary<Integer> weight = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(0)), Tuple.of(1, Arbitraries.just(maxWeight)),
                Tuple.of(3, Arbitraries.integers().between(0, maxWeight)));
        Arbitrary<List<Integer>> weights = weight.list().ofSize(candidates.size());
        Arbitrary<Tuple.Tuple2<List<Condition>, List<Integer>>> rule = Combinators.combine(
                // One condition per field: "tenant in [a] and tenant in [b]" would match nobody.
                condition.list().ofMinSize(1).ofMaxSize(2).uniqueElements(Condition::field),
                weights).as(Tuple::of);
        return rule.list().ofMinSize(1).ofMaxSize(3).map(list -> {
            List<TargetingRule> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                TargetingRule.Builder b = TargetingRule.builder("segment-" + (i + 1));
                list.get(i).get1().forEach(b::when);
                for (int c = 0; c < candidates.size(); c++) {
                    b.weightBasisPoints(candidates.get(c), list.get(i).get2().get(c));
                }
                out.add(b.build());
            }
            return out;
        });
    }

    private static Arbitrary<VersionConfig> candidate(String id, int maxWeight) {
        Arbitrary<Stage> stage = Arbitraries.frequency(
                Tuple.of(7, Stage.APPROVED), Tuple.of(2, Stage.STAGING),
                Tuple.of(1, Stage.CANDIDATE), Tuple.of(1, Stage.REVOKED));
        Arbitrary<Integer> weight = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.just(maxWeight)),
                Tuple.of(4, Arbitraries.integers().between(0, maxWeight)));
        return Combinators.combine(stage, weight).as((s, w) ->
                VersionConfig.builder(id).stage(s).weightBasisPoints(w).build());
    }

    /**
     * @param presence chance that a dimension has a list at all
     * @return segments over the listed values, one to all of them per present dimension
     */
    private static Arbitrary<Segments> segments(double presence) {
        List<Arbitrary<Optional<Set<String>>>> dims = new ArrayList<>();
        for (Dimension d : Dimension.values()) {
            dims.add(Arbitraries.subsetOf(LISTED.get(d)).ofMinSize(1).optional(presence));
        }
        return Combinators.combine(dims).as(sets -> Segments.of(toMap(sets)));
    }

    private static Map<Dimension, Set<String>> toMap(List<Optional<Set<String>>> sets) {
        Map<Dimension, Set<String>> m = new EnumMap<>(Dimension.class);
        Dimension[] dims = Dimension.values();
        for (int i = 0; i < sets.size(); i++) {
            Dimension d = dims[i];
            sets.get(i).ifPresent(s -> m.put(d, s));
        }
        return m;
    }

    /**
     * @param versions candidates that may be killed
     * @param rarity one in {@code rarity} switches is {@code all}
     */
    private static Arbitrary<KillSwitches> kills(List<String> versions, int rarity) {
        Arbitrary<Boolean> all = Arbitraries.frequency(
                Tuple.of(rarity - 1, false), Tuple.of(1, true));
        Arbitrary<Set<String>> killedVersions = versions.isEmpty()
                ? Arbitraries.just(Set.of())
                : Arbitraries.subsetOf(versions).ofMaxSize(1);
        Arbitrary<Set<String>> tenants = Arbitraries.subsetOf(LISTED.get(Dimension.TENANT))
                .ofMaxSize(1);
        Arbitrary<Set<String>> channels = Arbitraries.subsetOf(LISTED.get(Dimension.CHANNEL))
                .ofMaxSize(1);
        return Combinators.combine(all, killedVersions, tenants, channels)
                .as(KillSwitches::of);
    }

    private static Arbitrary<ShadowConfig> shadow(List<String> candidates) {
        Arbitrary<Integer> sample = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(Weights.BUCKETS)),
                Tuple.of(3, Arbitraries.integers().between(0, Weights.BUCKETS)));
        Arbitrary<Set<String>> forbidden = Arbitraries.subsetOf(DATA_CLASSES);
        return Combinators.combine(Arbitraries.of(candidates), sample, forbidden, segments(0.3))
                .as(ShadowConfig::of);
    }
}

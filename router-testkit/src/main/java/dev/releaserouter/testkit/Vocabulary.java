package dev.releaserouter.testkit;

import dev.releaserouter.api.config.Condition;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.TargetingRule;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The values a configuration mentions, per dimension of a request, plus a few it does not: the
 * arbitraries and samplers draw from both, so that denied tenants, allowed and killed segments,
 * the segments of targeting rules and forbidden data classes really occur in generated requests.
 * Immutable.
 */
final class Vocabulary {

    /** Values that no generated configuration uses, so "not listed" cases occur too. */
    public static final Map<Dimension, List<String>> OTHERS = Map.of(
            Dimension.TENANT, List.of("retail_1", "retail_2", "retail_3"),
            Dimension.REGION, List.of("EU", "APAC", "AF"),
            Dimension.CHANNEL, List.of("web", "branch", "ivr"),
            Dimension.PRODUCT, List.of("loan", "savings", "insurance"));

    /** Data classes that no generated configuration forbids. */
    public static final List<String> OTHER_DATA_CLASSES = List.of("public", "internal");

    private final Map<Dimension, List<String>> listed;
    private final List<String> dataClasses;

    private Vocabulary(Map<Dimension, List<String>> listed, List<String> dataClasses) {
        this.listed = listed;
        this.dataClasses = dataClasses;
    }

    /**
     * @param config the configuration
     * @param model a model of it, or null for every model
     * @return the values the configuration lists for that model (and globally)
     */
    public static Vocabulary of(RouterConfig config, @Nullable String model) {
        Map<Dimension, Set<String>> values = new EnumMap<>(Dimension.class);
        for (Dimension d : Dimension.values()) {
            values.put(d, new LinkedHashSet<>());
        }
        Set<String> data = new LinkedHashSet<>();
        addKills(values, config.globalKills());
        for (ModelConfig m : config.models().values()) {
            if (model != null && !m.name().equals(model)) {
                continue;
            }
            for (Dimension d : Dimension.values()) {
                values.get(d).addAll(m.deny().get(d));
                values.get(d).addAll(m.allow().get(d));
            }
            addKills(values, m.kills());
            for (TargetingRule rule : m.targeting()) {
                for (Condition c : rule.conditions()) {
                    // A prefix is itself a value that starts with it.
                    if (c.dimension() != null && c.operator() != Condition.Operator.SEMVER) {
                        values.get(c.dimension()).addAll(c.values());
                    }
                }
            }
            ShadowConfig s = m.shadow();
            if (s != null) {
                for (Dimension d : Dimension.values()) {
                    values.get(d).addAll(s.deny().get(d));
                }
                data.addAll(s.forbiddenDataClasses());
            }
        }
        Map<Dimension, List<String>> listed = new EnumMap<>(Dimension.class);
        values.forEach((d, s) -> listed.put(d, List.copyOf(s)));
        return new Vocabulary(listed, List.copyOf(data));
    }

    private static void addKills(Map<Dimension, Set<String>> values, KillSwitches k) {
        values.get(Dimension.TENANT).addAll(k.tenants());
        values.get(Dimension.CHANNEL).addAll(k.channels());
    }

    /**
     * @param d a dimension
     * @return the values the configuration lists for it, in file order, possibly empty
     */
    public List<String> listed(Dimension d) {
        return listed.get(d);
    }

    /**
     * @param d a dimension
     * @return listed values followed by values no configuration lists
     */
    public List<String> all(Dimension d) {
        List<String> out = new ArrayList<>(listed.get(d));
        for (String o : OTHERS.get(d)) {
            if (!out.contains(o)) {
                out.add(o);
            }
        }
        return out;
    }

    /** @return the forbidden data classes the configuration lists, possibly empty */
    public List<String> listedDataClasses() {
        return dataClasses;
    }

    /** @return listed data classes followed by ones no configuration forbids */
    public List<String> allDataClasses() {
        List<String> out = new ArrayList<>(dataClasses);
        for (String o : OTHER_DATA_CLASSES) {
            if (!out.contains(o)) {
                out.add(o);
            }
        }
        return out;
    }
}

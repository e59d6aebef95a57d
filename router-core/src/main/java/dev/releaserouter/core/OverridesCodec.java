package dev.releaserouter.core;

import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.spi.OverrideDocument;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The content of an {@link OverrideDocument}: {@link Overrides} as JSON, so that an
 * {@code OverrideStore} shared by several instances carries the same runtime changes to each.
 * Keys are sorted, so equal overrides give equal text. Stateless and thread-safe.
 *
 * <pre>{@code
 * {"global_kills": {"all": false, "versions": [], "tenants": [], "channels": []},
 *  "models": {"churn": {"weights": {"v2": 500}, "stages": {"v2": "canary"},
 *                       "budgets": {"v2": {"max_requests": 1000}, "v3": null},
 *                       "kills": {...}, "deny": {"tenant": ["t1"]},
 *                       "allow": {"region": ["eu"]}, "stable": "v2",
 *                       "rule_weights": {"retail-br": {"v2": 500}}}}}
 * }</pre>
 */
final class OverridesCodec {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OverridesCodec() {}

    /** @return the overrides as compact JSON */
    static String write(Overrides o) {
        ObjectNode root = JSON.createObjectNode();
        root.set("global_kills", killsJson(o.globalKills()));
        ObjectNode models = root.putObject("models");
        for (Map.Entry<String, Overrides.ModelOverride> e : new TreeMap<>(o.models()).entrySet()) {
            Overrides.ModelOverride m = e.getValue();
            ObjectNode n = models.putObject(e.getKey());
            ObjectNode weights = n.putObject("weights");
            new TreeMap<>(m.weights()).forEach(weights::put);
            ObjectNode stages = n.putObject("stages");
            new TreeMap<>(m.stages()).forEach((v, s) -> stages.put(v,
                    s.name().toLowerCase(Locale.ROOT)));
            ObjectNode budgets = n.putObject("budgets");
            new TreeMap<>(m.budgets()).forEach((v, b) -> {
                if (b.isPresent()) {
                    budgets.set(v, budgetJson(b.get()));
                } else {
                    budgets.putNull(v);
                }
            });
            n.set("kills", killsJson(m.kills()));
            n.set("deny", segmentsJson(m.denyAdded().asMap()));
            n.set("allow", segmentsJson(m.allow()));
            m.stable().ifPresent(s -> n.put("stable", s));
            if (!m.ruleWeights().isEmpty()) {
                ObjectNode rules = n.putObject("rule_weights");
                new TreeMap<>(m.ruleWeights()).forEach((rule, w) -> {
                    ObjectNode rn = rules.putObject(rule);
                    new TreeMap<>(w).forEach(rn::put);
                });
            }
        }
        return root.toString();
    }

    /**
     * @param content what {@link #write} produced, or {@link OverrideDocument#EMPTY_CONTENT}
     * @return the overrides
     * @throws IllegalArgumentException if the content is not such JSON
     */
    static Overrides read(String content) {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("override document is not JSON: " + e, e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("override document must be a JSON object");
        }
        KillSwitches global = root.has("global_kills") ? kills(root.get("global_kills"))
                : KillSwitches.NONE;
        Overrides o = new Overrides(Map.of(), global);
        JsonNode models = root.path("models");
        for (Map.Entry<String, JsonNode> e : models.properties()) {
            o = o.withModel(e.getKey(), ignored -> model(e.getValue()));
        }
        return o;
    }

    private static Overrides.ModelOverride model(JsonNode n) {
        Map<String, Integer> weights = new TreeMap<>();
        n.path("weights").properties().forEach(e -> weights.put(e.getKey(),
                e.getValue().intValue()));
        Map<String, Stage> stages = new TreeMap<>();
        n.path("stages").properties().forEach(e -> stages.put(e.getKey(),
                Stage.valueOf(e.getValue().asString().toUpperCase(Locale.ROOT))));
        Map<String, Optional<ExposureBudget>> budgets = new TreeMap<>();
        n.path("budgets").properties().forEach(e -> budgets.put(e.getKey(),
                e.getValue().isNull() ? Optional.empty() : Optional.of(budget(e.getValue()))));
        KillSwitches kills = n.has("kills") ? kills(n.get("kills")) : KillSwitches.NONE;
        Segments deny = Segments.of(segments(n.path("deny")));
        Map<Dimension, Set<String>> allow = segments(n.path("allow"));
        Optional<String> stable = n.hasNonNull("stable") ? Optional.of(n.get("stable").asString())
                : Optional.empty();
        Map<String, Map<String, Integer>> ruleWeights = new TreeMap<>();
        n.path("rule_weights").properties().forEach(r -> {
            Map<String, Integer> w = new TreeMap<>();
            r.getValue().properties().forEach(e -> w.put(e.getKey(), e.getValue().intValue()));
            ruleWeights.put(r.getKey(), Map.copyOf(w));
        });
        return new Overrides.ModelOverride(Map.copyOf(weights), Map.copyOf(stages),
                Map.copyOf(budgets), kills, deny, Map.copyOf(allow), stable,
                Map.copyOf(ruleWeights));
    }

    private static ObjectNode killsJson(KillSwitches k) {
        ObjectNode n = JSON.createObjectNode();
        n.put("all", k.all());
        n.set("versions", array(k.versions()));
        n.set("tenants", array(k.tenants()));
        n.set("channels", array(k.channels()));
        return n;
    }

    private static KillSwitches kills(JsonNode n) {
        return KillSwitches.of(n.path("all").asBoolean(false), strings(n.path("versions")),
                strings(n.path("tenants")), strings(n.path("channels")));
    }

    private static ObjectNode segmentsJson(Map<Dimension, Set<String>> values) {
        ObjectNode n = JSON.createObjectNode();
        for (Dimension d : Dimension.values()) {
            Set<String> s = values.get(d);
            if (s != null && !s.isEmpty()) {
                n.set(d.jsonName(), array(s));
            } else if (s != null) {
                n.putArray(d.jsonName()); // an allow list set to empty is a change too
            }
        }
        return n;
    }

    private static Map<Dimension, Set<String>> segments(JsonNode n) {
        Map<Dimension, Set<String>> out = new EnumMap<>(Dimension.class);
        for (Dimension d : Dimension.values()) {
            if (n.has(d.jsonName())) {
                out.put(d, strings(n.get(d.jsonName())));
            }
        }
        return out;
    }

    private static ObjectNode budgetJson(ExposureBudget b) {
        ObjectNode n = JSON.createObjectNode();
        b.maxRequests().ifPresent(max -> n.put("max_requests", max));
        b.window().ifPresent(w -> n.put("window", w.toString()));
        b.maxValueShare().ifPresent(share -> n.put("max_value_share", share));
        return n;
    }

    private static ExposureBudget budget(JsonNode n) {
        ExposureBudget.Builder b = ExposureBudget.builder();
        if (n.has("max_requests")) {
            b.maxRequests(n.get("max_requests").longValue());
        }
        if (n.has("window")) {
            b.window(Duration.parse(n.get("window").asString()));
        }
        if (n.has("max_value_share")) {
            b.maxValueShare(n.get("max_value_share").doubleValue());
        }
        return b.build();
    }

    private static ArrayNode array(Set<String> values) {
        ArrayNode a = JSON.createArrayNode();
        new TreeSet<>(values).forEach(a::add);
        return a;
    }

    private static Set<String> strings(JsonNode n) {
        Set<String> out = new TreeSet<>();
        n.forEach(v -> out.add(v.asString()));
        return Set.copyOf(out);
    }
}

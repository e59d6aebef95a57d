package dev.releaserouter.core.flags.internal;

import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.Condition;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.TargetingRule;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.config.Weights;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes configuration as flag-file JSON: a whole {@link RouterConfig} as a canonical long-form
 * file, and its parts as compact JSON for audit entries (before and after values).
 *
 * <p>Canonical means: fields in the order of {@code docs/flag-file.md}, models and versions in
 * declaration order, set values sorted, defaults that carry no information left out (a stable
 * version's implied weight, empty lists, kill switches that kill nothing), and the salt always
 * written. {@code FlagFileParser.parse(toJson(c), s).equals(c)} for every valid {@code c}.
 *
 * <p>Thread-safe: stateless.
 */
public final class FlagFileWriter {

    private static final JsonNodeFactory NODES = FlagFileParser.MAPPER.getNodeFactory();

    private static final ObjectWriter PRETTY = FlagFileParser.MAPPER.writer()
            .with(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .with(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                    .withArrayElementSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance()));

    private static final ObjectWriter COMPACT = FlagFileParser.MAPPER.writer()
            .with(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN);

    private FlagFileWriter() {}

    /**
     * Renders a whole configuration as a canonical long-form flag file: pretty-printed with
     * two-space indentation and {@code \n} line ends, ending with a line end.
     *
     * @param config the configuration
     * @return JSON text that {@link FlagFileParser#parse(String, String)} reads back as an equal
     *     configuration
     */
    public static String toJson(RouterConfig config) {
        return PRETTY.writeValueAsString(tree(config)) + "\n";
    }

    /**
     * Renders one model as compact JSON: the object that stands under {@code /models/<name>}.
     *
     * @param model the model
     * @return e.g. {@code {"stable":"v1","salt":"churn","versions":{...}}}
     */
    public static String toJson(ModelConfig model) {
        return COMPACT.writeValueAsString(tree(model));
    }

    /**
     * Renders one version as compact JSON, as under {@code /models/<name>/versions/<id>}; the
     * weight is always written.
     *
     * @param version the version
     * @return e.g. {@code {"stage":"approved","weight":5}}
     */
    public static String toJson(VersionConfig version) {
        return COMPACT.writeValueAsString(tree(version, false));
    }

    /**
     * Renders allow or deny lists as compact JSON.
     *
     * @param segments the lists
     * @return e.g. {@code {"tenants":["vip_retail"]}}, or {@code {}} if empty
     */
    public static String toJson(Segments segments) {
        return COMPACT.writeValueAsString(tree(segments));
    }

    /**
     * Renders kill switches as compact JSON, in the form a flag file uses.
     *
     * @param kills the kill switches
     * @return {@code false} if nothing is killed, {@code true} if only {@code all} is set, else an
     *     object such as {@code {"versions":["v2"],"tenants":["acme"]}}
     */
    public static String toJson(KillSwitches kills) {
        return COMPACT.writeValueAsString(tree(kills));
    }

    /**
     * Renders an exposure budget as compact JSON.
     *
     * @param budget the budget
     * @return e.g. {@code {"max_requests":100000,"window":"PT1H"}}
     */
    public static String toJson(ExposureBudget budget) {
        return COMPACT.writeValueAsString(tree(budget));
    }

    /**
     * Renders a weight or reserve as the JSON number a flag file uses.
     *
     * @param basisPoints basis points, e.g. {@code 1250}
     * @return the percentage, e.g. {@code 12.5}
     */
    public static String percentToJson(int basisPoints) {
        return percent(basisPoints).toString();
    }

    /**
     * Renders a stage as the JSON string a flag file uses.
     *
     * @param stage the stage
     * @return e.g. {@code "approved"} (with the quotes)
     */
    public static String toJson(Stage stage) {
        return NODES.stringNode(stageName(stage)).toString();
    }

    // ---------------------------------------------------------------- trees

    static ObjectNode tree(RouterConfig config) {
        ObjectNode root = NODES.objectNode();
        root.put("schema_version", FlagFileParser.SCHEMA_VERSION);
        if (!config.globalKills().isEmpty()) {
            root.set("kill", tree(config.globalKills()));
        }
        ObjectNode models = root.putObject("models");
        config.models().forEach((name, model) -> models.set(name, tree(model)));
        return root;
    }

    static ObjectNode tree(ModelConfig model) {
        ObjectNode node = NODES.objectNode();
        node.put("stable", model.stableVersion());
        node.put("salt", model.salt());
        ObjectNode versions = node.putObject("versions");
        model.versions().forEach((id, v) ->
                versions.set(id, tree(v, id.equals(model.stableVersion()))));
        if (!model.deny().isEmpty()) {
            node.set("deny", tree(model.deny()));
        }
        if (!model.allow().isEmpty()) {
            node.set("allow", tree(model.allow()));
        }
        if (!model.kills().isEmpty()) {
            node.set("kill", tree(model.kills()));
        }
        ShadowConfig shadow = model.shadow();
        if (shadow != null) {
            ObjectNode sn = node.putObject("shadow");
            if (shadow.version() != null) {
                sn.put("version", shadow.version());
            }
            sn.put("sample", percent(shadow.sampleBasisPoints()));
            if (!shadow.forbiddenDataClasses().isEmpty()) {
                sn.set("forbidden_data_classes", sorted(shadow.forbiddenDataClasses()));
            }
            if (!shadow.deny().isEmpty()) {
                sn.set("deny", tree(shadow.deny()));
            }
        }
        if (!model.targeting().isEmpty()) {
            ArrayNode rules = node.putArray("targeting");
            model.targeting().forEach(rule -> rules.add(tree(rule)));
        }
        return node;
    }

    /**
     * Renders a targeting rule as compact JSON, as under {@code /models/<name>/targeting/<i>}.
     *
     * @param rule the rule
     * @return e.g. {@code {"id":"br","when":[{"field":"region","op":"in","values":["BR"]}],
     *     "weights":{"v2":5}}}
     */
    public static String toJson(TargetingRule rule) {
        return COMPACT.writeValueAsString(tree(rule));
    }

    private static ObjectNode tree(TargetingRule rule) {
        ObjectNode node = NODES.objectNode();
        node.put("id", rule.id());
        ArrayNode when = node.putArray("when");
        for (Condition c : rule.conditions()) {
            ObjectNode cn = when.addObject();
            cn.put("field", c.field());
            cn.put("op", c.operator().jsonName());
            if (c.operator().takesList()) {
                ArrayNode values = cn.putArray("values");
                c.values().forEach(values::add);
            } else {
                cn.put("value", c.values().get(0));
            }
        }
        ObjectNode weights = node.putObject("weights");
        rule.weightsBasisPoints().forEach((v, bp) -> weights.put(v, percent(bp)));
        return node;
    }

    private static ObjectNode tree(VersionConfig version, boolean stable) {
        ObjectNode node = NODES.objectNode();
        node.put("stage", stageName(version.stage()));
        // The stable version's weight is implied; 0 means it was left out.
        if (!stable || version.weightBasisPoints() != 0) {
            node.put("weight", percent(version.weightBasisPoints()));
        }
        if (version.reserveBasisPoints().isPresent()) {
            node.put("reserve", percent(version.reserveBasisPoints().getAsInt()));
        }
        if (version.artifactDigest() != null) {
            node.put("artifact_digest", version.artifactDigest());
        }
        version.budget().ifPresent(budget -> node.set("budget", tree(budget)));
        return node;
    }

    private static ObjectNode tree(Segments segments) {
        ObjectNode node = NODES.objectNode();
        for (Dimension d : Dimension.values()) {
            Set<String> values = segments.get(d);
            if (!values.isEmpty()) {
                node.set(d.jsonName(), sorted(values));
            }
        }
        return node;
    }

    private static JsonNode tree(KillSwitches kills) {
        if (kills.versions().isEmpty() && kills.tenants().isEmpty()
                && kills.channels().isEmpty()) {
            return NODES.booleanNode(kills.all());
        }
        ObjectNode node = NODES.objectNode();
        if (kills.all()) {
            node.put("all", true);
        }
        putIfNotEmpty(node, "versions", kills.versions());
        putIfNotEmpty(node, "tenants", kills.tenants());
        putIfNotEmpty(node, "channels", kills.channels());
        return node;
    }

    private static ObjectNode tree(ExposureBudget budget) {
        ObjectNode node = NODES.objectNode();
        budget.maxRequests().ifPresent(max -> node.put("max_requests", max));
        budget.window().ifPresent(window -> node.put("window", window.toString()));
        budget.maxValueShare().ifPresent(share -> node.put("max_value_share", share));
        return node;
    }

    private static void putIfNotEmpty(ObjectNode node, String field, Set<String> values) {
        if (!values.isEmpty()) {
            node.set(field, sorted(values));
        }
    }

    private static ArrayNode sorted(Set<String> values) {
        ArrayNode array = NODES.arrayNode();
        new TreeSet<>(values).forEach(array::add);
        return array;
    }

    private static BigDecimal percent(int basisPoints) {
        return new BigDecimal(Weights.percent(basisPoints));
    }

    private static String stageName(Stage stage) {
        return stage.name().toLowerCase(Locale.ROOT);
    }
}

package dev.releaserouter.core.flags.internal;

import static dev.releaserouter.core.config.JsonFields.escape;

import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.Condition;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.config.Durations;
import dev.releaserouter.core.internal.Throwables;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a flag file (JSON, see {@code docs/flag-file.md} and {@code docs/flag-file.schema.json})
 * into a {@link RouterConfig}: the long form under {@code models} and the short form
 * {@code "model:<name>"}.
 *
 * <p>Every problem is a {@link ConfigException} that names the source, the RFC 6901 JSON pointer
 * of the offending field and its JSON text. The field names this parser accepts are published as
 * constants so a test can keep them in sync with the JSON Schema.
 *
 * <p>Thread-safe: stateless apart from an immutable, shared Jackson mapper.
 */
public final class FlagFileParser {

    /** The only value {@code schema_version} may have. */
    public static final int SCHEMA_VERSION = 1;

    /** Prefix of a short-form top-level key, as in {@code "model:churn"}. */
    public static final String SHORT_FORM_PREFIX = "model:";

    /** Stable version id of a short-form model that does not name one. */
    public static final String DEFAULT_STABLE_VERSION = "v1";

    /** Candidate version id of a short-form model that does not name one. */
    public static final String DEFAULT_CANARY_VERSION = "v2";

    /** Top-level fields, apart from the short-form keys. */
    public static final List<String> TOP_LEVEL_FIELDS =
            List.of("$schema", "schema_version", "kill", "models");

    /** Fields of a long-form model, {@code /models/<name>}. */
    public static final List<String> MODEL_FIELDS =
            List.of("stable", "salt", "versions", "deny", "allow", "kill", "shadow", "targeting");

    /** Fields of a targeting rule, {@code /models/<name>/targeting/<i>}. */
    public static final List<String> RULE_FIELDS = List.of("id", "when", "weights");

    /** Fields of a rule's condition, {@code /models/<name>/targeting/<i>/when/<j>}. */
    public static final List<String> CONDITION_FIELDS = List.of("field", "op", "value", "values");

    /** Fields of a model's shadow configuration, {@code /models/<name>/shadow}. */
    public static final List<String> SHADOW_FIELDS =
            List.of("version", "sample", "forbidden_data_classes", "deny");

    /** Fields of a version, {@code /models/<name>/versions/<id>}. */
    public static final List<String> VERSION_FIELDS =
            List.of("stage", "weight", "reserve", "artifact_digest", "budget");

    /** Fields of an exposure budget, {@code .../versions/<id>/budget}. */
    public static final List<String> BUDGET_FIELDS =
            List.of("max_requests", "window", "max_value_share");

    /** Fields of an allow or deny list: one per {@link Dimension}, by its JSON name. */
    public static final List<String> SEGMENT_FIELDS = segmentFields();

    /** Fields of a model's kill switch object, {@code /models/<name>/kill}. */
    public static final List<String> MODEL_KILL_FIELDS =
            List.of("all", "versions", "tenants", "channels");

    /** Fields of the global kill switch object, {@code /kill}. */
    public static final List<String> GLOBAL_KILL_FIELDS = List.of("all", "tenants", "channels");

    /** Fields of a short-form model, {@code /model:<name>}. */
    public static final List<String> SHORT_FORM_FIELDS = List.of(
            "canary_weight", "kill", "blocked_segments", "stable_version", "canary_version");

    /**
     * Longest number literal, in characters (digits, sign, point and exponent). A valid weight
     * needs at most a handful; the bound keeps {@code BigDecimal} parsing and checks cheap.
     */
    public static final int MAX_NUMBER_LENGTH = 100;

    /**
     * Most digits a number may have, and largest magnitude of its decimal exponent, once parsed:
     * checked before any arithmetic, as {@code 1e-999999999} has one digit but would expand to a
     * billion.
     */
    public static final int MAX_NUMBER_DIGITS = 40;

    /** Deepest nesting of objects and arrays; the format itself needs 6 levels. */
    public static final int MAX_NESTING_DEPTH = 64;

    /** Longest string (a name, version, tenant...), in characters. */
    public static final int MAX_STRING_LENGTH = 1_000_000;

    /** Longest field name, in characters. */
    public static final int MAX_NAME_LENGTH = 10_000;

    /** Longest text of a bad value kept in an error. */
    private static final int MAX_VALUE_CHARS = 200;

    /** Shared with {@link FlagFileWriter}; immutable once built. */
    static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxStringLength(MAX_STRING_LENGTH)
                            .maxNameLength(MAX_NAME_LENGTH)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Weights are exact decimals: 5.001 must be rejected, not rounded by a double.
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            // Checked by readTree, with a message that says what is wrong in the file's terms.
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Pattern START_MARKER = Pattern.compile("\\s*\\(start marker at [^)]*\\)");
    private static final int EXCERPT_BEFORE = 40;
    private static final int EXCERPT_AFTER = 20;

    private final String source;
    private final JsonNode root;

    private FlagFileParser(String source, JsonNode root) {
        this.source = source;
        this.root = root;
    }

    /**
     * Parses a flag file.
     *
     * @param utf8 the file's bytes, UTF-8 (a byte order mark is allowed)
     * @param source names the file in errors, e.g. {@code file:/etc/router/flags.json}
     * @return the validated configuration
     * <p>Bounded in time and memory by the size of the input: numbers, strings, names and nesting
     * are limited ({@link #MAX_NUMBER_LENGTH}, {@link #MAX_NUMBER_DIGITS},
     * {@link #MAX_STRING_LENGTH}, {@link #MAX_NAME_LENGTH}, {@link #MAX_NESTING_DEPTH}) and
     * checked before any arithmetic. Apart from the fatal JVM errors of
     * {@link Throwables#isFatal}, nothing but a {@link ConfigException} leaves this method: an
     * unexpected failure inside the parser is reported as one, with the cause attached.
     *
     * @throws ConfigException if the file is empty, is not well-formed JSON (also a truncated
     *     write), has a duplicate key, an unknown field, a value of the wrong type or out of
     *     range, or describes an invalid model; the exception names {@code source}, the JSON
     *     pointer and the offending JSON text (shortened)
     */
    public static RouterConfig parse(byte[] utf8, String source) {
        Objects.requireNonNull(utf8, "utf8");
        Objects.requireNonNull(source, "source");
        try {
            String text = new String(utf8, StandardCharsets.UTF_8);
            if (text.replace("\uFEFF", "").isBlank()) {
                throw new ConfigException(source, "", null, "the flag file is empty", null);
            }
            return new FlagFileParser(source, readTree(utf8, text, source)).config();
        } catch (ConfigException e) {
            throw e;
        } catch (Throwable t) {
            // A bug or a limit this parser does not know about must not escape as something a
            // caller does not expect: a flag file is input, and bad input is a ConfigException.
            Throwables.rethrowIfFatal(t);
            throw new ConfigException(source, "", null, "the flag file cannot be parsed: " + t,
                    t);
        }
    }

    /**
     * Parses a flag file given as text.
     *
     * @param json the file's content
     * @param source names the file in errors
     * @return the validated configuration
     * @throws ConfigException as {@link #parse(byte[], String)}
     */
    public static RouterConfig parse(String json, String source) {
        return parse(json.getBytes(StandardCharsets.UTF_8), source);
    }

    // ---------------------------------------------------------------- syntax

    private static JsonNode readTree(byte[] utf8, String text, String source) {
        JsonParser p = MAPPER.createParser(utf8);
        try {
            JsonNode tree = MAPPER.readTree(p);
            if (p.nextToken() != null) {
                throw syntaxError(source, "", p.currentTokenLocation(), text,
                        "unexpected content after the top-level object", null, null);
            }
            return tree;
        } catch (JacksonException e) {
            throw malformed(source, e, p.streamReadContext(), p.currentLocation(), utf8, text);
        } catch (NumberFormatException | ArithmeticException e) {
            // Jackson lets these through for a number BigDecimal cannot hold, e.g. 1e2147483648.
            TokenStreamContext ctx = p.streamReadContext();
            throw syntaxError(source, ctx.pathAsPointer().toString(), p.currentTokenLocation(),
                    text, "number out of range", null, e);
        } finally {
            p.close();
        }
    }

    private static ConfigException malformed(String source, JacksonException e,
            TokenStreamContext ctx, TokenStreamLocation current, byte[] utf8, String text) {
        String message = START_MARKER.matcher(String.valueOf(e.getOriginalMessage()))
                .replaceAll("");
        String pointer = ctx.pathAsPointer().toString();
        // A broken stream read constraint (a number too long...) carries no location.
        TokenStreamLocation loc = e.getLocation() != null ? e.getLocation() : current;
        String name = ctx.currentName();
        if (message.startsWith("Duplicate ") && name != null) {
            return new ConfigException(source, pointer, quote(name), "duplicate key \"" + name
                    + "\"" + at(loc) + "; a key may appear only once per object", e);
        }
        if (e instanceof StreamConstraintsException) {
            return syntaxError(source, pointer, loc, text,
                    "exceeds a limit of the flag-file format (docs/flag-file.md, \"Limits\")",
                    message, e);
        }
        if (message.contains("end-of-input") || (!ctx.inRoot() && inLastToken(utf8, loc))) {
            return syntaxError(source, pointer, loc, text,
                    "the JSON ends too early (a truncated or partial write?)", message, e);
        }
        return syntaxError(source, pointer, loc, text, "malformed JSON", message, e);
    }

    /**
     * Whether the bad token is the last thing in the file, as when a write stopped in the middle
     * of {@code true} or {@code 12.5}: nothing but the token's own characters follow it.
     */
    private static boolean inLastToken(byte[] utf8, @Nullable TokenStreamLocation loc) {
        long offset = loc == null ? -1 : loc.getByteOffset();
        if (offset < 0 || offset > utf8.length) {
            return false;
        }
        String rest = new String(utf8, (int) offset, utf8.length - (int) offset,
                StandardCharsets.UTF_8).strip();
        return rest.chars()
                .noneMatch(c -> Character.isWhitespace(c) || "{}[],:\"".indexOf(c) >= 0);
    }

    private static ConfigException syntaxError(String source, String pointer,
            @Nullable TokenStreamLocation loc, String text, String headline,
            @Nullable String detail, @Nullable Throwable cause) {
        return new ConfigException(source, pointer, excerpt(text, loc),
                headline + at(loc) + (detail == null ? "" : ": " + detail), cause);
    }

    private static String at(@Nullable TokenStreamLocation loc) {
        return loc == null || loc.getLineNr() < 1
                ? ""
                : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    /** The text of the line around the error, so "but was ..." shows what the parser saw. */
    private static @Nullable String excerpt(String text, @Nullable TokenStreamLocation loc) {
        if (loc == null || loc.getLineNr() < 1) {
            return null;
        }
        String[] lines = text.split("\r\n|\r|\n", -1);
        if (loc.getLineNr() > lines.length) {
            return null;
        }
        String line = lines[loc.getLineNr() - 1];
        int col = Math.max(0, Math.min(line.length(), loc.getColumnNr() - 1));
        String excerpt = line.substring(Math.max(0, col - EXCERPT_BEFORE),
                Math.min(line.length(), col + EXCERPT_AFTER)).strip();
        return excerpt.isEmpty() ? null : excerpt;
    }

    // ---------------------------------------------------------------- document

    private RouterConfig config() {
        if (!root.isObject()) {
            throw error("", root, "the flag file must contain a JSON object");
        }
        RouterConfig.Builder config = RouterConfig.builder();
        Map<String, String> definedAt = new HashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            String pointer = "/" + escape(key);
            switch (key) {
                case "$schema":
                    requireString(value, pointer, false);
                    break;
                case "schema_version":
                    if (value.isNumber()) {
                        decimal(value, pointer);
                    }
                    if (!value.isIntegralNumber() || !value.canConvertToInt()
                            || value.intValue() != SCHEMA_VERSION) {
                        throw error(pointer, value, "must be " + SCHEMA_VERSION
                                + " (the only version of this format)");
                    }
                    break;
                case "kill":
                    config.globalKills(globalKills(value, pointer));
                    break;
                case "models":
                    requireObject(value, pointer, null);
                    for (Map.Entry<String, JsonNode> m : value.properties()) {
                        String name = m.getKey();
                        String mp = pointer + "/" + escape(name);
                        if (name.isBlank()) {
                            throw error(mp, m.getValue(), "model name must be non-blank");
                        }
                        checkDefinedOnce(definedAt, name, mp);
                        config.model(longForm(name, m.getValue(), mp));
                    }
                    break;
                default:
                    if (!key.startsWith(SHORT_FORM_PREFIX)) {
                        throw error(pointer, value, "unknown field; expected one of "
                                + TOP_LEVEL_FIELDS + " or \"" + SHORT_FORM_PREFIX + "<name>\"");
                    }
                    String name = key.substring(SHORT_FORM_PREFIX.length());
                    if (name.isBlank()) {
                        throw error(pointer, value,
                                "a short-form key needs a model name after \"model:\"");
                    }
                    checkDefinedOnce(definedAt, name, pointer);
                    config.model(shortForm(name, value, pointer));
            }
        }
        return config.build();
    }

    private void checkDefinedOnce(Map<String, String> definedAt, String name, String pointer) {
        String first = definedAt.putIfAbsent(name, pointer);
        if (first != null) {
            throw new ConfigException(source, pointer, quote(name), "model \"" + name
                    + "\" is defined twice, at " + first + " and at " + pointer
                    + "; use either the long form or the short form", null);
        }
    }

    // ---------------------------------------------------------------- long form

    private ModelConfig longForm(String name, JsonNode node, String pointer) {
        requireObject(node, pointer, MODEL_FIELDS);
        ModelConfig.Builder model = ModelConfig.builder(name);
        String stable = null;
        if (node.has("stable")) {
            stable = requireString(node.get("stable"), pointer + "/stable", true);
            model.stableVersion(stable);
        }
        if (node.has("salt")) {
            model.salt(requireString(node.get("salt"), pointer + "/salt", true));
        }
        Set<String> ids = new LinkedHashSet<>();
        if (node.has("versions")) {
            String vp = pointer + "/versions";
            requireObject(node.get("versions"), vp, null);
            for (Map.Entry<String, JsonNode> v : node.get("versions").properties()) {
                String id = v.getKey();
                String p = vp + "/" + escape(id);
                if (id.isBlank()) {
                    throw error(p, v.getValue(), "version id must be non-blank");
                }
                model.version(version(id, v.getValue(), p));
                ids.add(id);
            }
        }
        if (node.has("deny")) {
            model.deny(segments(node.get("deny"), pointer + "/deny"));
        }
        if (node.has("allow")) {
            model.allow(segments(node.get("allow"), pointer + "/allow"));
        }
        if (node.has("kill")) {
            model.kills(modelKills(node.get("kill"), pointer + "/kill", ids, stable));
        }
        if (node.has("shadow")) {
            model.shadow(shadow(node.get("shadow"), pointer + "/shadow"));
        }
        if (node.has("targeting")) {
            model.targeting(targeting(node.get("targeting"), pointer + "/targeting", ids));
        }
        try {
            return model.build();
        } catch (ConfigException e) {
            throw relocate(e, pointer);
        }
    }

    private VersionConfig version(String id, JsonNode node, String pointer) {
        requireObject(node, pointer, VERSION_FIELDS);
        VersionConfig.Builder version = VersionConfig.builder(id);
        if (node.has("stage")) {
            version.stage(stage(node.get("stage"), pointer + "/stage"));
        }
        if (node.has("weight")) {
            version.weightBasisPoints(percent(node.get("weight"), pointer + "/weight"));
        }
        if (node.has("reserve")) {
            version.reserveBasisPoints(percent(node.get("reserve"), pointer + "/reserve"));
        }
        if (node.has("artifact_digest")) {
            version.artifactDigest(
                    requireString(node.get("artifact_digest"), pointer + "/artifact_digest", true));
        }
        if (node.has("budget")) {
            version.budget(budget(node.get("budget"), pointer + "/budget"));
        }
        return version.build();
    }

    // ---------------------------------------------------------------- targeting

    private List<TargetingRule> targeting(JsonNode node, String pointer, Set<String> ids) {
        if (!node.isArray()) {
            throw error(pointer, node, "must be an array of rules, evaluated in order");
        }
        List<TargetingRule> rules = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            rules.add(rule(node.get(i), pointer + "/" + i, ids));
        }
        return rules;
    }

    private TargetingRule rule(JsonNode node, String pointer, Set<String> ids) {
        requireObject(node, pointer, RULE_FIELDS);
        if (!node.has("id")) {
            throw error(pointer + "/id", null, "a rule needs an id");
        }
        TargetingRule.Builder rule;
        try {
            rule = TargetingRule.builder(requireString(node.get("id"), pointer + "/id", true));
        } catch (ConfigException e) {
            throw relocate(e, pointer);
        }
        JsonNode when = node.get("when");
        if (when == null || !when.isArray() || when.isEmpty()) {
            throw error(pointer + "/when", when, "must be a non-empty array of conditions, all"
                    + " of which must hold (the model's own weights apply when no rule matches)");
        }
        for (int j = 0; j < when.size(); j++) {
            rule.when(condition(when.get(j), pointer + "/when/" + j));
        }
        JsonNode weights = node.get("weights");
        String wp = pointer + "/weights";
        if (weights == null) {
            throw error(wp, null, "a rule needs weights, e.g. {\"v2\": 5}");
        }
        requireObject(weights, wp, null);
        for (Map.Entry<String, JsonNode> w : weights.properties()) {
            String vp = wp + "/" + escape(w.getKey());
            // Checked here rather than by ModelConfig so the error shows the version's name.
            if (!ids.contains(w.getKey())) {
                throw new ConfigException(source, vp, quote(w.getKey()),
                        "unknown version; known: " + ids, null);
            }
            rule.weightBasisPoints(w.getKey(), percent(w.getValue(), vp));
        }
        return rule.build();
    }

    private Condition condition(JsonNode node, String pointer) {
        requireObject(node, pointer, CONDITION_FIELDS);
        if (!node.has("field")) {
            throw error(pointer + "/field", null, "a condition needs a field");
        }
        String field = requireString(node.get("field"), pointer + "/field", true);
        if (!node.has("op")) {
            throw error(pointer + "/op", null, "a condition needs an operator, one of "
                    + Condition.Operator.jsonNames());
        }
        JsonNode opNode = node.get("op");
        Condition.Operator op = Condition.Operator.fromJsonName(
                requireString(opNode, pointer + "/op", true));
        if (op == null) {
            throw error(pointer + "/op", opNode, "unknown operator; expected one of "
                    + Condition.Operator.jsonNames());
        }
        String wanted = op.takesList() ? "values" : "value";
        String other = op.takesList() ? "value" : "values";
        if (node.has(other)) {
            throw error(pointer + "/" + other, node.get(other), "operator " + op.jsonName()
                    + " takes \"" + wanted + "\""
                    + (op.takesList() ? " (a list)" : " (one value)"));
        }
        if (!node.has(wanted)) {
            throw error(pointer + "/" + wanted, null, "operator " + op.jsonName() + " needs \""
                    + wanted + "\"");
        }
        List<String> values;
        if (op.takesList()) {
            values = List.copyOf(stringSet(node.get("values"), pointer + "/values"));
        } else {
            JsonNode value = node.get("value");
            // A number may be written as a JSON number; its exact decimal text is compared.
            values = List.of(value.isNumber()
                    ? decimal(value, pointer + "/value").toPlainString()
                    : requireString(value, pointer + "/value", true));
        }
        try {
            return Condition.of(field, op, values);
        } catch (ConfigException e) {
            throw relocate(e, pointer);
        }
    }

    private Stage stage(JsonNode node, String pointer) {
        String text = requireString(node, pointer, true);
        for (Stage stage : Stage.values()) {
            if (stage.name().equalsIgnoreCase(text)) {
                return stage;
            }
        }
        throw error(pointer, node, "must be one of candidate, staging, approved, revoked");
    }

    private ExposureBudget budget(JsonNode node, String pointer) {
        requireObject(node, pointer, BUDGET_FIELDS);
        ExposureBudget.Builder budget = ExposureBudget.builder();
        try {
            if (node.has("max_requests")) {
                JsonNode max = node.get("max_requests");
                if (max.isNumber()) {
                    decimal(max, pointer + "/max_requests");
                }
                if (!max.isIntegralNumber() || !max.canConvertToLong()) {
                    throw error(pointer + "/max_requests", max,
                            "must be a whole number of requests");
                }
                budget.maxRequests(max.longValue());
            }
            if (node.has("window")) {
                budget.window(duration(node.get("window"), pointer + "/window"));
            }
            if (node.has("max_value_share")) {
                JsonNode share = node.get("max_value_share");
                if (!share.isNumber()) {
                    throw error(pointer + "/max_value_share", share,
                            "must be a number between 0 and 1");
                }
                budget.maxValueShare(decimal(share, pointer + "/max_value_share").doubleValue());
            }
            return budget.build();
        } catch (ConfigException e) {
            throw relocate(e, pointer);
        }
    }

    private Duration duration(JsonNode node, String pointer) {
        Duration d = Durations.parse(requireString(node, pointer, true));
        if (d == null) {
            throw error(pointer, node, "must be an ISO-8601 duration such as \"PT1H\", or a whole"
                    + " number with s, m, h or d such as \"30s\", \"15m\", \"1h\", \"1d\"");
        }
        return d;
    }

    private ShadowConfig shadow(JsonNode node, String pointer) {
        requireObject(node, pointer, SHADOW_FIELDS);
        String version = node.has("version")
                ? requireString(node.get("version"), pointer + "/version", true) : null;
        int sample = node.has("sample") ? percent(node.get("sample"), pointer + "/sample") : 0;
        Set<String> forbidden = node.has("forbidden_data_classes")
                ? stringSet(node.get("forbidden_data_classes"),
                        pointer + "/forbidden_data_classes")
                : Set.of();
        Segments deny = node.has("deny")
                ? segments(node.get("deny"), pointer + "/deny") : Segments.NONE;
        try {
            return ShadowConfig.of(version, sample, forbidden, deny);
        } catch (ConfigException e) {
            throw relocate(e, pointer);
        }
    }

    private Segments segments(JsonNode node, String pointer) {
        requireObject(node, pointer, SEGMENT_FIELDS);
        Map<Dimension, Set<String>> values = new EnumMap<>(Dimension.class);
        for (Dimension d : Dimension.values()) {
            if (node.has(d.jsonName())) {
                values.put(d, stringSet(node.get(d.jsonName()), pointer + "/" + d.jsonName()));
            }
        }
        return Segments.of(values);
    }

    private KillSwitches modelKills(
            JsonNode node, String pointer, Set<String> ids, @Nullable String stable) {
        if (node.isBoolean()) {
            return KillSwitches.of(node.booleanValue(), Set.of(), Set.of(), Set.of());
        }
        requireObject(node, pointer, MODEL_KILL_FIELDS);
        Set<String> versions = Set.of();
        if (node.has("versions")) {
            String vp = pointer + "/versions";
            versions = stringSet(node.get("versions"), vp);
            // Checked here rather than by ModelConfig so the pointer has the index in the file.
            int i = 0;
            for (String id : versions) {
                if (!ids.contains(id)) {
                    throw error(vp + "/" + i, node.get("versions").get(i),
                            "unknown version; known: " + ids);
                }
                if (id.equals(stable)) {
                    throw error(vp + "/" + i, node.get("versions").get(i),
                            "the stable version cannot be killed; kill the candidates instead");
                }
                i++;
            }
        }
        return kills(node, pointer, versions);
    }

    private KillSwitches globalKills(JsonNode node, String pointer) {
        if (node.isBoolean()) {
            return KillSwitches.of(node.booleanValue(), Set.of(), Set.of(), Set.of());
        }
        if (node.isObject() && node.has("versions")) {
            throw error(pointer + "/versions", node.get("versions"),
                    "versions can only be killed inside a model (/models/<name>/kill/versions)");
        }
        requireObject(node, pointer, GLOBAL_KILL_FIELDS);
        return kills(node, pointer, Set.of());
    }

    private KillSwitches kills(JsonNode node, String pointer, Set<String> versions) {
        boolean all = node.has("all") && requireBoolean(node.get("all"), pointer + "/all");
        Set<String> tenants = node.has("tenants")
                ? stringSet(node.get("tenants"), pointer + "/tenants") : Set.of();
        Set<String> channels = node.has("channels")
                ? stringSet(node.get("channels"), pointer + "/channels") : Set.of();
        return KillSwitches.of(all, versions, tenants, channels);
    }

    // ---------------------------------------------------------------- short form

    private ModelConfig shortForm(String name, JsonNode node, String pointer) {
        requireObject(node, pointer, SHORT_FORM_FIELDS);
        String stable = node.has("stable_version")
                ? requireString(node.get("stable_version"), pointer + "/stable_version", true)
                : DEFAULT_STABLE_VERSION;
        String canary = node.has("canary_version")
                ? requireString(node.get("canary_version"), pointer + "/canary_version", true)
                : DEFAULT_CANARY_VERSION;
        if (stable.equals(canary)) {
            String field = node.has("canary_version") ? "canary_version" : "stable_version";
            throw error(pointer + "/" + field, node.get(field),
                    "canary_version and stable_version must differ");
        }
        int weight = node.has("canary_weight")
                ? percent(node.get("canary_weight"), pointer + "/canary_weight") : 0;
        boolean kill = node.has("kill") && requireBoolean(node.get("kill"), pointer + "/kill");
        Set<String> blocked = node.has("blocked_segments")
                ? stringSet(node.get("blocked_segments"), pointer + "/blocked_segments")
                : Set.of();
        ModelConfig.Builder model = ModelConfig.builder(name)
                .stableVersion(stable)
                .version(VersionConfig.builder(stable).build())
                .version(VersionConfig.builder(canary).weightBasisPoints(weight).build())
                .deny(Segments.of(Map.of(Dimension.TENANT, blocked)))
                .kills(KillSwitches.of(kill, Set.of(), Set.of(), Set.of()));
        try {
            return model.build();
        } catch (ConfigException e) {
            String relative = shortFormPointer(e.pointer(), stable, canary);
            throw relocate(new ConfigException(null, relative, e.value(), e.problem(), e),
                    pointer);
        }
    }

    /** Maps a pointer relative to the long form of a model to the short form's field. */
    private static String shortFormPointer(String relative, String stable, String canary) {
        String c = "/versions/" + escape(canary);
        String s = "/versions/" + escape(stable);
        if (relative.equals(c + "/weight") || relative.equals("/versions")) {
            return "/canary_weight";
        }
        if (relative.startsWith(c)) {
            return "/canary_version";
        }
        if (relative.equals("/stable") || relative.startsWith(s)) {
            return "/stable_version";
        }
        if (relative.startsWith("/deny/tenants")) {
            return "/blocked_segments" + relative.substring("/deny/tenants".length());
        }
        return relative.startsWith("/kill") ? "/kill" : "";
    }

    // ---------------------------------------------------------------- values

    private int percent(JsonNode node, String pointer) {
        if (!node.isNumber()) {
            throw error(pointer, node,
                    "must be a number: percent with at most two decimals, e.g. 5 or 12.5");
        }
        try {
            // Bounded on its own: it checks scale and precision before any arithmetic.
            return Weights.basisPoints(node.decimalValue());
        } catch (ConfigException e) {
            throw relocate(e, pointer);
        }
    }

    /**
     * A number's exact value, once its digits and exponent are known to be small enough for any
     * arithmetic: at most {@link #MAX_NUMBER_DIGITS} significant digits and a decimal exponent
     * within {@link #MAX_NUMBER_DIGITS} of zero. Both are read from the parsed value in constant
     * time (the literal is at most {@link #MAX_NUMBER_LENGTH} characters).
     */
    private BigDecimal decimal(JsonNode node, String pointer) {
        BigDecimal d = node.decimalValue();
        if (d.signum() != 0 && (d.precision() > MAX_NUMBER_DIGITS
                || Math.abs((long) d.precision() - d.scale() - 1) > MAX_NUMBER_DIGITS)) {
            throw error(pointer, node, "number out of range: at most " + MAX_NUMBER_DIGITS
                    + " significant digits and a decimal exponent within " + MAX_NUMBER_DIGITS
                    + " of zero");
        }
        return d;
    }

    private boolean requireBoolean(JsonNode node, String pointer) {
        if (!node.isBoolean()) {
            throw error(pointer, node, "must be true or false");
        }
        return node.booleanValue();
    }

    private String requireString(JsonNode node, String pointer, boolean nonBlank) {
        if (!node.isString() || (nonBlank && node.stringValue().isBlank())) {
            throw error(pointer, node,
                    nonBlank ? "must be a non-blank string" : "must be a string");
        }
        return node.stringValue();
    }

    private Set<String> stringSet(JsonNode node, String pointer) {
        if (!node.isArray()) {
            throw error(pointer, node, "must be an array of non-blank strings");
        }
        Set<String> values = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            // The element's pointer is built only for an error: lists may have 100,000 entries.
            if (!item.isString() || item.stringValue().isBlank()) {
                requireString(item, pointer + "/" + i, true);
            }
            if (!values.add(item.stringValue())) {
                throw error(pointer + "/" + i, item, "duplicate value in the list");
            }
        }
        return values;
    }

    /**
     * Checks that a node is an object and, when {@code fields} is not null, that it has no other
     * fields.
     */
    private void requireObject(JsonNode node, String pointer, @Nullable List<String> fields) {
        if (!node.isObject()) {
            throw error(pointer, node, "must be an object");
        }
        if (fields == null) {
            return;
        }
        List<String> unknown = new ArrayList<>(node.propertyNames());
        unknown.removeAll(fields);
        if (!unknown.isEmpty()) {
            String name = unknown.get(0);
            throw error(pointer + "/" + escape(name), node.get(name),
                    "unknown field \"" + name + "\"; expected one of " + fields);
        }
    }

    // ---------------------------------------------------------------- errors

    private ConfigException error(String pointer, @Nullable JsonNode value, String problem) {
        String text = value == null || value.isMissingNode() ? null : text(value);
        return new ConfigException(source, pointer, text, problem, null);
    }

    /**
     * A value's JSON text for an error, at most {@value #MAX_VALUE_CHARS} characters and then
     * ending in {@code ...}. A decimal is written by {@link BigDecimal#toString()}, which uses
     * scientific notation for large exponents ({@code 1e-999999999} is a billion characters in
     * plain notation), so its text is as short as its literal.
     */
    static String text(JsonNode value) {
        String text = value.isBigDecimal() ? value.decimalValue().toString() : value.toString();
        return text.length() <= MAX_VALUE_CHARS ? text
                : text.substring(0, MAX_VALUE_CHARS - 3) + "...";
    }

    /**
     * Places a builder's exception (pointer relative to the object being built, no source) in
     * this document; one that already has a source came from this parser and is returned as is.
     * The value becomes the JSON text at the pointer when the file has one there, except for a
     * whole {@code versions} object, where the builder's computed total says more.
     */
    private ConfigException relocate(ConfigException e, String prefix) {
        if (e.source() != null) {
            return e;
        }
        ConfigException located = e.locatedIn(source, prefix);
        JsonNode at = root.at(located.pointer());
        if (at.isMissingNode() || located.pointer().endsWith("/versions")) {
            return located;
        }
        ConfigException withText = new ConfigException(source, located.pointer(), text(at),
                located.problem(), located.getCause());
        withText.setStackTrace(e.getStackTrace());
        return withText;
    }

    private static String quote(String text) {
        return MAPPER.getNodeFactory().stringNode(text).toString();
    }

    private static List<String> segmentFields() {
        List<String> names = new ArrayList<>();
        for (Dimension d : Dimension.values()) {
            names.add(d.jsonName());
        }
        return List.copyOf(names);
    }
}

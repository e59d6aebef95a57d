package dev.releaserouter.rollout.gates;

import static dev.releaserouter.core.config.JsonFields.escape;
import static dev.releaserouter.core.config.JsonFields.location;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.config.Durations;
import dev.releaserouter.core.config.JsonFields;
import dev.releaserouter.stats.Direction;
import dev.releaserouter.stats.Effect;
import dev.releaserouter.stats.MetricKind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses and validates a policy file (format in {@code docs/gates.md}). Every error is a
 * {@link ConfigException} naming the file, the JSON pointer and the offending value.
 *
 * <p>Stateless between calls; thread-safe.
 */
final class PolicyParser {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    /** A metric's name: an identifier, or {@code outcome.<identifier>} for a business outcome. */
    private static final Pattern METRIC =
            Pattern.compile("(outcome\\.)?[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> TOP = Set.of("name", "description", "aliases",
            "min_window", "min_samples", "params", "criteria", "metrics");
    private static final Set<String> COMMON = Set.of("name", "description", "severity",
            "consecutive_windows", "min_samples", "min_samples_per", "type", "confidence");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "expression", Set.of("expr", "fail_when"),
            "non_inferiority", Set.of("metric", "margin", "direction", "kind", "alpha"),
            "sequential", Set.of("metric", "direction", "kind", "alpha", "mixing_sd",
                    "require"),
            "psi", Set.of("metric", "max"),
            "relative_increase", Set.of("metric", "max_pct", "baseline"),
            "sample_ratio", Set.of("alpha"),
            "sample_size", Set.of("metric", "kind", "baseline", "mde", "mde_pct", "sd",
                    "alpha", "power"));
    /** Types that never measure a failure of the candidate's own: severity defaults to ALERT. */
    private static final Set<String> SEVERITY_OPTIONAL = Set.of("sample_ratio", "sample_size");

    private final String source;
    private final Map<String, String> arms = new LinkedHashMap<>();
    private final Map<String, Double> params = new LinkedHashMap<>();

    private PolicyParser(String source) {
        this.source = source;
        arms.put(GateInput.STABLE, GateInput.STABLE);
        arms.put(GateInput.CANDIDATE, GateInput.CANDIDATE);
    }

    /**
     * The canonical bytes of a policy file, which its digest covers: the file's bytes with a
     * leading UTF-8 byte order mark removed and every CR LF replaced by LF.
     *
     * @param bytes the file's bytes
     * @return the canonical bytes
     */
    public static byte[] canonicalBytes(byte[] bytes) {
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
                continue;
            }
            out.write(bytes[i]);
        }
        return out.toByteArray();
    }

    /**
     * SHA-256 of {@link #canonicalBytes(byte[])}, lowercase hex.
     *
     * @param bytes the file's bytes
     * @return 64 hex digits
     */
    public static String digest(byte[] bytes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(canonicalBytes(bytes)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Parses a policy file.
     *
     * @param bytes the file's bytes, UTF-8
     * @param source names the file in errors, e.g. {@code file:/etc/router/gates.json}
     * @return the policy
     * @throws ConfigException if the file is not well-formed JSON, has an unknown or missing
     *     field, a bad value, or an expression that does not parse
     */
    public static ParsedPolicy parse(byte[] bytes, String source) {
        return parse(bytes, source, false);
    }

    /**
     * Parses a policy file written in JSON or in YAML (the same fields; YAML needs
     * {@code tools.jackson.dataformat:jackson-dataformat-yaml} on the classpath).
     *
     * @param bytes the file's bytes, UTF-8
     * @param source names the file in errors
     * @param yaml whether the file is YAML
     * @return the policy
     * @throws ConfigException if the file is invalid, or YAML support is missing
     */
    public static ParsedPolicy parse(byte[] bytes, String source, boolean yaml) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(source, "source");
        if (bytes.length > MAX_SIZE_BYTES) {
            // Policies are a few KB; a YAML scanner allocates ~1 KB per character of a long
            // scalar, so an oversized file is refused before it is read.
            throw new ConfigException(source, "", null, "the policy file has " + bytes.length
                    + " bytes, more than the " + MAX_SIZE_BYTES + " a policy may have", null);
        }
        return new PolicyParser(source).policy(bytes, yaml);
    }

    /** The largest policy file accepted, in bytes (256 KiB). */
    public static final int MAX_SIZE_BYTES = 256 * 1024;

    /** A criterion's confidence when the file gives none. */
    static final double DEFAULT_CONFIDENCE = 0.95;

    private ParsedPolicy policy(byte[] bytes, boolean yaml) {
        byte[] canonical = canonicalBytes(bytes);
        String text = new String(canonical, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw new ConfigException(source, "", null, "the policy file is empty", null);
        }
        JsonNode root;
        try {
            root = yaml ? YamlTrees.read(source, text) : MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new ConfigException(source, "", null, "not well-formed "
                    + (yaml ? "YAML: " : "JSON: ") + e.getOriginalMessage() + " at "
                    + location(e), e);
        }
        if (root == null || !root.isObject()) {
            throw error("", root, yaml ? "the policy must be a YAML mapping"
                    : "the policy must be a JSON object");
        }
        unknownFields(root, "", TOP);
        String name = root.has("name") ? string(root.get("name"), "/name") : source;
        if (root.has("description")) {
            string(root.get("description"), "/description");
        }
        aliases(root.get("aliases"));
        JsonNode p = root.get("params");
        if (p != null) {
            if (!p.isObject()) {
                throw error("/params", p, "params must be an object of numbers");
            }
            flatten(p, "", "/params");
        }
        Duration minWindow = root.has("min_window")
                ? duration(root.get("min_window"), "/min_window") : Duration.ZERO;
        long minSamples = root.has("min_samples")
                ? count(root.get("min_samples"), "/min_samples") : 0;
        Map<String, ExternalMetric> external = ExternalMetrics.parse(source, root.get("metrics"));
        JsonNode list = root.get("criteria");
        if (list == null) {
            throw new ConfigException(source, "/criteria", null, "criteria is required", null);
        }
        if (!list.isArray() || list.isEmpty()) {
            throw error("/criteria", list, "criteria must be a non-empty array");
        }
        List<Criterion> criteria = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Criterion c = criterion(list.get(i), "/criteria/" + i, minSamples);
            if (!names.add(c.name())) {
                throw error("/criteria/" + i + "/name", list.get(i).get("name"),
                        "duplicate criterion name");
            }
            criteria.add(c);
        }
        Map<String, String> aliases = new LinkedHashMap<>(arms);
        aliases.remove(GateInput.STABLE);
        aliases.remove(GateInput.CANDIDATE);
        return new ParsedPolicy(source, name, digest(bytes), minWindow, minSamples, aliases,
                params, criteria, external);
    }

    private void aliases(@Nullable JsonNode node) {
        if (node == null) {
            return;
        }
        if (!node.isObject()) {
            throw error("/aliases", node, "aliases must be an object such as"
                    + " {\"v1\": \"stable\", \"v2\": \"candidate\"}");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String pointer = "/aliases/" + escape(e.getKey());
            String target = string(e.getValue(), pointer);
            if (!target.equals(GateInput.STABLE) && !target.equals(GateInput.CANDIDATE)) {
                throw error(pointer, e.getValue(), "an alias must name \"stable\" or"
                        + " \"candidate\"");
            }
            if (!METRIC.matcher(e.getKey()).matches() || arms.containsKey(e.getKey())) {
                throw new ConfigException(source, pointer, e.getKey(),
                        "an alias must be a new identifier, not an arm name", null);
            }
            arms.put(e.getKey(), target);
        }
    }

    private void flatten(JsonNode node, String prefix, String pointer) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            String childPointer = pointer + "/" + escape(key);
            if (!METRIC.matcher(key).matches()) {
                throw new ConfigException(source, childPointer, key, "a param name must be an"
                        + " identifier (letters, digits, underscore)", null);
            }
            if (prefix.isEmpty() && arms.containsKey(key)) {
                throw new ConfigException(source, childPointer, key, "a param cannot be named"
                        + " like an arm", null);
            }
            String name = prefix.isEmpty() ? key : prefix + "." + key;
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten(v, name, childPointer);
            } else if (v.isNumber() && Double.isFinite(v.asDouble())) {
                params.put(name, v.asDouble());
            } else {
                throw error(childPointer, v, "a param must be a finite number or an object");
            }
        }
    }

    private Criterion criterion(JsonNode node, String pointer, long defaultMinSamples) {
        if (!node.isObject()) {
            throw error(pointer, node, "a criterion must be an object");
        }
        String type;
        if (node.has("type")) {
            type = string(node.get("type"), pointer + "/type");
            if (!FIELDS.containsKey(type)) {
                throw error(pointer + "/type", node.get("type"), "unknown criterion type; the"
                        + " types are " + FIELDS.keySet().stream().sorted().toList());
            }
        } else {
            type = "expression";
        }
        Set<String> allowed = new HashSet<>(COMMON);
        allowed.addAll(FIELDS.get(type));
        unknownFields(node, pointer, allowed);
        String name = required(node, pointer, "name");
        if (name.isBlank()) {
            throw error(pointer + "/name", node.get("name"), "name must not be blank");
        }
        String sevText = SEVERITY_OPTIONAL.contains(type) && !node.has("severity") ? "ALERT"
                : required(node, pointer, "severity");
        Severity severity;
        try {
            severity = Severity.valueOf(sevText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw error(pointer + "/severity", node.get("severity"),
                    "severity must be ALERT or CRITICAL");
        }
        int consecutive = 1;
        if (node.has("consecutive_windows")) {
            long n = count(node.get("consecutive_windows"), pointer + "/consecutive_windows");
            if (n < 1 || n > 1000) {
                throw error(pointer + "/consecutive_windows", node.get("consecutive_windows"),
                        "consecutive_windows must be between 1 and 1000");
            }
            consecutive = (int) n;
        }
        long minSamples = node.has("min_samples")
                ? count(node.get("min_samples"), pointer + "/min_samples") : defaultMinSamples;
        boolean perMetric = false;
        if (node.has("min_samples_per")) {
            String per = string(node.get("min_samples_per"), pointer + "/min_samples_per");
            if (!per.equals("arm") && !per.equals("metric")) {
                throw error(pointer + "/min_samples_per", node.get("min_samples_per"),
                        "min_samples_per must be \"arm\" or \"metric\"");
            }
            perMetric = per.equals("metric");
        }
        if (node.has("description")) {
            string(node.get("description"), pointer + "/description");
        }
        double confidence = DEFAULT_CONFIDENCE;
        if (node.has("confidence")) {
            confidence = number(node.get("confidence"), pointer + "/confidence", "confidence");
            if (!(confidence >= 0.5 && confidence < 1)) {
                throw error(pointer + "/confidence", node.get("confidence"), "confidence must"
                        + " be at least 0.5 and below 1 (the one-sided level of a metric's"
                        + " bounds, e.g. 0.95; 0.5 compares values as measured)");
            }
        }
        return new Criterion(name, severity, consecutive, minSamples, perMetric, confidence,
                check(type, node, pointer, confidence));
    }

    private Criterion.Check check(String type, JsonNode node, String pointer,
            double confidence) {
        switch (type) {
            case "expression":
                return expression(node, pointer, confidence);
            case "non_inferiority":
                return new Checks.NonInferiority(metric(node, pointer),
                        nonNegative(node, pointer, "margin", null),
                        direction(node, pointer), kind(node, pointer), alpha(node, pointer,
                                0.5));
            case "sequential": {
                MetricKind kind = kind(node, pointer);
                Double defaultTau = kind == MetricKind.CONVERSION ? 0.01 : null;
                double tau = nonNegative(node, pointer, "mixing_sd", defaultTau);
                if (!(tau > 0)) {
                    throw error(pointer + "/mixing_sd", node.get("mixing_sd"),
                            "mixing_sd must be positive");
                }
                boolean improvement = false;
                if (node.has("require")) {
                    String r = string(node.get("require"), pointer + "/require");
                    if (!r.equals("no_harm") && !r.equals("improvement")) {
                        throw error(pointer + "/require", node.get("require"),
                                "require must be \"no_harm\" or \"improvement\"");
                    }
                    improvement = r.equals("improvement");
                }
                return new Checks.Sequential(metric(node, pointer), direction(node, pointer),
                        kind, alpha(node, pointer, 1), tau, improvement);
            }
            case "psi":
                return new Checks.Psi(node.has("metric") ? metric(node, pointer) : "score",
                        nonNegative(node, pointer, "max", null));
            case "sample_ratio":
                return new Checks.SampleRatio(node.has("alpha")
                        ? alpha(node, pointer, 1) : 0.001);
            case "sample_size":
                return sampleSize(node, pointer);
            default:
                return relativeIncrease(node, pointer);
        }
    }

    private Criterion.Check expression(JsonNode node, String pointer, double confidence) {
        boolean hasExpr = node.has("expr");
        boolean hasFail = node.has("fail_when");
        if (hasExpr == hasFail) {
            throw new ConfigException(source, pointer, null, "an expression criterion needs"
                    + " exactly one of \"expr\" (what must hold) and \"fail_when\"", null);
        }
        String field = hasExpr ? "expr" : "fail_when";
        String text = string(node.get(field), pointer + "/" + field);
        Expr expr;
        try {
            expr = ExpressionParser.parseCondition(text, arms, params);
        } catch (ExpressionException e) {
            throw new ConfigException(source, pointer + "/" + field, text, e.getMessage(), e);
        }
        Set<String> used = new LinkedHashSet<>();
        collectArms(expr, used);
        return new Checks.Expression(text, expr, hasFail, List.copyOf(used), confidence);
    }

    private static void collectArms(Expr e, Set<String> out) {
        if (e instanceof Expr.Ref r) {
            out.add(r.arm());
        } else if (e instanceof Expr.Neg n) {
            collectArms(n.operand(), out);
        } else if (e instanceof Expr.Arith a) {
            collectArms(a.left(), out);
            collectArms(a.right(), out);
        } else if (e instanceof Expr.Call c) {
            c.args().forEach(x -> collectArms(x, out));
        } else if (e instanceof Expr.Compare c) {
            collectArms(c.left(), out);
            collectArms(c.right(), out);
        } else if (e instanceof Expr.Logic l) {
            collectArms(l.left(), out);
            collectArms(l.right(), out);
        } else if (e instanceof Expr.Not n) {
            collectArms(n.operand(), out);
        }
    }

    private Criterion.Check sampleSize(JsonNode node, String pointer) {
        String metric = metric(node, pointer);
        MetricKind kind = kind(node, pointer);
        if (node.has("mde") == node.has("mde_pct")) {
            throw new ConfigException(source, pointer, null, "a sample_size criterion needs"
                    + " exactly one of \"mde\" (the minimum detectable effect in the metric's"
                    + " units) and \"mde_pct\" (in percent of the baseline)", null);
        }
        boolean relative = node.has("mde_pct");
        String field = relative ? "mde_pct" : "mde";
        double mde = nonNegative(node, pointer, field, null);
        if (!(mde > 0)) {
            throw error(pointer + "/" + field, node.get(field), field + " must be positive");
        }
        Effect effect = relative ? Effect.relative(mde / 100) : Effect.absolute(mde);
        double baseline = Double.NaN;
        JsonNode b = node.get("baseline");
        if (b != null && !(b.isString() && GateInput.STABLE.equals(arms.get(b.asString())))) {
            baseline = number(b, pointer + "/baseline", "baseline");
            if (kind == MetricKind.CONVERSION && !(baseline > 0 && baseline < 1)) {
                throw error(pointer + "/baseline", b, "a conversion baseline must be a rate"
                        + " between 0 and 1 (exclusive)");
            }
        }
        double sd = Double.NaN;
        JsonNode d = node.get("sd");
        if (d != null) {
            if (kind != MetricKind.CONTINUOUS) {
                throw error(pointer + "/sd", d, "sd is for \"kind\": \"continuous\"");
            }
            if (!(d.isString() && GateInput.STABLE.equals(arms.get(d.asString())))) {
                sd = nonNegative(node, pointer, "sd", null);
                if (!(sd > 0)) {
                    throw error(pointer + "/sd", d, "sd must be positive");
                }
            }
        }
        double power = 0.8;
        if (node.has("power")) {
            power = number(node.get("power"), pointer + "/power", "power");
            if (!(power > 0 && power < 1)) {
                throw error(pointer + "/power", node.get("power"), "power must be in (0, 1)");
            }
        }
        return new Checks.SampleSizeCheck(metric, kind, baseline, effect, sd,
                alpha(node, pointer, 1), power);
    }

    private Criterion.Check relativeIncrease(JsonNode node, String pointer) {
        String metric = metric(node, pointer);
        double maxPct = number(node.get("max_pct"), pointer + "/max_pct", "max_pct");
        JsonNode b = node.get("baseline");
        if (b == null) {
            return new Checks.RelativeIncrease(metric, maxPct, GateInput.STABLE, Double.NaN,
                    GateInput.STABLE);
        }
        if (b.isString() && arms.containsKey(b.asString())) {
            return new Checks.RelativeIncrease(metric, maxPct, arms.get(b.asString()),
                    Double.NaN, b.asString());
        }
        double value = number(b, pointer + "/baseline", "baseline");
        return new Checks.RelativeIncrease(metric, maxPct, null, value,
                b.isString() ? b.asString() : String.valueOf(value));
    }

    private String metric(JsonNode node, String pointer) {
        String m = required(node, pointer, "metric");
        if (!METRIC.matcher(m).matches()) {
            throw error(pointer + "/metric", node.get("metric"), "unknown metric syntax: a"
                    + " metric name is an identifier such as \"conversion\" (no arm prefix),"
                    + " or outcome.<name> for a business outcome");
        }
        return m;
    }

    private Direction direction(JsonNode node, String pointer) {
        if (!node.has("direction")) {
            return Direction.HIGHER_IS_BETTER;
        }
        String d = string(node.get("direction"), pointer + "/direction");
        switch (d) {
            case "higher_is_better":
                return Direction.HIGHER_IS_BETTER;
            case "lower_is_better":
                return Direction.LOWER_IS_BETTER;
            default:
                throw error(pointer + "/direction", node.get("direction"),
                        "direction must be \"higher_is_better\" or \"lower_is_better\"");
        }
    }

    private MetricKind kind(JsonNode node, String pointer) {
        if (!node.has("kind")) {
            return MetricKind.CONVERSION;
        }
        String k = string(node.get("kind"), pointer + "/kind");
        switch (k) {
            case "conversion":
                return MetricKind.CONVERSION;
            case "continuous":
                return MetricKind.CONTINUOUS;
            default:
                throw error(pointer + "/kind", node.get("kind"),
                        "kind must be \"conversion\" or \"continuous\"");
        }
    }

    private double alpha(JsonNode node, String pointer, double upper) {
        if (!node.has("alpha")) {
            return 0.05;
        }
        double a = number(node.get("alpha"), pointer + "/alpha", "alpha");
        if (!(a > 0 && a < upper)) {
            throw error(pointer + "/alpha", node.get("alpha"), "alpha must be in (0, " + upper
                    + ")");
        }
        return a;
    }

    private double nonNegative(JsonNode node, String pointer, String field,
            @Nullable Double fallback) {
        JsonNode v = node.get(field);
        if (v == null) {
            if (fallback != null) {
                return fallback;
            }
            throw new ConfigException(source, pointer + "/" + field, null, field
                    + " is required", null);
        }
        double d = number(v, pointer + "/" + field, field);
        if (d < 0) {
            throw error(pointer + "/" + field, v, field + " must not be negative");
        }
        return d;
    }

    /** A finite number, or the name of a param. */
    private double number(@Nullable JsonNode v, String pointer, String field) {
        if (v == null) {
            throw new ConfigException(source, pointer, null, field + " is required", null);
        }
        if (v.isNumber() && Double.isFinite(v.asDouble())) {
            return v.asDouble();
        }
        if (v.isString()) {
            Double p = params.get(v.asString());
            if (p == null) {
                throw error(pointer, v, "unknown param; known params are "
                        + params.keySet().stream().sorted().toList());
            }
            return p;
        }
        throw error(pointer, v, field + " must be a finite number or the name of a param");
    }

    private Duration duration(JsonNode node, String pointer) {
        Duration d = Durations.parse(string(node, pointer));
        if (d == null) {
            throw error(pointer, node, "must be an ISO-8601 duration such as \"PT2H\", or a"
                    + " whole number with s, m, h or d such as \"30m\", \"2h\"");
        }
        if (d.isNegative()) {
            throw error(pointer, node, "min_window must not be negative");
        }
        return d;
    }

    private long count(JsonNode node, String pointer) {
        if (!node.isIntegralNumber() || node.asLong() < 0 || !node.canConvertToLong()) {
            throw error(pointer, node, "must be a whole number >= 0");
        }
        return node.asLong();
    }

    private String required(JsonNode node, String pointer, String field) {
        JsonNode v = node.get(field);
        if (v == null) {
            throw new ConfigException(source, pointer + "/" + field, null, field
                    + " is required", null);
        }
        return string(v, pointer + "/" + field);
    }

    private ConfigException error(String pointer, @Nullable JsonNode node, String problem) {
        return JsonFields.error(source, pointer, node, problem);
    }

    private String string(JsonNode node, String pointer) {
        return JsonFields.string(source, node, pointer);
    }

    private void unknownFields(JsonNode node, String pointer, Set<String> allowed) {
        JsonFields.unknownFields(source, node, pointer, allowed);
    }
}

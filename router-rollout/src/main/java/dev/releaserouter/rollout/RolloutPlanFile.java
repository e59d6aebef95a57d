package dev.releaserouter.rollout;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.config.JsonFields;
import dev.releaserouter.rollout.gates.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A {@link RolloutPlan} as a file, YAML or JSON, whose keys are seed 003's
 * {@code ml.gradual_rollout} configuration (its {@code config.yaml}) plus what the chain needs:
 *
 * <pre>{@code
 * ml:
 *   gradual_rollout:
 *     enabled: true
 *     model: churn
 *     stable_version: v1
 *     candidate_version: v2
 *     stages: [0.25, 0.50, 0.75, 1.0]        # fractions of traffic (ML_ROLLOUT_STAGES)
 *     checkpoint_duration_minutes: 30
 *     checkpoint_mae_threshold_pct: 20.0
 *     checkpoint_error_rate_threshold: 0.001
 *     min_samples: 10
 *     promote: true                          # promote_model after the last stage
 *     shadow: {min_duration_hours: 24, max_duration_hours: 48, min_match_rate: 0.95}
 *     backout_verification: {delay_minutes: 5}
 * }</pre>
 *
 * The {@code ml.gradual_rollout} wrapper is optional (the same keys at the root work). Keys may
 * be written snake_case or kebab-case ({@code checkpoint-duration-minutes}, as Spring properties
 * are). The two thresholds build seed 003's checkpoint policy (the shipped
 * {@code docs/examples/policies/seed-003-gradual-rollout.json} with these values); a
 * {@code policy} key names a policy file instead (relative to the plan file, or
 * {@code classpath:...}). The mapping is in {@code docs/rollout.md} ("The plan as a file").
 *
 * <p>Every error is a {@link ConfigException} naming the file, the JSON pointer and the bad
 * value, e.g. {@code plan.yaml: at /ml/gradual_rollout/stages/1: must be a fraction of traffic
 * in (0, 1] such as 0.25, but was 25}. Stateless; thread-safe.
 */
public final class RolloutPlanFile {

    /** The largest plan file {@link #load} reads. */
    public static final int MAX_SIZE_BYTES = 1 << 20;

    /** Where the plan sits in seed 003's {@code config.yaml}. */
    public static final String SEED_POINTER = "/ml/gradual_rollout";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private static final Set<String> FIELDS = Set.of("enabled", "model", "stable_version",
            "candidate_version", "stages", "checkpoint_duration_minutes",
            "checkpoint_mae_threshold_pct", "checkpoint_error_rate_threshold", "min_samples",
            "policy", "dry_run", "max_failed_ticks", "promote", "shadow",
            "backout_verification");
    private static final Set<String> SHADOW_FIELDS = Set.of("min_duration_hours",
            "max_duration_hours", "min_match_rate", "max_failure_rate",
            "max_p95_latency_increase_pct", "max_abs_mean_score_delta", "max_cost_increase_pct",
            "min_comparisons");
    private static final Set<String> BACKOUT_FIELDS = Set.of("delay_minutes", "max_error_rate");

    private RolloutPlanFile() {}

    /**
     * Reads a plan file (YAML if its name ends in {@code .yaml} or {@code .yml}, else JSON) and
     * builds the plan.
     *
     * @param file the file
     * @return the plan
     * @throws ConfigException naming the file, the JSON pointer and the bad value
     * @throws UncheckedIOException if the file (or the policy file it names) cannot be read
     */
    public static RolloutPlan load(Path file) {
        return builder(file).build();
    }

    /**
     * Reads a plan file into a builder, for what a file cannot say (a freeze calendar, metric
     * sources, waivers, a shadow evidence source): add them, then {@code build()}.
     *
     * @param file the file
     * @return the builder, every field of the file set
     * @throws ConfigException naming the file, the JSON pointer and the bad value
     * @throws UncheckedIOException if the file (or the policy file it names) cannot be read
     */
    public static RolloutPlan.Builder builder(Path file) {
        Objects.requireNonNull(file, "file");
        String source = file.toString();
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_SIZE_BYTES) {
                throw new ConfigException(source, "", null, "a rollout plan file is at most "
                        + MAX_SIZE_BYTES + " bytes, but this one has " + size, null);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rollout plan " + file, e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        JsonNode root;
        try {
            root = Policy.Format.of(source) == Policy.Format.YAML ? Yaml.read(source, text)
                    : JSON.readTree(text);
        } catch (JacksonException e) {
            throw new ConfigException(source, "", null, "not well-formed "
                    + Policy.Format.of(source) + ": " + e.getOriginalMessage() + " at "
                    + JsonFields.location(e), null);
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(root, source, dir);
    }

    /**
     * Builds a plan from a tree of maps, lists and scalars, the way Spring binds
     * {@code router.rollouts.<name>.*} properties: the same keys as the file (kebab-case
     * allowed), numbers and booleans also as strings ({@code "0.25"}, {@code "true"}), lists
     * also as comma-separated strings ({@code "0.25,0.5,1.0"}) or as maps with keys
     * {@code 0, 1, ...}.
     *
     * @param tree the keys and values
     * @param source names the configuration in errors, e.g. {@code router.rollouts.churn}
     * @param baseDirectory what a relative {@code policy} path is resolved against, or null to
     *     resolve it against the working directory
     * @return the builder, every field of the tree set
     * @throws ConfigException naming the source, the JSON pointer and the bad value
     * @throws UncheckedIOException if the policy file cannot be read
     */
    public static RolloutPlan.Builder fromMap(Map<String, ?> tree, String source,
            @Nullable Path baseDirectory) {
        Objects.requireNonNull(tree, "tree");
        Objects.requireNonNull(source, "source");
        return parse(JSON.valueToTree(tree), source, baseDirectory);
    }

    private static RolloutPlan.Builder parse(@Nullable JsonNode root, String source,
            @Nullable Path dir) {
        if (root == null || !root.isObject()) {
            throw JsonFields.error(source, "", root, "a rollout plan must be an object");
        }
        JsonNode o = root;
        String at = "";
        JsonNode ml = field(root, "ml");
        if (ml != null) {
            JsonFields.unknownFields(source, root, "", Set.of("ml"));
            JsonNode gr = ml.isObject() ? field(ml, "gradual_rollout") : null;
            if (gr == null || !gr.isObject()) {
                throw JsonFields.error(source, "/ml/gradual_rollout", gr,
                        "must be an object with the rollout's keys");
            }
            o = gr;
            at = SEED_POINTER;
        }
        return new Reader(source, dir).plan(o, at);
    }

    /** A key written snake_case or kebab-case. */
    private static @Nullable JsonNode field(JsonNode o, String snake) {
        JsonNode v = o.get(snake);
        return v != null ? v : o.get(snake.replace('_', '-'));
    }

    /** The key as written in the file (for pointers). */
    private static String written(JsonNode o, String snake) {
        return o.has(snake) ? snake : snake.replace('_', '-');
    }

    /** Reads one plan; carries the source and base directory for messages and paths. */
    private static final class Reader {
        private final String source;
        private final @Nullable Path dir;

        Reader(String source, @Nullable Path dir) {
            this.source = source;
            this.dir = dir;
        }

        RolloutPlan.Builder plan(JsonNode o, String at) {
            known(o, at, FIELDS);
            if (!bool(o, at, "enabled", true)) {
                throw new ConfigException(source, at + "/" + written(o, "enabled"), "false",
                        "this plan is disabled (enabled: false): seed 003's direct promotion "
                                + "is no rollout; promote with ReleaseGovernance.setAlias, or "
                                + "set enabled: true", null);
            }
            String stable = text(o, at, "stable_version");
            String candidate = text(o, at, "candidate_version");
            if (candidate.equals(stable)) {
                throw JsonFields.error(source, at + "/" + written(o, "candidate_version"),
                        field(o, "candidate_version"), "must differ from stable_version");
            }
            RolloutPlan.Builder b = RolloutPlan.builder().model(text(o, at, "model"))
                    .stableVersion(stable).candidateVersion(candidate);
            List<Integer> stages = stages(o, at);
            b.stages(stages);
            double minutes = number(o, at, "checkpoint_duration_minutes", 30, 0, false);
            Duration checkpoint = Duration.ofMillis(Math.round(minutes * 60_000));
            b.checkpointDuration(checkpoint);
            long minSamples = whole(o, at, "min_samples", 10, 0, Long.MAX_VALUE);
            b.minSamples(minSamples);
            double errorRate = fractionOr(o, at, "checkpoint_error_rate_threshold", 0.001);
            if (field(o, "policy") != null) {
                for (String t : List.of("checkpoint_mae_threshold_pct",
                        "checkpoint_error_rate_threshold")) {
                    if (field(o, t) != null) {
                        throw JsonFields.error(source, at + "/" + written(o, t), field(o, t),
                                "cannot be set together with policy (the thresholds build "
                                        + "seed 003's policy; a policy file replaces it)");
                    }
                }
                b.policy(policyFile(o, at));
            } else {
                double mae = number(o, at, "checkpoint_mae_threshold_pct", 20.0, 0, true);
                b.policy(seedPolicy(minSamples, mae, errorRate, at));
            }
            b.dryRun(bool(o, at, "dry_run", false));
            b.maxFailedTicks((int) whole(o, at, "max_failed_ticks",
                    RolloutPlan.DEFAULT_MAX_FAILED_TICKS, 1, 1000));
            boolean promote = bool(o, at, "promote", true);
            if (promote && stages.get(stages.size() - 1) != 10_000) {
                throw JsonFields.error(source, at + "/" + written(o, "promote"),
                        field(o, "promote"), "promote (the default) needs a last stage of 1.0 "
                                + "(100%), but the last stage is "
                                + stages.get(stages.size() - 1) / 10_000.0
                                + "; set promote: false to stop at it");
            }
            b.promoteOnCompletion(promote);
            JsonNode shadow = field(o, "shadow");
            if (shadow != null && !shadow.isNull()) {
                b.shadowPhase(shadow(shadow, at + "/" + written(o, "shadow")));
            }
            JsonNode backout = field(o, "backout_verification");
            if (backout != null && !backout.isNull()) {
                String p = at + "/" + written(o, "backout_verification");
                object(backout, p);
                known(backout, p, BACKOUT_FIELDS);
                double delay = number(backout, p, "delay_minutes", 5, 0, false);
                b.backoutVerification(new BackoutVerification(
                        Duration.ofMillis(Math.round(delay * 60_000)),
                        fractionOr(backout, p, "max_error_rate", errorRate)));
            }
            return b;
        }

        private ShadowPhase shadow(JsonNode s, String p) {
            object(s, p);
            known(s, p, SHADOW_FIELDS);
            ShadowExitCriteria.Builder c = ShadowExitCriteria.builder()
                    .minMatchRate(fractionOr(s, p, "min_match_rate", 0.95))
                    .maxFailureRate(fractionOr(s, p, "max_failure_rate", 0.03))
                    .maxP95IncreasePct(number(s, p, "max_p95_latency_increase_pct", 15, 0, true))
                    .maxAbsMeanScoreDelta(number(s, p, "max_abs_mean_score_delta", Double.NaN, 0,
                            true))
                    .maxCostIncreasePct(number(s, p, "max_cost_increase_pct", Double.NaN, 0,
                            true))
                    .minComparisons(whole(s, p, "min_comparisons", 100, 1, Long.MAX_VALUE));
            double min = number(s, p, "min_duration_hours", 24, 0, false);
            double max = number(s, p, "max_duration_hours", Math.max(48, min), 0, false);
            if (max < min) {
                throw JsonFields.error(source, p + "/" + written(s, "max_duration_hours"),
                        field(s, "max_duration_hours"), "must be at least min_duration_hours ("
                                + min + ")");
            }
            return ShadowPhase.builder().minDuration(hours(min)).maxDuration(hours(max))
                    .criteria(c.build()).build();
        }

        private static Duration hours(double h) {
            return Duration.ofMillis(Math.round(h * 3_600_000));
        }

        /** Fractions of traffic in (0, 1], strictly increasing, as basis points. */
        private List<Integer> stages(JsonNode o, String at) {
            String p = at + "/" + written(o, "stages");
            JsonNode n = field(o, "stages");
            if (n == null) {
                // Seed 003's default stages.
                return List.of(2500, 5000, 7500, 10_000);
            }
            List<JsonNode> items = list(n, p);
            if (items.isEmpty()) {
                throw JsonFields.error(source, p, n, "must list at least one stage");
            }
            List<Integer> out = new ArrayList<>();
            int previous = 0;
            for (int i = 0; i < items.size(); i++) {
                JsonNode item = items.get(i);
                double f = asNumber(item);
                if (!(f > 0 && f <= 1)) {
                    throw JsonFields.error(source, p + "/" + i, item, "must be a fraction of "
                            + "traffic in (0, 1] such as 0.25");
                }
                int bp = (int) Math.round(f * 10_000);
                if (bp < 1 || Math.abs(bp - f * 10_000) > 1e-6) {
                    throw JsonFields.error(source, p + "/" + i, item, "must be a whole number "
                            + "of basis points (a multiple of 0.0001)");
                }
                if (bp <= previous) {
                    throw JsonFields.error(source, p + "/" + i, item, "stages must be strictly "
                            + "increasing, but this one follows " + previous / 10_000.0);
                }
                previous = bp;
                out.add(bp);
            }
            return out;
        }

        /** An array, a comma-separated string, or an object with keys 0..n-1. */
        private List<JsonNode> list(JsonNode n, String p) {
            List<JsonNode> out = new ArrayList<>();
            if (n.isArray()) {
                n.forEach(out::add);
            } else if (n.isString()) {
                for (String part : n.asString().split(",", -1)) {
                    out.add(JSON.getNodeFactory().stringNode(part.trim()));
                }
            } else if (n.isObject()) {
                Map<Integer, JsonNode> byIndex = new LinkedHashMap<>();
                for (String k : n.propertyNames()) {
                    int i;
                    try {
                        i = Integer.parseInt(k);
                    } catch (NumberFormatException e) {
                        throw JsonFields.error(source, p + "/" + JsonFields.escape(k), n.get(k),
                                "a list written as a map needs keys 0, 1, 2, ...");
                    }
                    byIndex.put(i, n.get(k));
                }
                for (int i = 0; i < byIndex.size(); i++) {
                    if (!byIndex.containsKey(i)) {
                        throw JsonFields.error(source, p, n, "a list written as a map needs "
                                + "keys 0.." + (byIndex.size() - 1) + ", but " + i
                                + " is missing");
                    }
                    out.add(byIndex.get(i));
                }
            } else {
                throw JsonFields.error(source, p, n, "must be a list such as [0.25, 0.5, 1.0]");
            }
            return out;
        }

        private Policy policyFile(JsonNode o, String at) {
            String p = at + "/" + written(o, "policy");
            String name = JsonFields.string(source, field(o, "policy"), p);
            try {
                if (name.startsWith("classpath:")) {
                    ClassLoader cl = Thread.currentThread().getContextClassLoader();
                    return Policy.fromClasspath(name.substring("classpath:".length()),
                            cl != null ? cl : RolloutPlanFile.class.getClassLoader());
                }
                Path file = dir == null ? Path.of(name) : dir.resolve(name);
                if (!Files.isRegularFile(file)) {
                    throw new ConfigException(source, p, name, "no policy file at " + file,
                            null);
                }
                return Policy.load(file);
            } catch (java.nio.file.InvalidPathException e) {
                throw new ConfigException(source, p, name, "not a path: " + e.getMessage(),
                        null);
            }
        }

        /** Seed 003's checkpoint policy with the file's thresholds. */
        private Policy seedPolicy(long minSamples, double maePct,
                double errorRate, String at) {
            ObjectNode pol = JSON.createObjectNode();
            pol.put("name", "ml.gradual_rollout.checkpoint");
            pol.put("description", "Seed 003, built from " + source + ": roll back on MAE +"
                    + maePct + "% over baseline or an error rate shown above " + errorRate
                    + " (its 95% lower bound); at least " + minSamples + " samples.");
            // No min_window: the controller times the checkpoints, and the window a checkpoint
            // measures is its duration less the open measurement window, so a min_window equal
            // to the checkpoint would hold every checkpoint (NOT_ENOUGH_DATA).
            pol.put("min_samples", minSamples);
            ObjectNode cp = pol.putObject("params").putObject("checkpoint");
            cp.put("mae_threshold_pct", maePct);
            cp.put("error_rate_threshold", errorRate);
            ArrayNode cr = pol.putArray("criteria");
            ObjectNode mae = cr.addObject();
            mae.put("name", "mae_degradation");
            mae.put("type", "relative_increase");
            mae.put("metric", "mae");
            mae.put("max_pct", "checkpoint.mae_threshold_pct");
            mae.put("severity", "CRITICAL");
            ObjectNode err = cr.addObject();
            err.put("name", "error_rate");
            err.put("expr", "candidate.error_rate <= checkpoint.error_rate_threshold");
            err.put("severity", "CRITICAL");
            err.put("confidence", 0.95);
            return Policy.parse(JSON.writeValueAsBytes(pol), source + "#" + at
                    + " (seed 003 policy)", Policy.Format.JSON);
        }

        private void object(JsonNode n, String p) {
            if (!n.isObject()) {
                throw JsonFields.error(source, p, n, "must be an object");
            }
        }

        /** Unknown keys fail; kebab-case keys count as their snake_case form. */
        private void known(JsonNode o, String at, Set<String> allowed) {
            for (String k : o.propertyNames()) {
                if (!allowed.contains(k.replace('-', '_'))) {
                    throw new ConfigException(source, at + "/" + JsonFields.escape(k), k,
                            "unknown field; the fields here are "
                                    + allowed.stream().sorted().toList(), null);
                }
            }
        }

        private String text(JsonNode o, String at, String key) {
            JsonNode n = field(o, key);
            if (n == null) {
                throw new ConfigException(source, at + "/" + key, null, key + " is required",
                        null);
            }
            String s = JsonFields.string(source, n, at + "/" + written(o, key));
            if (s.isBlank()) {
                throw JsonFields.error(source, at + "/" + written(o, key), n,
                        "must be a non-blank string");
            }
            return s;
        }

        private boolean bool(JsonNode o, String at, String key, boolean dflt) {
            JsonNode n = field(o, key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (n.isBoolean()) {
                return n.asBoolean();
            }
            if (n.isString()) {
                String s = n.asString().trim().toLowerCase(Locale.ROOT);
                if (s.equals("true") || s.equals("false")) {
                    return s.equals("true");
                }
            }
            throw JsonFields.error(source, at + "/" + written(o, key), n,
                    "must be true or false");
        }

        /**
         * A number above {@code min} (or at least min when {@code inclusive}); NaN defaults
         * mean "not checked" and are kept when the key is absent.
         */
        private double number(JsonNode o, String at, String key, double dflt, double min,
                boolean inclusive) {
            JsonNode n = field(o, key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            double v = asNumber(n);
            if (Double.isNaN(v) || Double.isInfinite(v) || v < min || (!inclusive && v == min)) {
                throw JsonFields.error(source, at + "/" + written(o, key), n, "must be a finite "
                        + "number " + (inclusive ? ">= " : "> ") + fmt(min));
            }
            return v;
        }

        private long whole(JsonNode o, String at, String key, long dflt, long min, long max) {
            JsonNode n = field(o, key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            double v = asNumber(n);
            if (Double.isNaN(v) || v != Math.rint(v) || v < min || v > max) {
                throw JsonFields.error(source, at + "/" + written(o, key), n, "must be a whole "
                        + "number between " + min + " and " + max);
            }
            return (long) v;
        }

        private double fractionOr(JsonNode o, String at, String key, double dflt) {
            JsonNode n = field(o, key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            double v = asNumber(n);
            if (!(v >= 0 && v <= 1)) {
                throw JsonFields.error(source, at + "/" + written(o, key), n,
                        "must be a number between 0 and 1");
            }
            return v;
        }

        private static String fmt(double v) {
            return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
        }
    }

    /** A number node, or a string holding a number; NaN otherwise. */
    private static double asNumber(JsonNode n) {
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isString()) {
            try {
                return Double.parseDouble(n.asString().trim());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** YAML support is optional: loaded only for a YAML file. */
    private static final class Yaml {
        private Yaml() {}

        static @Nullable JsonNode read(String source, String text) {
            try {
                return Holder.MAPPER.readTree(text);
            } catch (NoClassDefFoundError e) {
                throw new ConfigException(source, "", null, "YAML rollout plans need "
                        + "tools.jackson.dataformat:jackson-dataformat-yaml on the classpath "
                        + "(or write the plan in JSON)", null);
            }
        }

        /** Initialised on first use, so a JSON-only application never loads YAML classes. */
        private static final class Holder {
            static final YAMLMapper MAPPER = YAMLMapper.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        }
    }
}

package dev.releaserouter.rollout.gates;

import static dev.releaserouter.core.config.JsonFields.escape;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.config.JsonFields;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Joins a policy's {@linkplain ExternalMetric external metrics} to the measurements the gates
 * read: {@link #validate} when a rollout plan is built, {@link #overlay} once per evaluation.
 * The rollout controller does both; call them yourself to evaluate such a policy with
 * {@link PolicyEvaluator} directly:
 *
 * <pre>{@code
 * GateInput input = ExternalMetrics.overlay(policy, SnapshotGateInput.of(snapshot, "v1", "v2"),
 *         List.of(prometheus), new ExternalQuery("churn", "v1", "v2", window, clock.instant()));
 * GateVerdict verdict = PolicyEvaluator.evaluate(policy, input, history);
 * }</pre>
 *
 * <p>Stateless and thread-safe; all methods are static.
 */
public final class ExternalMetrics {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ExternalMetrics() {}

    /**
     * Checks that a source is registered for every external metric of the policy and lets each
     * source check its metrics' fields.
     *
     * @param policy the policy
     * @param sources the registered sources
     * @throws ConfigException naming the policy file, the metric's {@code source} pointer and
     *     the missing source, or whatever a source's {@link ExternalMetricSource#validate}
     *     throws
     * @throws NullPointerException if an argument is null
     */
    public static void validate(Policy policy, Collection<? extends ExternalMetricSource> sources) {
        Objects.requireNonNull(sources, "sources");
        for (ExternalMetric m : policy.externalMetrics().values()) {
            ExternalMetricSource s = find(sources, m.source());
            if (s == null) {
                throw new ConfigException(m.policySource(), m.pointer() + "/source", m.source(),
                        "no metric source named '" + m.source() + "' is registered (the plan's "
                                + "sources: " + names(sources) + "); register one, e.g. "
                                + "router-prometheus's PrometheusMetricSource, with "
                                + "RolloutPlan.Builder.metricSource", null);
            }
            s.validate(m);
        }
    }

    /**
     * Reads the policy's external metrics (each source once, for both arms) and returns an
     * input that answers them from those readings and everything else from {@code base}. A
     * metric that could not be read is NaN, and {@link GateInput#unknownReason} says why, so
     * the criteria that read it are NOT_ENOUGH_DATA with that reason. Never throws for a
     * failing source: what it throws (anything, even an {@code Error}) makes its metrics
     * unavailable with the error as the reason.
     *
     * @param policy the policy
     * @param base the router's measurements
     * @param sources the registered sources
     * @param query the model, versions, window and instant to read for
     * @return {@code base} itself when the policy has no external metrics, else the joined input
     * @throws NullPointerException if an argument is null
     */
    public static GateInput overlay(Policy policy, GateInput base,
            Collection<? extends ExternalMetricSource> sources, ExternalQuery query) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(sources, "sources");
        Objects.requireNonNull(query, "query");
        Map<String, ExternalMetric> metrics = policy.externalMetrics();
        if (metrics.isEmpty()) {
            return base;
        }
        Map<String, List<ExternalMetric>> bySource = new LinkedHashMap<>();
        for (ExternalMetric m : metrics.values()) {
            bySource.computeIfAbsent(m.source(), k -> new ArrayList<>()).add(m);
        }
        Map<String, ExternalReadings.Reading> readings = new LinkedHashMap<>();
        for (Map.Entry<String, List<ExternalMetric>> e : bySource.entrySet()) {
            ExternalMetricSource s = find(sources, e.getKey());
            ExternalReadings r = null;
            String failure;
            if (s == null) {
                failure = "no metric source named '" + e.getKey() + "' is registered";
            } else {
                try {
                    r = s.read(List.copyOf(e.getValue()), query);
                    failure = r == null ? "source '" + e.getKey() + "' returned no readings"
                            : null;
                } catch (Throwable t) {
                    // A background path (the rollout tick): contained, shown as the reason.
                    failure = "source '" + e.getKey() + "' failed: " + t;
                }
            }
            for (ExternalMetric m : e.getValue()) {
                for (String arm : List.of(GateInput.STABLE, GateInput.CANDIDATE)) {
                    ExternalReadings.Reading reading = r == null ? null : r.get(arm, m.name());
                    readings.put(arm + "." + m.name(), reading != null ? reading
                            : ExternalReadings.Reading.unavailable(failure != null ? failure
                                    : "source '" + e.getKey() + "' gave no reading of "
                                            + arm + "." + m.name()));
                }
            }
        }
        return new ExternalGateInput(base, metrics.keySet(), readings);
    }

    private static @Nullable ExternalMetricSource find(
            Collection<? extends ExternalMetricSource> sources, String name) {
        for (ExternalMetricSource s : sources) {
            if (name.equals(s.name())) {
                return s;
            }
        }
        return null;
    }

    private static List<String> names(Collection<? extends ExternalMetricSource> sources) {
        return sources.stream().map(ExternalMetricSource::name).toList();
    }

    /**
     * Parses the policy file's {@code metrics} object.
     *
     * @param source the policy file
     * @param node the {@code metrics} node, or null when absent
     * @return the metrics by name, in file order
     * @throws ConfigException naming the file, the pointer and the bad value
     */
    static Map<String, ExternalMetric> parse(String source, @Nullable JsonNode node) {
        if (node == null) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw JsonFields.error(source, "/metrics", node, "metrics must be an object of "
                    + "metric definitions such as {\"fleet_error_rate\": {\"source\": "
                    + "\"prometheus\", \"query\": \"...\"}}");
        }
        Map<String, ExternalMetric> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String name = e.getKey();
            String pointer = "/metrics/" + escape(name);
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException(source, pointer, name, "a metric's name must be an "
                        + "identifier (letters, digits, underscore)", null);
            }
            JsonNode def = e.getValue();
            if (!def.isObject()) {
                throw JsonFields.error(source, pointer, def, "a metric must be an object with "
                        + "a \"source\" and the source's fields");
            }
            JsonNode src = def.get("source");
            if (src == null) {
                throw new ConfigException(source, pointer + "/source", null,
                        "source is required (e.g. \"prometheus\")", null);
            }
            String sourceName = JsonFields.string(source, src, pointer + "/source");
            if (sourceName.isBlank()) {
                throw JsonFields.error(source, pointer + "/source", src,
                        "source must not be blank");
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> f : def.properties()) {
                if (f.getKey().equals("source")) {
                    continue;
                }
                JsonNode v = f.getValue();
                if (!v.isString() && !v.isNumber() && !v.isBoolean()) {
                    throw JsonFields.error(source, pointer + "/" + escape(f.getKey()), v,
                            "a metric's fields must be strings, numbers or booleans");
                }
                fields.put(f.getKey(), v.isString() ? v.stringValue() : v.toString());
            }
            out.put(name, new ExternalMetric(name, sourceName, fields, source, pointer));
        }
        return out;
    }
}

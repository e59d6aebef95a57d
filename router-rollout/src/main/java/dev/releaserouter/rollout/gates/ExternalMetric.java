package dev.releaserouter.rollout.gates;

import java.util.Map;
import java.util.Objects;

/**
 * A metric a policy reads from an external source rather than from the router's own
 * measurements: one entry of the policy file's {@code metrics} object, e.g.
 *
 * <pre>{@code
 * "metrics": {
 *   "fleet_error_rate": {"source": "prometheus",
 *                        "query": "sum(rate(...{version=\"{{version}}\"}[5m])) / ..."}
 * }
 * }</pre>
 *
 * <p>Criteria read it as any other value ({@code candidate.fleet_error_rate} in an expression,
 * {@code "metric": "fleet_error_rate"} in {@code relative_increase}); an
 * {@link ExternalMetricSource} registered under {@link #source()} reads it once per evaluation,
 * for each arm. The gates interpret only {@code source}; every other field is the source's
 * business ({@link ExternalMetricSource#validate} checks them when a rollout plan is built).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the metric's name, an identifier ({@code [A-Za-z_][A-Za-z0-9_]*})
 * @param source the name of the source that reads it, e.g. {@code prometheus}
 * @param fields the entry's other fields, as text (numbers and booleans as written by JSON)
 * @param policySource the policy file the entry is in, for errors (e.g. {@code file:/etc/g.json})
 * @param pointer the entry's JSON pointer in that file, e.g. {@code /metrics/fleet_error_rate}
 */
public record ExternalMetric(String name, String source, Map<String, String> fields,
        String policySource, String pointer) {

    /**
     * Copies the fields.
     *
     * @throws NullPointerException if an argument, a field name or a field value is null
     */
    public ExternalMetric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        fields = Map.copyOf(fields);
        Objects.requireNonNull(policySource, "policySource");
        Objects.requireNonNull(pointer, "pointer");
    }

    /**
     * @param field a field's name
     * @return the field's text, or null when the entry does not have it
     * @throws NullPointerException if field is null
     */
    public @org.jspecify.annotations.Nullable String field(String field) {
        return fields.get(Objects.requireNonNull(field, "field"));
    }
}

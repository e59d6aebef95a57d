package dev.releaserouter.prometheus;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.config.Durations;
import dev.releaserouter.rollout.gates.ExternalMetric;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One policy metric read by PromQL, validated: an instant query, or a range query reduced to
 * one number. Immutable and thread-safe.
 *
 * @param name the metric's name in the policy
 * @param query the PromQL template of the value
 * @param range for a range query, how far back from the evaluation instant; null for instant
 * @param step the range query's resolution
 * @param reduce how a range query's points become one value; null for instant
 * @param samples the PromQL template of the units behind the value, or null
 * @param timeout how long each query may take
 */
record PromQlMetric(String name, PromQlTemplate query, @Nullable Duration range, Duration step,
        @Nullable Reduce reduce, @Nullable PromQlTemplate samples, Duration timeout) {

    /** The fields a {@code prometheus} metric may have besides {@code source}. */
    static final Set<String> FIELDS =
            Set.of("query", "range", "step", "reduce", "samples", "timeout", "description");

    /** Prometheus refuses range queries of more than 11,000 points per series. */
    static final long MAX_POINTS = 11_000;

    /** How a range query's points (per the one series it must return) become one value. */
    enum Reduce {
        /** The largest point: "the p95 stayed under the SLO over the whole range". */
        MAX,
        /** The smallest point. */
        MIN,
        /** The mean of the points. */
        AVG,
        /** The latest point. */
        LAST
    }

    /**
     * Validates a policy entry.
     *
     * @param m the entry
     * @param defaultTimeout the source's timeout, used when the entry gives none
     * @return the metric
     * @throws ConfigException naming the policy file, the field's pointer and the bad value
     */
    static PromQlMetric of(ExternalMetric m, Duration defaultTimeout) {
        for (String f : m.fields().keySet()) {
            if (!FIELDS.contains(f)) {
                throw error(m, f, m.field(f), "unknown field '" + f + "' of a prometheus "
                        + "metric; the fields are " + FIELDS.stream().sorted().toList());
            }
        }
        Map<String, String> f = m.fields();
        String q = f.get("query");
        if (q == null) {
            throw error(m, "query", null, "query is required: the PromQL query of the value");
        }
        PromQlTemplate query = template(m, "query", q);
        PromQlTemplate samples = f.containsKey("samples")
                ? template(m, "samples", f.get("samples")) : null;
        Duration timeout = f.containsKey("timeout")
                ? positive(m, "timeout", f.get("timeout")) : defaultTimeout;
        Duration range = f.containsKey("range") ? positive(m, "range", f.get("range")) : null;
        if (range == null) {
            for (String rangeOnly : new String[] {"step", "reduce"}) {
                if (f.containsKey(rangeOnly)) {
                    throw error(m, rangeOnly, f.get(rangeOnly), rangeOnly + " is only for a "
                            + "range query: set range too, or remove it");
                }
            }
            return new PromQlMetric(m.name(), query, null, Duration.ZERO, null, samples,
                    timeout);
        }
        Duration step = f.containsKey("step") ? positive(m, "step", f.get("step"))
                : max(Duration.ofSeconds(1), range.dividedBy(60));
        if (range.dividedBy(step) > MAX_POINTS) {
            throw error(m, "step", f.get("step"), "step " + step + " gives more than "
                    + MAX_POINTS + " points over range " + range + " (Prometheus's limit)");
        }
        String r = f.get("reduce");
        if (r == null) {
            throw error(m, "reduce", null, "reduce is required with range: one of max, min, "
                    + "avg, last (how the range's points become one value)");
        }
        Reduce reduce;
        try {
            reduce = Reduce.valueOf(r.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw error(m, "reduce", r, "reduce must be max, min, avg or last");
        }
        return new PromQlMetric(m.name(), query, range, step, reduce, samples, timeout);
    }

    /** @return whether this is a range query */
    boolean isRange() {
        return range != null;
    }

    private static PromQlTemplate template(ExternalMetric m, String field, String text) {
        try {
            return PromQlTemplate.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(m, field, text, e.getMessage());
        }
    }

    private static Duration positive(ExternalMetric m, String field, String text) {
        Duration d = Durations.parse(text);
        if (d == null || d.isNegative() || d.isZero()) {
            throw error(m, field, text, field + " must be a positive duration such as \"30s\", "
                    + "\"5m\" or \"PT5M\"");
        }
        return d;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static ConfigException error(ExternalMetric m, String field, @Nullable String value,
            String problem) {
        return new ConfigException(m.policySource(), m.pointer() + "/" + field, value, problem,
                null);
    }
}

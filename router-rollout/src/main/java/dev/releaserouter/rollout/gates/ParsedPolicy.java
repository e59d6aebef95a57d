package dev.releaserouter.rollout.gates;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A validated policy file. Immutable and thread-safe.
 *
 * @param source names the file in errors and verdicts
 * @param name the policy's name
 * @param digest SHA-256 hex of the file's canonical bytes
 * @param minWindow the shortest window that may give a verdict
 * @param minSamples the fewest samples per arm that may give a verdict
 * @param aliases arm aliases, alias to canonical name
 * @param params named constants by dotted name
 * @param criteria the criteria in file order
 * @param externalMetrics the metrics read from external sources ({@code metrics}), by name
 */
record ParsedPolicy(String source, String name, String digest, Duration minWindow,
        long minSamples, Map<String, String> aliases, Map<String, Double> params,
        List<Criterion> criteria, Map<String, ExternalMetric> externalMetrics) {

    /**
     * Copies the collections.
     *
     * @param source as described on the record
     * @param name as described on the record
     * @param digest as described on the record
     * @param minWindow as described on the record
     * @param minSamples as described on the record
     * @param aliases as described on the record
     * @param params as described on the record
     * @param criteria as described on the record
     * @param externalMetrics as described on the record
     */
    public ParsedPolicy {
        aliases = Map.copyOf(aliases);
        params = Map.copyOf(params);
        criteria = List.copyOf(criteria);
        externalMetrics = java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(externalMetrics));
    }
}

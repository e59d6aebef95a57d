package dev.releaserouter.rollout.gates;

import java.nio.charset.StandardCharsets;

/** Builds policies from inline JSON in tests. */
final class Policies {

    private Policies() {}

    static Policy json(String json) {
        return Policy.parse(json.getBytes(StandardCharsets.UTF_8), "test.json");
    }

    /** A policy with the given criteria array body (JSON objects separated by commas). */
    static Policy criteria(String criteria) {
        return json("{\"aliases\": {\"v1\": \"stable\", \"v2\": \"candidate\"},"
                + " \"params\": {\"slo\": {\"p95_ms\": 120}}, \"criteria\": [" + criteria + "]}");
    }
}

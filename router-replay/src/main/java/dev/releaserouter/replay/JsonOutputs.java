package dev.releaserouter.replay;

import dev.releaserouter.api.config.ConfigException;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** JSON output checks of the replay: non-finite numbers and equality with a tolerance. */
final class JsonOutputs {

    private JsonOutputs() {}

    /**
     * @return the JSON pointer of the first NaN or infinite number in {@code node} ("" for the
     *     node itself), or null if there is none
     */
    static @Nullable String nonFiniteNumber(JsonNode node) {
        if (node.isNumber()) {
            return Double.isFinite(node.asDouble()) ? null : "";
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String at = nonFiniteNumber(e.getValue());
                if (at != null) {
                    return "/" + ConfigException.pointerToken(e.getKey()) + at;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String at = nonFiniteNumber(node.get(i));
                if (at != null) {
                    return "/" + i + at;
                }
            }
        }
        return null;
    }

    /**
     * Structural equality where numbers compare by value ({@code 1} equals {@code 1.0}) and
     * match when at most {@code tolerance} apart; object field order does not matter.
     */
    static boolean equal(JsonNode a, JsonNode b, double tolerance) {
        if (a.isNumber() && b.isNumber()) {
            return tolerance == 0
                    ? a.decimalValue().compareTo(b.decimalValue()) == 0
                    : Math.abs(a.asDouble() - b.asDouble()) <= tolerance;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : a.properties()) {
                JsonNode other = b.get(e.getKey());
                if (other == null || !equal(e.getValue(), other, tolerance)) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), b.get(i), tolerance)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}

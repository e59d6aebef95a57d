package dev.releaserouter.replay.masking;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Walks a JSON tree and builds its masked copy: field rules first (by name at any depth and by
 * JSON pointer, the most protective applying), then the PII detectors on every string value that
 * no rule covered. Never modifies its input. Immutable and thread-safe.
 *
 * <p>A hash rule on an object or array hashes every scalar inside it, while rules on members
 * inside it still apply when they are more protective (a dropped password stays dropped inside a
 * hashed customer). A value that already is a hash token ({@code hmac:} and 32 hex digits) is
 * kept, so masking twice gives the same result as masking once.
 */
final class MaskingEngine {

    /** What a redacted value becomes. */
    public static final String REDACTED = "[REDACTED]";
    /** The prefix of a hashed value. */
    public static final String HASH_PREFIX = "hmac:";
    /** Bytes of the HMAC kept in a hashed value. */
    public static final int HASH_BYTES = 16;

    private static final Pattern HASH_TOKEN = Pattern.compile("hmac:[0-9a-f]{32}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, MaskAction> byName;
    private final List<PointerRule> pointers;
    private final KeyedHash hash;
    private final PiiScanner scanner;

    /** A rule on the value a pointer addresses. */
    public record PointerRule(List<String> tokens, MaskAction action) {
        /**
         * @param tokens the pointer's reference tokens, at least one; copied
         * @param action the action
         */
        public PointerRule {
            tokens = List.copyOf(tokens);
        }
    }

    /**
     * @param byName rules by lower-case (Locale.ROOT) field name; copied
     * @param pointers rules by pointer; copied
     * @param hash the keyed hash for hash rules
     * @param scanner the detectors for the remaining strings
     */
    public MaskingEngine(Map<String, MaskAction> byName, List<PointerRule> pointers,
            KeyedHash hash, PiiScanner scanner) {
        this.byName = Map.copyOf(byName);
        this.pointers = List.copyOf(pointers);
        this.hash = hash;
        this.scanner = scanner;
    }

    /**
     * @param root any tree
     * @return its masked copy (value nodes that need no change may be shared with the input)
     */
    public JsonNode mask(JsonNode root) {
        return walk(root, null, pointers, 0);
    }

    /**
     * @param text a string value
     * @return its hash token, {@code hmac:} and 32 hex digits
     */
    public String hashToken(String text) {
        return HASH_PREFIX + hash.hex(text, HASH_BYTES);
    }

    private JsonNode walk(JsonNode node, @Nullable MaskAction inherited, List<PointerRule> alive,
            int depth) {
        if (node.isObject()) {
            ObjectNode out = NODES.objectNode();
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                String name = member.getKey();
                MaskAction action = MaskAction.strongest(inherited,
                        byName.isEmpty() ? null : byName.get(name.toLowerCase(Locale.ROOT)));
                List<PointerRule> next = List.of();
                if (!alive.isEmpty()) {
                    next = new ArrayList<>(alive.size());
                    action = MaskAction.strongest(action, advance(alive, depth, name, false, next));
                }
                if (action != MaskAction.DROP) {
                    out.set(name, apply(member.getValue(), action, next, depth + 1));
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode(node.size());
            for (int i = 0; i < node.size(); i++) {
                MaskAction action = inherited;
                List<PointerRule> next = List.of();
                if (!alive.isEmpty()) {
                    next = new ArrayList<>(alive.size());
                    action = MaskAction.strongest(action,
                            advance(alive, depth, Integer.toString(i), true, next));
                }
                out.add(action == MaskAction.DROP
                        ? NODES.nullNode() : apply(node.get(i), action, next, depth + 1));
            }
            return out;
        }
        return inherited == MaskAction.HASH ? hashScalar(node) : scanScalar(node);
    }

    /** Applies a redact rule, or walks on (hashing under a hash rule). */
    private JsonNode apply(JsonNode child, @Nullable MaskAction action, List<PointerRule> alive,
            int depth) {
        return action == MaskAction.REDACT
                ? NODES.stringNode(REDACTED) : walk(child, action, alive, depth);
    }

    /**
     * Moves the pointer rules still matching the path one token down: fills {@code next} with
     * the rules that go deeper and returns the strongest action of those ending at this token.
     */
    private static @Nullable MaskAction advance(List<PointerRule> alive, int depth, String token,
            boolean inArray, List<PointerRule> next) {
        MaskAction ending = null;
        for (PointerRule rule : alive) {
            String expected = rule.tokens().get(depth);
            boolean matches = expected.equals(token) || (inArray && expected.equals("*"));
            if (!matches) {
                continue;
            }
            if (rule.tokens().size() == depth + 1) {
                ending = MaskAction.strongest(ending, rule.action());
            } else {
                next.add(rule);
            }
        }
        return ending;
    }

    private JsonNode hashScalar(JsonNode node) {
        if (node.isNull() || node.isMissingNode()) {
            return node;
        }
        if (node.isString()) {
            String text = node.stringValue();
            return HASH_TOKEN.matcher(text).matches() ? node : NODES.stringNode(hashToken(text));
        }
        if (node.isNumber() || node.isBoolean()) {
            // By their JSON text, so that 123 and "123" hash alike and joins still work.
            return NODES.stringNode(hashToken(node.asString()));
        }
        return NODES.stringNode(REDACTED);
    }

    private JsonNode scanScalar(JsonNode node) {
        if (node.isString()) {
            String text = node.stringValue();
            String masked = scanner.scan(text);
            return masked == text ? node : NODES.stringNode(masked);
        }
        if (node.isIntegralNumber()) {
            // An identifier stored as a number (a CPF as 52998224725) is still personal data.
            String placeholder = scanner.scanNumber(node.asString());
            return placeholder == null ? node : NODES.stringNode(placeholder);
        }
        if (node.isNumber() || node.isBoolean() || node.isNull() || node.isMissingNode()
                || node.isBinary()) {
            return node;
        }
        // An embedded Java object (a POJO node): its rendering is unknown, so nothing of it
        // is kept.
        return NODES.stringNode(REDACTED);
    }
}

package dev.releaserouter.core.config;

import dev.releaserouter.api.config.ConfigException;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks shared by the parsers of policy files and release manifests: every failure is a
 * {@link ConfigException} that names the source, the JSON pointer and the bad value. Stateless.
 */
public final class JsonFields {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private JsonFields() {}

    /**
     * Parses one line or document that must be a JSON object (a wire record: an exposure event,
     * a window summary).
     *
     * @param json the text
     * @param what what it should be, for the message (e.g. "an exposure event")
     * @return the object
     * @throws IllegalArgumentException "not JSON: ..." with the parser's message, or
     *     "WHAT must be a JSON object"
     * @throws NullPointerException if json is null
     */
    public static JsonNode parseObject(String json, String what) {
        java.util.Objects.requireNonNull(json, "json");
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        return n;
    }

    /**
     * The text of a string node.
     *
     * @param source the file or resource, for the message
     * @param node the node
     * @param pointer its JSON pointer
     * @return its text
     * @throws ConfigException if the node is not a string
     */
    public static String string(String source, JsonNode node, String pointer) {
        if (!node.isString()) {
            throw error(source, pointer, node, "must be a string");
        }
        return node.asString();
    }

    /**
     * Refuses fields of an object that are not allowed.
     *
     * @param source the file or resource, for the message
     * @param node the object
     * @param pointer its JSON pointer
     * @param allowed the fields it may have
     * @throws ConfigException naming the first unknown field and the allowed ones
     */
    public static void unknownFields(String source, JsonNode node, String pointer,
            Set<String> allowed) {
        for (String key : node.propertyNames()) {
            if (!allowed.contains(key)) {
                throw new ConfigException(source, pointer + "/" + escape(key), key,
                        "unknown field; the fields here are "
                                + allowed.stream().sorted().toList(), null);
            }
        }
    }

    /**
     * An error at a node.
     *
     * @param source the file or resource
     * @param pointer the node's JSON pointer
     * @param node the bad value, or null if it is missing
     * @param problem what is wrong
     * @return the exception, to throw
     */
    public static ConfigException error(String source, String pointer, @Nullable JsonNode node,
            String problem) {
        return new ConfigException(source, pointer, node == null ? null : node.toString(),
                problem, null);
    }

    /**
     * Where a syntax error is, for a message.
     *
     * @param e the parser's exception
     * @return "line L, column C", or "unknown position"
     */
    public static String location(JacksonException e) {
        var loc = e.getLocation();
        return loc == null ? "unknown position"
                : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    /**
     * Escapes a key for a JSON pointer (RFC 6901); the same as
     * {@link ConfigException#pointerToken(String)}.
     *
     * @param key the key
     * @return the escaped token
     */
    public static String escape(String key) {
        return ConfigException.pointerToken(key);
    }
}

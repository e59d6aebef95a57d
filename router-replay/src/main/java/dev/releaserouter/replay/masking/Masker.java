package dev.releaserouter.replay.masking;

import dev.releaserouter.api.shadow.PairMasker;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Removes personal data from JSON and from any object Jackson can serialize, before it is stored
 * or logged. Built by {@link MaskingRules#builder(byte[])}.
 *
 * <p>In order, for every value of a document:
 * <ol>
 *   <li>Field rules, matched by field name at any depth (case-insensitively) or by RFC 6901 JSON
 *       pointer (exactly; the token {@code *} matches every element of an array). When several
 *       rules match a value the most protective applies: drop, then redact, then hash.
 *       <ul>
 *         <li><b>drop</b> removes the member (an array element addressed by a pointer becomes
 *             {@code null}, so the positions of the others are kept);
 *         <li><b>redact</b> replaces the value, whatever its type, by {@code "[REDACTED]"};
 *         <li><b>hash</b> replaces a string, number or boolean by {@code "hmac:"} and the first
 *             16 bytes (32 lowercase hex digits) of its HMAC-SHA256 under the masker's key, so
 *             equal values still join; numbers are hashed by their JSON text ({@code 123} and
 *             {@code "123"} hash alike); {@code null} stays {@code null}; in an object or array
 *             every scalar inside is hashed. A value that already is a hash token is kept.
 *       </ul>
 *   <li>The {@link PiiDetector detectors}, on every string value no rule covered, free text
 *       included: each finding is replaced by its placeholder ({@code [EMAIL]}, {@code [PHONE]},
 *       {@code [CPF]}, {@code [CNPJ]}, {@code [CARD]}). Field names (map keys), numbers and
 *       booleans are not scanned: put a rule on fields that hold identifiers as numbers.
 * </ol>
 * Masking is idempotent: masking a masked document changes nothing.
 *
 * <p>Immutable and thread-safe; one instance can serve every thread. Nothing it throws or logs
 * contains the values it masks.
 */
public final class Masker implements PairMasker {

    private static final String UNSERIALIZABLE = "unserializable";

    private final MaskingEngine engine;
    private final KeyedHash keyedHash;
    private final JsonMapper mapper;
    private final String description;

    Masker(MaskingEngine engine, KeyedHash keyedHash, JsonMapper mapper, String description) {
        this.engine = engine;
        this.keyedHash = keyedHash;
        this.mapper = mapper;
        this.description = description;
    }

    /**
     * Masks a JSON tree.
     *
     * @param json any tree; not modified
     * @return a masked copy
     * @throws NullPointerException if json is null (a JSON null is a {@code NullNode})
     */
    public JsonNode mask(JsonNode json) {
        return engine.mask(Objects.requireNonNull(json, "json"));
    }

    /**
     * Masks a JSON text.
     *
     * @param json one JSON value (object, array or scalar)
     * @return the masked value as compact JSON text
     * @throws IllegalArgumentException if the text is not one valid JSON value; the message
     *     gives the position only, never the content
     * @throws NullPointerException if json is null
     */
    public String maskJson(String json) {
        Objects.requireNonNull(json, "json");
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JacksonException e) {
            // Not chained: Jackson's message quotes the offending text, which may be PII.
            TokenStreamLocation at = e.getLocation();
            throw new IllegalArgumentException("not valid JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column "
                            + at.getColumnNr()));
        }
        if (tree == null || tree.isMissingNode()) {
            throw new IllegalArgumentException("not valid JSON: no value");
        }
        return mapper.writeValueAsString(engine.mask(tree));
    }

    /**
     * Converts any object to a JSON tree with Jackson ({@code valueToTree}: records, maps,
     * collections, beans, primitives, strings) and masks it. A string is a string value, not
     * parsed: use {@link #maskJson(String)} for JSON text. An object Jackson cannot serialize
     * becomes {@code {"unserializable":"<its class name>"}}; its {@code toString} is never used.
     *
     * @param value the object, or null
     * @return its masked JSON text (compact); {@code null} for null
     */
    @Override
    public String maskValue(@Nullable Object value) {
        if (value == null) {
            return "null";
        }
        JsonNode tree;
        try {
            tree = value instanceof JsonNode node ? node : mapper.valueToTree(value);
        } catch (RuntimeException e) {
            return unserializable(value);
        }
        try {
            return mapper.writeValueAsString(engine.mask(tree == null ? mapper.nullNode() : tree));
        } catch (JacksonException e) {
            return unserializable(value);
        }
    }

    private String unserializable(Object value) {
        return mapper.writeValueAsString(
                mapper.createObjectNode().put(UNSERIALIZABLE, value.getClass().getName()));
    }

    /**
     * The keyed hash stored as {@code ShadowPair.entityKeyHash}: HMAC-SHA256 of the key's UTF-8
     * bytes under the masker's secret, in full.
     *
     * @param key the raw entity key
     * @return 64 lowercase hex digits
     * @throws NullPointerException if key is null
     */
    @Override
    public String hashEntityKey(String key) {
        return keyedHash.hex(Objects.requireNonNull(key, "key"));
    }

    /**
     * The hash token a hash rule puts in place of a string value; useful to look a known value
     * up in stored pairs.
     *
     * @param value a raw value (for a number, its JSON text)
     * @return {@code "hmac:"} and 32 lowercase hex digits
     * @throws NullPointerException if value is null
     */
    public String hashValue(String value) {
        return engine.hashToken(Objects.requireNonNull(value, "value"));
    }

    /** @return the rules and detectors (never the key) */
    @Override
    public String toString() {
        return description;
    }
}

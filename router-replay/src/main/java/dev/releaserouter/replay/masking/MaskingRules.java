package dev.releaserouter.replay.masking;

import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds a {@link Masker}: which fields to drop, hash or redact, and which detectors to run.
 *
 * <pre>{@code
 * Masker masker = MaskingRules.builder(secretKeyBytes)     // 16 to 64 bytes, kept secret
 *         .drop("password", "token")                        // by name, at any depth
 *         .hash("customerId", "email")                      // keyed hash: joins still work
 *         .redact("address")
 *         .redactPointer("/payment/card")                   // RFC 6901, exact
 *         .dropPointer("/contacts/*")                       // * = every array element
 *         .disable(PiiDetector.PHONE)                       // the others stay on
 *         .build();
 * String masked = masker.maskValue(request);
 * }</pre>
 *
 * <p>Not instantiable; see {@link Builder}.
 */
public final class MaskingRules {

    private static final int MIN_KEY_BYTES = 16;
    private static final int MAX_KEY_BYTES = 64;
    private static final int RANDOM_KEY_BYTES = 32;

    private MaskingRules() {}

    /**
     * Starts rules whose hashes use the given secret. Use the same secret everywhere pairs are
     * joined (and keep it out of the stored data): hashes made under different keys never match.
     *
     * @param hmacKey the HMAC-SHA256 key, 16 to 64 bytes; copied
     * @return a new builder, every detector on, no field rules
     * @throws IllegalArgumentException if the key is shorter than 16 or longer than 64 bytes
     * @throws NullPointerException if hmacKey is null
     */
    public static Builder builder(byte[] hmacKey) {
        Objects.requireNonNull(hmacKey, "hmacKey");
        if (hmacKey.length < MIN_KEY_BYTES || hmacKey.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("hmac key must be " + MIN_KEY_BYTES + " to "
                    + MAX_KEY_BYTES + " bytes, but was " + hmacKey.length);
        }
        return new Builder(hmacKey.clone());
    }

    /**
     * Starts rules with a random 32-byte secret that is never exposed: hashes (and entity key
     * hashes) then only match within the maskers built from this builder, not across restarts
     * or processes. Use {@link #builder(byte[])} for stable hashes.
     *
     * @return a new builder, every detector on, no field rules
     */
    public static Builder builder() {
        byte[] key = new byte[RANDOM_KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return new Builder(key);
    }

    /**
     * Collects field rules and detector switches. Not thread-safe; {@link #build()} may be called
     * more than once, and later changes do not affect maskers already built.
     */
    public static final class Builder {

        private final byte[] key;
        private final Map<String, MaskAction> byName = new LinkedHashMap<>();
        private final Map<String, MaskAction> byPointer = new LinkedHashMap<>();
        private final Set<PiiDetector> detectors = EnumSet.allOf(PiiDetector.class);
        private JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // An object without properties is one Jackson cannot see into: say so
                // ({"unserializable":...}) rather than store an empty object.
                .enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .build();

        private Builder(byte[] key) {
            this.key = key;
        }

        /**
         * Removes members with these names, at any depth, compared case-insensitively.
         *
         * @param fieldNames one or more field names
         * @return this builder
         * @throws IllegalArgumentException if a name is blank or already has another rule
         * @throws NullPointerException if a name is null
         */
        public Builder drop(String... fieldNames) {
            return names(MaskAction.DROP, fieldNames);
        }

        /**
         * Removes the values these JSON pointers address; an array element becomes null.
         *
         * @param jsonPointers RFC 6901 pointers; the token {@code *} matches every array element
         * @return this builder
         * @throws IllegalArgumentException if a pointer is malformed or empty, or already has
         *     another rule
         * @throws NullPointerException if a pointer is null
         */
        public Builder dropPointer(String... jsonPointers) {
            return pointers(MaskAction.DROP, jsonPointers);
        }

        /**
         * Replaces the values of members with these names (at any depth, case-insensitively) by
         * their keyed hash, {@code "hmac:"} and 32 hex digits.
         *
         * @param fieldNames one or more field names
         * @return this builder
         * @throws IllegalArgumentException if a name is blank or already has another rule
         * @throws NullPointerException if a name is null
         */
        public Builder hash(String... fieldNames) {
            return names(MaskAction.HASH, fieldNames);
        }

        /**
         * Replaces the values these JSON pointers address by their keyed hash.
         *
         * @param jsonPointers RFC 6901 pointers; the token {@code *} matches every array element
         * @return this builder
         * @throws IllegalArgumentException if a pointer is malformed or empty, or already has
         *     another rule
         * @throws NullPointerException if a pointer is null
         */
        public Builder hashPointer(String... jsonPointers) {
            return pointers(MaskAction.HASH, jsonPointers);
        }

        /**
         * Replaces the values of members with these names (at any depth, case-insensitively) by
         * {@code "[REDACTED]"}.
         *
         * @param fieldNames one or more field names
         * @return this builder
         * @throws IllegalArgumentException if a name is blank or already has another rule
         * @throws NullPointerException if a name is null
         */
        public Builder redact(String... fieldNames) {
            return names(MaskAction.REDACT, fieldNames);
        }

        /**
         * Replaces the values these JSON pointers address by {@code "[REDACTED]"}.
         *
         * @param jsonPointers RFC 6901 pointers; the token {@code *} matches every array element
         * @return this builder
         * @throws IllegalArgumentException if a pointer is malformed or empty, or already has
         *     another rule
         * @throws NullPointerException if a pointer is null
         */
        public Builder redactPointer(String... jsonPointers) {
            return pointers(MaskAction.REDACT, jsonPointers);
        }

        /**
         * Turns detectors off (all are on by default).
         *
         * @param off the detectors not to run; {@code PiiDetector.values()} for none at all
         * @return this builder
         * @throws NullPointerException if a detector is null
         */
        public Builder disable(PiiDetector... off) {
            for (PiiDetector detector : off) {
                detectors.remove(Objects.requireNonNull(detector, "detector"));
            }
            return this;
        }

        /**
         * Turns detectors back on.
         *
         * @param on the detectors to run
         * @return this builder
         * @throws NullPointerException if a detector is null
         */
        public Builder enable(PiiDetector... on) {
            for (PiiDetector detector : on) {
                detectors.add(Objects.requireNonNull(detector, "detector"));
            }
            return this;
        }

        /**
         * Sets the mapper that converts objects for {@link Masker#maskValue(Object)} and parses
         * and writes JSON text (for types that need modules or custom serializers).
         *
         * @param jsonMapper the mapper; by default a plain {@code JsonMapper} that rejects
         *     trailing content and fails on objects without properties (which {@code maskValue}
         *     then renders as {@code {"unserializable":"<class name>"}})
         * @return this builder
         * @throws NullPointerException if jsonMapper is null
         */
        public Builder mapper(JsonMapper jsonMapper) {
            this.mapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
            return this;
        }

        /** @return a masker with the rules so far */
        public Masker build() {
            KeyedHash keyedHash = new KeyedHash(key);
            MaskingEngine engine = new MaskingEngine(byName,
                    byPointer.entrySet().stream()
                            .map(e -> new MaskingEngine.PointerRule(
                                    JsonPointers.parse(e.getKey()), e.getValue()))
                            .collect(Collectors.toList()),
                    keyedHash, new PiiScanner(detectors));
            return new Masker(engine, keyedHash, mapper, describe());
        }

        private Builder names(MaskAction action, String... fieldNames) {
            for (String name : fieldNames) {
                Objects.requireNonNull(name, "fieldName");
                if (name.isBlank()) {
                    throw new IllegalArgumentException("field name must not be blank");
                }
                put(byName, name.toLowerCase(Locale.ROOT), action, "field '" + name + "'");
            }
            return this;
        }

        private Builder pointers(MaskAction action, String... jsonPointers) {
            for (String pointer : jsonPointers) {
                JsonPointers.parse(Objects.requireNonNull(pointer, "jsonPointer"));
                put(byPointer, pointer, action, "JSON pointer '" + pointer + "'");
            }
            return this;
        }

        private static void put(Map<String, MaskAction> rules, String key, MaskAction action,
                String what) {
            MaskAction before = rules.putIfAbsent(key, action);
            if (before != null && before != action) {
                throw new IllegalArgumentException(what + " already has the rule "
                        + lower(before) + "; it cannot also " + lower(action));
            }
        }

        private String describe() {
            return "Masker[names=" + describe(byName) + ", pointers=" + describe(byPointer)
                    + ", detectors=" + detectors + "]";
        }

        private static String describe(Map<String, MaskAction> rules) {
            return rules.entrySet().stream()
                    .map(e -> lower(e.getValue()) + " " + e.getKey())
                    .collect(Collectors.joining(", ", "[", "]"));
        }

        private static String lower(MaskAction action) {
            return action.name().toLowerCase(Locale.ROOT);
        }
    }
}

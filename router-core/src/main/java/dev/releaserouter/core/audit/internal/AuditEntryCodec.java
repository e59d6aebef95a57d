package dev.releaserouter.core.audit.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.releaserouter.api.audit.AuditEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wire format of one audit log line (a contract: see {@code docs/audit.md}).
 *
 * <p>A line is the canonical JSON body {@code {"seq":..,"time":..,...,"prev":".."}} with
 * {@code ,"hash":"<hex>"} inserted before its closing brace, followed by {@code \n}. The hash is
 * the lowercase hex SHA-256 of the body's UTF-8 bytes.
 *
 * <p>The canonical form is written by hand rather than by a JSON generator on purpose: the hash
 * covers exact bytes, so the escaping rules must not move with a library upgrade or a feature
 * default. Parsing, where no such exactness is needed, uses Jackson. Stateless and thread-safe.
 */
public final class AuditEntryCodec {

    /** The {@code prev} of the first entry: 64 zeros. */
    public static final String GENESIS_HASH = "0".repeat(64);

    /** Field names in their fixed order. */
    static final List<String> FIELDS = List.of("seq", "time", "actor", "action", "target",
            "before", "after", "reason", "ticket", "revision", "prev", "hash");

    private static final String HASH_FIELD = ",\"hash\":\"";
    /** Bytes after the body's last field: {@code ,"hash":"} + 64 hex digits + {@code "}}. */
    private static final int HASH_SUFFIX = 75;
    private static final Pattern HEX_64 = Pattern.compile("[0-9a-f]{64}");
    private static final HexFormat HEX = HexFormat.of();
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private AuditEntryCodec() {}

    /**
     * Builds the canonical body of an entry: every field but {@code hash}, in order.
     *
     * @param seq the sequence number
     * @param event the event
     * @param prev the previous entry's hash
     * @return the body, starting with '{' and ending with '}'
     */
    public static String body(long seq, AuditEvent event, String prev) {
        StringBuilder b = new StringBuilder(256).append("{\"seq\":").append(seq);
        string(b, "time", event.time().toString());
        string(b, "actor", event.actor());
        string(b, "action", event.action());
        string(b, "target", event.target());
        string(b, "before", event.before());
        string(b, "after", event.after());
        string(b, "reason", event.reason());
        string(b, "ticket", event.ticket());
        b.append(",\"revision\":").append(event.revision());
        string(b, "prev", prev);
        return b.append('}').toString();
    }

    /**
     * @param body a canonical body
     * @return the lowercase hex SHA-256 of its UTF-8 bytes
     */
    public static String sha256Hex(String body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HEX.formatHex(digest.digest(body.getBytes(UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to provide SHA-256.
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * @param entry a parsed entry
     * @return the hash its content should carry (compare with {@link AuditEntry#hash()})
     */
    public static String hashOf(AuditEntry entry) {
        return sha256Hex(body(entry.seq(), entry.event(), entry.prev()));
    }

    /**
     * The hash a line in canonical form should carry, from its bytes: SHA-256 of the line
     * without its last 75 bytes ({@code ,"hash":"<64 hex>"}) plus a closing brace. Only
     * meaningful for a line {@link #parse} accepted (canonical form), where it equals {@link
     * #hashOf(AuditEntry)} without re-serializing the entry.
     *
     * @param line a line accepted by {@link #parse}, without its newline
     * @param digest a SHA-256 digest to use (reset first); not thread-safe, so one per caller
     * @return the lowercase hex hash
     */
    public static String hashOfCanonicalLine(byte[] line, MessageDigest digest) {
        digest.reset();
        digest.update(line, 0, line.length - HASH_SUFFIX);
        digest.update((byte) '}');
        return HEX.formatHex(digest.digest());
    }

    /**
     * @param body a canonical body
     * @param hash its hash
     * @return the full line, ending with {@code \n}, as UTF-8 bytes
     */
    public static byte[] line(String body, String hash) {
        return (lineText(body, hash) + '\n').getBytes(UTF_8);
    }

    private static String lineText(String body, String hash) {
        return body.substring(0, body.length() - 1) + HASH_FIELD + hash + "\"}";
    }

    /**
     * Parses one line (without its {@code \n}) strictly: valid UTF-8, JSON with exactly the
     * twelve fields in order and of the right types, and byte for byte in canonical form. Does
     * not check the hash or the chain.
     *
     * @param line the line's bytes
     * @return the entry
     * @throws IllegalArgumentException describing why the line is malformed
     */
    public static AuditEntry parse(byte[] line) {
        String text = decodeUtf8(line);
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty line");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        List<String> names = new ArrayList<>(node.propertyNames());
        if (!names.equals(FIELDS)) {
            throw new IllegalArgumentException(
                    "expected the fields " + FIELDS + " in this order, but found " + names);
        }
        AuditEvent event;
        try {
            event = new AuditEvent(
                    Instant.parse(text(node, "time")),
                    text(node, "actor"),
                    text(node, "action"),
                    text(node, "target"),
                    nullableText(node, "before"),
                    nullableText(node, "after"),
                    text(node, "reason"),
                    nullableText(node, "ticket"),
                    number(node, "revision"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time is not an ISO-8601 instant: "
                    + node.get("time").stringValue(), e);
        }
        long seq = number(node, "seq");
        AuditEntry entry = new AuditEntry(seq, event, hex(node, "prev"), hex(node, "hash"));
        String body = body(seq, event, entry.prev());
        if (!text.equals(lineText(body, entry.hash()))) {
            throw new IllegalArgumentException("not in canonical form (edited by hand?)");
        }
        return entry;
    }

    private static void string(StringBuilder b, String name, @Nullable String value) {
        b.append(",\"").append(name).append("\":");
        if (value == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        b.append(c).append(value.charAt(++i));
                    } else if (c < 0x20 || Character.isSurrogate(c)) {
                        // Control characters, and unpaired surrogates (which UTF-8 cannot encode).
                        b.append("\\u").append(HEX.toHexDigits(c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    private static String decodeUtf8(byte[] bytes) {
        try {
            return UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not valid UTF-8", e);
        }
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (!value.isString()) {
            throw new IllegalArgumentException(name + " must be a string, but was " + value);
        }
        return value.stringValue();
    }

    private static @Nullable String nullableText(JsonNode node, String name) {
        return node.get(name).isNull() ? null : text(node, name);
    }

    private static long number(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException(
                    name + " must be a whole number, but was " + value);
        }
        return value.longValue();
    }

    private static String hex(JsonNode node, String name) {
        String value = text(node, name);
        if (!HEX_64.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    name + " must be 64 lowercase hex digits, but was \"" + value + "\"");
        }
        return value;
    }
}

package dev.releaserouter.core.exposure;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.api.spi.ExposureEvent.EntityEncoding;
import dev.releaserouter.core.config.JsonFields;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON form of an {@link ExposureEvent}: one object per event, a wire contract shared by the
 * JSON Lines and Kafka sinks and whatever reads them back (a warehouse loader, the rollout
 * report). Described field by field in {@code docs/exposures.md} and pinned by a golden file:
 *
 * <pre>{@code
 * {"v":1,"time":"2026-03-01T12:00:00.123Z","model":"churn","version":"v2","role":"candidate",
 *  "reason":"canary_bucket","bucket":417,"config_revision":3,"entity":"5f0c...",
 *  "entity_encoding":"hmac_sha256","tenant":"acme","region":"BR","channel":"app",
 *  "product":null,"attributes":{"plan":"gold"}}
 * }</pre>
 *
 * <p>Fields are always present and in this order (absent values are {@code null}, no
 * attributes is {@code {}}); enum values are lowercase. Readers must ignore fields they do not
 * know: a later version {@code v} only adds fields. Stateless and thread-safe.
 */
public final class ExposureJson {

    /** The version of the format written in the {@code v} field. */
    public static final int FORMAT_VERSION = 1;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private ExposureJson() {}

    /**
     * @param event an event
     * @return its JSON, on one line, without a line break
     * @throws NullPointerException if event is null
     */
    public static String write(ExposureEvent event) {
        Objects.requireNonNull(event, "event");
        ObjectNode n = MAPPER.createObjectNode();
        n.put("v", FORMAT_VERSION);
        n.put("time", event.time().toString());
        n.put("model", event.model());
        n.put("version", event.version());
        n.put("role", lower(event.role()));
        n.put("reason", lower(event.reason()));
        if (event.bucket().isPresent()) {
            n.put("bucket", event.bucket().getAsInt());
        } else {
            n.putNull("bucket");
        }
        n.put("config_revision", event.configRevision());
        n.put("entity", event.entity());
        n.put("entity_encoding", lower(event.entityEncoding()));
        n.put("tenant", event.tenant());
        n.put("region", event.region());
        n.put("channel", event.channel());
        n.put("product", event.product());
        ObjectNode attributes = n.putObject("attributes");
        event.attributes().forEach(attributes::put);
        return MAPPER.writeValueAsString(n);
    }

    /**
     * Reads an event written by {@link #write} (any format version up to
     * {@link #FORMAT_VERSION}; unknown fields are ignored).
     *
     * @param json one event's JSON
     * @return the event
     * @throws IllegalArgumentException naming the field and the bad value if the JSON is not an
     *     exposure event
     * @throws NullPointerException if json is null
     */
    public static ExposureEvent read(String json) {
        JsonNode n = JsonFields.parseObject(json, "an exposure event");
        JsonNode v = n.get("v");
        if (v == null || !v.isIntegralNumber() || v.asInt() < 1 || v.asInt() > FORMAT_VERSION) {
            throw new IllegalArgumentException("/v must be a format version from 1 to "
                    + FORMAT_VERSION + ", but was " + v);
        }
        ExposureEvent.Builder b = ExposureEvent.builder(text(n, "model"), text(n, "version"),
                text(n, "entity"));
        String time = text(n, "time");
        try {
            b.time(Instant.parse(time));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("/time must be an ISO-8601 instant, but was '"
                    + time + "'", e);
        }
        b.role(enumValue(n, "role", Role.class));
        b.reason(enumValue(n, "reason", Reason.class));
        b.entityEncoding(enumValue(n, "entity_encoding", EntityEncoding.class));
        JsonNode bucket = n.get("bucket");
        if (bucket != null && !bucket.isNull()) {
            if (!bucket.isIntegralNumber() || bucket.asInt() < 0 || bucket.asInt() >= 10_000) {
                throw new IllegalArgumentException(
                        "/bucket must be null or an integer in [0, 10000), but was " + bucket);
            }
            b.bucket(bucket.asInt());
        }
        JsonNode rev = n.get("config_revision");
        if (rev == null || !rev.isIntegralNumber()) {
            throw new IllegalArgumentException(
                    "/config_revision must be an integer, but was " + rev);
        }
        b.configRevision(rev.asLong());
        b.tenant(optionalText(n, "tenant")).region(optionalText(n, "region"))
                .channel(optionalText(n, "channel")).product(optionalText(n, "product"));
        JsonNode attributes = n.get("attributes");
        if (attributes != null && !attributes.isNull()) {
            if (!attributes.isObject()) {
                throw new IllegalArgumentException(
                        "/attributes must be an object, but was " + attributes);
            }
            for (Map.Entry<String, JsonNode> e : attributes.properties()) {
                if (!e.getValue().isString()) {
                    throw new IllegalArgumentException("/attributes/" + e.getKey()
                            + " must be a string, but was " + e.getValue());
                }
                b.attribute(e.getKey(), e.getValue().asString());
            }
        }
        return b.build();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String text(JsonNode n, String field) {
        String s = optionalText(n, field);
        if (s == null) {
            throw new IllegalArgumentException("/" + field + " is required, but was null");
        }
        return s;
    }

    private static @Nullable String optionalText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw new IllegalArgumentException("/" + field + " must be a string, but was " + v);
        }
        return v.asString();
    }

    private static <E extends Enum<E>> E enumValue(JsonNode n, String field, Class<E> type) {
        String s = text(n, field);
        try {
            return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("/" + field + " must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT)
                    + ", but was '" + s + "'", e);
        }
    }
}

package dev.releaserouter.governance.release;

import static dev.releaserouter.core.config.JsonFields.escape;
import static dev.releaserouter.core.config.JsonFields.location;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.config.JsonFields;
import dev.releaserouter.rollout.ChangeType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes {@code release_manifest.json} (format in {@code docs/release.md}). Every
 * error is a {@link ConfigException} naming the source, the JSON pointer and the bad value.
 *
 * <p>Stateless; thread-safe.
 */
final class ManifestJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Set<String> TOP = Set.of("model", "version", "artifact_digest",
            "policy_digest", "canary", "rollback", "approvals", "tickets", "links", "change_type");
    private static final Set<String> CANARY = Set.of("strategy", "window_min");
    private static final Set<String> ROLLBACK = Set.of("to_version", "alias");
    private static final Set<String> TICKETS = Set.of("change", "incidents");
    private static final Set<String> LINK = Set.of("uri", "digest");

    private final String source;

    private ManifestJson(String source) {
        this.source = source;
    }

    /**
     * Parses and validates a manifest.
     *
     * @param utf8 the file's bytes, UTF-8 (a byte order mark is allowed)
     * @param source names the file in errors
     * @return the manifest
     * @throws ConfigException if the manifest is malformed or invalid
     */
    public static ReleaseManifest parse(byte[] utf8, String source) {
        return new ManifestJson(source).manifest(utf8);
    }

    private ReleaseManifest manifest(byte[] utf8) {
        byte[] bytes = utf8.length >= 3 && (utf8[0] & 0xFF) == 0xEF && (utf8[1] & 0xFF) == 0xBB
                && (utf8[2] & 0xFF) == 0xBF ? Arrays.copyOfRange(utf8, 3, utf8.length) : utf8;
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw new ConfigException(source, "", null, "not well-formed JSON: "
                    + e.getOriginalMessage() + " at " + location(e), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ConfigException(source, "", null, "the release manifest is empty", null);
        }
        if (!root.isObject()) {
            throw error("", root, "the release manifest must be a JSON object");
        }
        unknownFields(root, "", TOP);
        ReleaseManifest.Builder b = ReleaseManifest.builder();
        String model = optionalString(root, "model", "");
        if (model != null) {
            b.model(model);
        }
        String version = optionalString(root, "version", "");
        if (version != null) {
            b.version(version);
        }
        String artifact = optionalString(root, "artifact_digest", "");
        if (artifact != null) {
            b.artifactDigest(artifact);
        }
        String policy = optionalString(root, "policy_digest", "");
        if (policy != null) {
            b.policyDigest(policy);
        }
        JsonNode canary = root.get("canary");
        if (canary != null) {
            object(canary, "/canary", CANARY);
            String strategy = requiredString(canary, "strategy", "/canary");
            JsonNode window = required(canary, "window_min", "/canary");
            if (!window.isIntegralNumber() || !window.canConvertToInt()) {
                throw error("/canary/window_min", window,
                        "canary.window_min must be a whole number of minutes");
            }
            b.canary(strategy, window.asInt());
        }
        JsonNode rollback = required(root, "rollback", "");
        object(rollback, "/rollback", ROLLBACK);
        b.rollback(requiredString(rollback, "to_version", "/rollback"),
                optionalString(rollback, "alias", "/rollback"));
        JsonNode approvals = required(root, "approvals", "");
        if (!approvals.isObject()) {
            throw error("/approvals", approvals, "approvals must be an object of role to"
                    + " person, e.g. {\"security\": \"maria.s\", \"product\": \"raphael.f\"}");
        }
        Map<String, String> byRole = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : approvals.properties()) {
            byRole.put(e.getKey(), string(e.getValue(), "/approvals/" + escape(e.getKey())));
        }
        b.approvals(byRole);
        JsonNode tickets = required(root, "tickets", "");
        object(tickets, "/tickets", TICKETS);
        b.changeTicket(requiredString(tickets, "change", "/tickets"));
        JsonNode incidents = tickets.get("incidents");
        if (incidents != null) {
            if (!incidents.isArray()) {
                throw error("/tickets/incidents", incidents,
                        "tickets.incidents must be an array of strings");
            }
            List<String> list = new ArrayList<>();
            for (int i = 0; i < incidents.size(); i++) {
                list.add(string(incidents.get(i), "/tickets/incidents/" + i));
            }
            b.incidents(list);
        }
        JsonNode links = root.get("links");
        if (links != null) {
            links(links, b);
        }
        String changeType = optionalString(root, "change_type", "");
        if (changeType != null) {
            try {
                b.changeType(ChangeType.of(changeType));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(source, "/change_type", changeType, "change_type must"
                        + " be one of standard, normal, emergency (any case)", null);
            }
        }
        try {
            return b.build();
        } catch (ConfigException e) {
            throw e.locatedIn(source, "");
        }
    }

    private void links(JsonNode links, ReleaseManifest.Builder b) {
        if (!links.isObject()) {
            throw error("/links", links, "links must be an object of kind to link, e.g."
                    + " {\"sbom\": {\"uri\": \"sbom.cdx.json\", \"digest\": \"sha256:...\"}}");
        }
        for (Map.Entry<String, JsonNode> e : links.properties()) {
            String pointer = "/links/" + escape(e.getKey());
            ReleaseManifest.LinkKind kind = ReleaseManifest.LinkKind.ofJson(e.getKey());
            if (kind == null) {
                throw error(pointer, null, "unknown link '" + e.getKey() + "'; the links are"
                        + " model_card, adr, scdr, sbom, attestation");
            }
            object(e.getValue(), pointer, LINK);
            b.link(kind, requiredString(e.getValue(), "uri", pointer),
                    optionalString(e.getValue(), "digest", pointer));
        }
    }

    /**
     * Writes a manifest as described on {@link ReleaseManifest#toJson()}.
     *
     * @param m the manifest
     * @return the JSON text, ending with a newline
     */
    public static String write(ReleaseManifest m) {
        StringBuilder sb = new StringBuilder("{\n");
        line(sb, "model", q(m.model()));
        line(sb, "version", q(m.version()));
        line(sb, "artifact_digest", q(m.artifactDigest()));
        line(sb, "policy_digest", q(m.policyDigest()));
        ReleaseManifest.Canary canary = m.canary();
        if (canary != null) {
            line(sb, "canary", "{\"strategy\": " + q(canary.strategy()) + ", \"window_min\": "
                    + canary.windowMinutes() + "}");
        }
        ReleaseManifest.Rollback rollback = m.rollback();
        String alias = rollback.alias();
        line(sb, "rollback", "{\"to_version\": " + q(rollback.toVersion())
                + (alias == null ? "" : ", \"alias\": " + q(alias)) + "}");
        StringBuilder approvals = new StringBuilder("{");
        m.approvals().forEach((role, person) -> approvals.append(approvals.length() > 1
                ? ", " : "").append(q(role)).append(": ").append(q(person)));
        line(sb, "approvals", approvals.append('}').toString());
        StringBuilder incidents = new StringBuilder("[");
        for (String incident : m.tickets().incidents()) {
            incidents.append(incidents.length() > 1 ? ", " : "").append(q(incident));
        }
        line(sb, "tickets", "{\"change\": " + q(m.tickets().change()) + ", \"incidents\": "
                + incidents.append(']') + "}");
        if (!m.links().isEmpty()) {
            StringBuilder links = new StringBuilder("{");
            m.links().forEach((kind, link) -> {
                links.append(links.length() > 1 ? ", " : "").append(q(kind.jsonName()))
                        .append(": {\"uri\": ").append(q(link.uri()));
                String digest = link.digest();
                if (digest != null) {
                    links.append(", \"digest\": ").append(q(digest));
                }
                links.append('}');
            });
            line(sb, "links", links.append('}').toString());
        }
        sb.append("  \"change_type\": ").append(q(m.changeType().jsonName())).append("\n}\n");
        return sb.toString();
    }

    private static void line(StringBuilder sb, String field, String json) {
        sb.append("  \"").append(field).append("\": ").append(json).append(",\n");
    }

    private static String q(String s) {
        return MAPPER.writeValueAsString(s);
    }

    private void object(JsonNode node, String pointer, Set<String> allowed) {
        if (!node.isObject()) {
            throw error(pointer, node, pointer.substring(1) + " must be an object");
        }
        unknownFields(node, pointer, allowed);
    }

    private JsonNode required(JsonNode parent, String field, String pointer) {
        JsonNode node = parent.get(field);
        if (node == null) {
            String name = pointer.isEmpty() ? field : pointer.substring(1).replace('/', '.')
                    + "." + field;
            throw new ConfigException(source, pointer + "/" + field, null, name
                    + " is required", null);
        }
        return node;
    }

    private String requiredString(JsonNode parent, String field, String pointer) {
        return string(required(parent, field, pointer), pointer + "/" + field);
    }

    private @Nullable String optionalString(JsonNode parent, String field, String pointer) {
        JsonNode node = parent.get(field);
        return node == null ? null : string(node, pointer + "/" + field);
    }

    private ConfigException error(String pointer, @Nullable JsonNode node, String problem) {
        return JsonFields.error(source, pointer, node, problem);
    }

    private String string(JsonNode node, String pointer) {
        return JsonFields.string(source, node, pointer);
    }

    private void unknownFields(JsonNode node, String pointer, Set<String> allowed) {
        JsonFields.unknownFields(source, node, pointer, allowed);
    }
}

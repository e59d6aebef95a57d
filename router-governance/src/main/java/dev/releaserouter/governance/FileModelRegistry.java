package dev.releaserouter.governance;

import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The default {@link ModelRegistry}: one JSON file ({@code registry.json} in a directory) with
 * every version's stage, approvals and history and every alias. Each change rewrites the file to
 * a temporary file and moves it over the old one atomically, so a crash leaves the old or the new
 * registry, never half of one.
 *
 * <p>Design: thread-safe; the records live in memory under the instance's monitor and every
 * write persists the whole registry while still holding it, so the file always matches memory.
 * One process should own a directory.
 */
public final class FileModelRegistry extends InMemoryModelRegistry {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final Path file;

    /**
     * Opens (or creates on first write) {@code registry.json} in a directory.
     *
     * @param dir the directory (created if missing)
     * @throws UncheckedIOException if the directory or the file cannot be read
     * @throws ConfigException if the file exists but is not a valid registry
     */
    public FileModelRegistry(Path dir) {
        Objects.requireNonNull(dir, "dir");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create registry directory " + dir, e);
        }
        this.file = dir.resolve("registry.json");
        if (Files.exists(file)) {
            read();
        }
    }

    /** @return the registry file */
    public Path file() {
        return file;
    }

    private void read() {
        String source = file.toUri().toString();
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read registry " + file, e);
        } catch (JacksonException e) {
            throw new ConfigException(source, "", null, "not well-formed JSON: "
                    + e.getOriginalMessage(), e);
        }
        List<VersionRecord> versions = new ArrayList<>();
        List<AliasRecord> aliases = new ArrayList<>();
        try {
            for (JsonNode v : root.path("versions")) {
                List<Approval> approvals = new ArrayList<>();
                for (JsonNode a : v.path("approvals")) {
                    approvals.add(new Approval(a.get("approver").asString(),
                            a.get("role").asString(), Instant.parse(a.get("time").asString()),
                            instant(a, "revalidate_by")));
                }
                List<StageTransition> history = new ArrayList<>();
                for (JsonNode t : v.path("history")) {
                    history.add(new StageTransition(Instant.parse(t.get("time").asString()),
                            t.get("actor").asString(),
                            t.path("from").isNull() || t.path("from").isMissingNode() ? null
                                    : stage(t.get("from").asString()),
                            stage(t.get("to").asString()), t.get("reason").asString(),
                            t.path("ticket").isString() ? t.get("ticket").asString() : null,
                            t.path("change_ticket").isObject() ? ticket(t.get("change_ticket"))
                                    : null));
                }
                JsonNode p = v.path("policy_snapshot");
                PolicySnapshot policy = p.isObject() ? new PolicySnapshot(
                        p.get("digest").asString(), p.get("definitive").asBoolean(),
                        Instant.parse(p.get("time").asString())) : null;
                List<PromotionHold> holds = new ArrayList<>();
                for (JsonNode h : v.path("holds")) {
                    holds.add(new PromotionHold(h.get("id").asString(),
                            h.get("reason").asString(), h.get("placed_by").asString(),
                            Instant.parse(h.get("time").asString())));
                }
                versions.add(new VersionRecord(v.get("model").asString(),
                        v.get("version").asString(), stage(v.get("stage").asString()),
                        approvals, history, policy, instant(v, "revalidate_by"), holds));
            }
            for (JsonNode a : root.path("aliases")) {
                List<String> previous = new ArrayList<>();
                a.path("previous").forEach(p -> previous.add(p.asString()));
                aliases.add(new AliasRecord(a.get("model").asString(), a.get("alias").asString(),
                        a.get("version").asString(), previous));
            }
        } catch (RuntimeException e) {
            throw new ConfigException(source, "", null, "not a registry file: " + e, e);
        }
        load(versions, aliases);
    }

    private static @Nullable Instant instant(JsonNode o, String field) {
        return o.path(field).isString() ? Instant.parse(o.get(field).asString()) : null;
    }

    private static ChangeTicket ticket(JsonNode t) {
        List<String> steps = new ArrayList<>();
        t.path("steps").forEach(x -> steps.add(x.asString()));
        List<String> owners = new ArrayList<>();
        t.path("owners").forEach(x -> owners.add(x.asString()));
        return ChangeTicket.builder(t.get("id").asString()).scope(t.get("scope").asString())
                .risk(t.get("risk").asString()).impact(t.get("impact").asString())
                .window(Instant.parse(t.get("window").get("start").asString()),
                        Instant.parse(t.get("window").get("end").asString()))
                .steps(steps).backout(t.get("backout").asString())
                .validation(t.get("validation").asString()).owners(owners).build();
    }

    private static Stage stage(String s) {
        return Stage.valueOf(s.toUpperCase(Locale.ROOT));
    }

    @Override
    void saved() {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode vs = root.putArray("versions");
        for (VersionRecord r : allVersions().values()) {
            ObjectNode v = vs.addObject();
            v.put("model", r.model()).put("version", r.version())
                    .put("stage", r.stage().name().toLowerCase(Locale.ROOT));
            ArrayNode as = v.putArray("approvals");
            for (Approval a : r.approvals()) {
                ObjectNode o = as.addObject().put("approver", a.approver()).put("role", a.role())
                        .put("time", a.time().toString());
                if (a.revalidateBy() != null) {
                    o.put("revalidate_by", a.revalidateBy().toString());
                }
            }
            ArrayNode hs = v.putArray("history");
            for (StageTransition t : r.history()) {
                ObjectNode h = hs.addObject().put("time", t.time().toString())
                        .put("actor", t.actor());
                if (t.from() == null) {
                    h.putNull("from");
                } else {
                    h.put("from", t.from().name().toLowerCase(Locale.ROOT));
                }
                h.put("to", t.to().name().toLowerCase(Locale.ROOT)).put("reason", t.reason());
                if (t.ticket() != null) {
                    h.put("ticket", t.ticket());
                }
                if (t.changeTicket() != null) {
                    h.set("change_ticket", MAPPER.readTree(t.changeTicket().toJson()));
                }
            }
            PolicySnapshot p = r.policySnapshot();
            if (p != null) {
                v.putObject("policy_snapshot").put("digest", p.digest())
                        .put("definitive", p.definitive()).put("time", p.time().toString());
            }
            if (r.revalidateBy() != null) {
                v.put("revalidate_by", r.revalidateBy().toString());
            }
            ArrayNode hs2 = v.putArray("holds");
            r.holds().forEach(x -> hs2.addObject().put("id", x.id()).put("reason", x.reason())
                    .put("placed_by", x.placedBy()).put("time", x.time().toString()));
        }
        ArrayNode als = root.putArray("aliases");
        for (AliasRecord a : allAliases().values()) {
            ObjectNode o = als.addObject().put("model", a.model()).put("alias", a.alias())
                    .put("version", a.version());
            ArrayNode p = o.putArray("previous");
            a.previous().forEach(p::add);
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write registry " + file, e);
        }
    }
}

package dev.releaserouter.governance.release;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.config.JsonFields;
import dev.releaserouter.rollout.ChangeType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The release manifest ({@code release_manifest.json}) of one model version: which artifact and
 * which gate policy it was approved with (by digest), how it is rolled out, where it rolls back
 * to, who approved it (four-eyes) and under which change ticket. Format and validation rules in
 * {@code docs/release.md}.
 *
 * <p>Every manifest is valid: {@link Builder#build()}, {@link #parse(byte[], String)},
 * {@link #load(Path)} and {@link #fromClasspath(String, ClassLoader)} refuse an invalid one with a
 * {@link ConfigException} naming the source, the JSON pointer and the bad value.
 * {@link #toJson()} writes the fields in a fixed order, and {@code parse(toJson())} gives an equal
 * manifest.
 *
 * <p>Immutable and thread-safe.
 */
public final class ReleaseManifest {

    private static final Pattern ARTIFACT_DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final String SHA256_PREFIX = "sha256:";

    /**
     * How the candidate is rolled out, as the manifest states it.
     *
     * @param strategy the stages in words, e.g. {@code "5%→25%→100%"}; not blank
     * @param windowMinutes how long each stage is observed, in minutes; at least 1
     */
    public record Canary(String strategy, int windowMinutes) {

        /**
         * Checks for null; {@link Builder#build()} validates the values.
         *
         * @param strategy as described on the record
         * @param windowMinutes as described on the record
         * @throws NullPointerException if strategy is null
         */
        public Canary {
            Objects.requireNonNull(strategy, "strategy");
        }
    }

    /**
     * Where traffic goes back to if the release is backed out.
     *
     * @param toVersion the previous Approved version; differs from the manifest's version
     * @param alias the alias that is moved back, e.g. {@code "production"}, or null if none
     */
    public record Rollback(String toVersion, @Nullable String alias) {

        /**
         * Checks for null; {@link Builder#build()} validates the values.
         *
         * @param toVersion as described on the record
         * @param alias as described on the record
         * @throws NullPointerException if toVersion is null
         */
        public Rollback {
            Objects.requireNonNull(toVersion, "toVersion");
        }
    }

    /**
     * The change ticket and related incidents.
     *
     * @param change the change ticket, e.g. {@code "CHG-10234"}; not blank
     * @param incidents related incident tickets, possibly empty; copied
     */
    public record Tickets(String change, List<String> incidents) {

        /**
         * Checks for null and copies; {@link Builder#build()} validates the values.
         *
         * @param change as described on the record
         * @param incidents as described on the record
         * @throws NullPointerException if change, incidents or an incident is null
         */
        public Tickets {
            Objects.requireNonNull(change, "change");
            incidents = List.copyOf(incidents);
        }
    }

    /**
     * The kinds of documents a release links to (seed 004 §4: "Links: Model Card final,
     * SCDR/ADR, SBOM, attestation"). The JSON name ({@link #jsonName()}) is the lowercase name,
     * e.g. {@code model_card}.
     */
    public enum LinkKind {
        /** The final model card. */
        MODEL_CARD,
        /** The architecture decision record. */
        ADR,
        /** The security/compliance decision record (seed 004: SCDR). */
        SCDR,
        /** The software bill of materials (CycloneDX or SPDX). */
        SBOM,
        /** A build provenance attestation (e.g. an in-toto/SLSA statement). */
        ATTESTATION;

        /** @return the field name in {@code links}, e.g. {@code model_card} */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param jsonName a field name of {@code links}
         * @return the kind, or null if the name is not one
         */
        static @Nullable LinkKind ofJson(String jsonName) {
            for (LinkKind k : values()) {
                if (k.jsonName().equals(jsonName)) {
                    return k;
                }
            }
            return null;
        }
    }

    /**
     * A linked document: where it is and, for a file, its digest.
     *
     * @param uri an absolute URI ({@code https://wiki/adr/42}, {@code s3://bucket/sbom.json},
     *     {@code file:/srv/sbom.json}) or a path relative to the release directory
     *     ({@code docs/model_card.md}: no leading {@code /}, no {@code ..}, no backslash)
     * @param digest {@code sha256:} and 64 lowercase hex digits of the document's bytes;
     *     required for a relative path or a {@code file:} URI (a file), optional otherwise;
     *     null if absent
     */
    public record Link(String uri, @Nullable String digest) {

        /**
         * Checks for null; {@link Builder#build()} validates the values.
         *
         * @param uri as described on the record
         * @param digest as described on the record
         * @throws NullPointerException if uri is null
         */
        public Link {
            Objects.requireNonNull(uri, "uri");
        }

        /** @return whether the link names a file: a relative path or a {@code file:} URI */
        public boolean isFile() {
            String scheme = scheme(uri);
            return scheme == null || scheme.equals("file");
        }
    }

    private final String model;
    private final String version;
    private final String artifactDigest;
    private final String policyDigest;
    private final @Nullable Canary canary;
    private final Rollback rollback;
    private final Map<String, String> approvals;
    private final Tickets tickets;
    private final ChangeType changeType;
    private final Map<LinkKind, Link> links;

    private ReleaseManifest(Builder b, String policyDigest, Rollback rollback, Tickets tickets) {
        this.model = Objects.requireNonNull(b.model);
        this.version = Objects.requireNonNull(b.version);
        this.artifactDigest = Objects.requireNonNull(b.artifactDigest);
        this.policyDigest = policyDigest;
        this.canary = b.canary;
        this.rollback = rollback;
        this.approvals = Collections.unmodifiableMap(new LinkedHashMap<>(b.approvals));
        this.tickets = tickets;
        this.changeType = b.changeType;
        this.links = Collections.unmodifiableMap(new EnumMap<>(b.links));
    }

    /**
     * A new, empty builder.
     *
     * @return a builder whose change type is {@link ChangeType#NORMAL}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this manifest's values, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder()
                .model(model)
                .version(version)
                .artifactDigest(artifactDigest)
                .policyDigest(policyDigest)
                .canary(canary)
                .rollback(rollback.toVersion(), rollback.alias())
                .approvals(approvals)
                .changeTicket(tickets.change())
                .incidents(tickets.incidents())
                .changeType(changeType);
        links.forEach((kind, link) -> b.link(kind, link.uri(), link.digest()));
        return b;
    }

    /**
     * Parses and validates a release manifest.
     *
     * @param utf8 the file's bytes, UTF-8 JSON (a byte order mark is allowed)
     * @param source names the file in errors, e.g. {@code file:/srv/releases/release_manifest.json}
     * @return the manifest
     * @throws ConfigException naming {@code source}, the JSON pointer and the bad value if the
     *     JSON is malformed (with line and column) or has a duplicate or unknown field, a
     *     required field is missing, a digest is malformed, the rollback target is the version
     *     itself, the change type is unknown, or the approvals break the four-eyes rule
     * @throws NullPointerException if an argument is null
     */
    public static ReleaseManifest parse(byte[] utf8, String source) {
        Objects.requireNonNull(utf8, "utf8");
        Objects.requireNonNull(source, "source");
        return ManifestJson.parse(utf8, source);
    }

    /**
     * Reads and validates a release manifest file.
     *
     * @param file the file
     * @return the manifest
     * @throws ConfigException if the file is invalid, see {@link #parse(byte[], String)}; its
     *     source is the file's URI
     * @throws UncheckedIOException if the file cannot be read
     * @throws NullPointerException if file is null
     */
    public static ReleaseManifest load(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            return parse(Files.readAllBytes(file), file.toUri().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read release manifest " + file, e);
        }
    }

    /**
     * Reads and validates a release manifest from the classpath.
     *
     * @param resource the resource name, e.g. {@code release/release_manifest.json}
     * @param loader the class loader to read it from
     * @return the manifest
     * @throws ConfigException if the resource is missing or invalid; its source is
     *     {@code classpath:<resource>}
     * @throws UncheckedIOException if the resource cannot be read
     * @throws NullPointerException if an argument is null
     */
    public static ReleaseManifest fromClasspath(String resource, ClassLoader loader) {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(loader, "loader");
        String source = "classpath:" + resource;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigException(source, "", null, "no such resource", null);
            }
            return parse(in.readAllBytes(), source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read release manifest " + source, e);
        }
    }

    /**
     * The SHA-256 of an artifact's bytes, in the form of {@code artifact_digest}.
     *
     * @param bytes the artifact's bytes, exactly (no canonicalization)
     * @return {@code sha256:} and 64 lowercase hex digits
     * @throws NullPointerException if bytes is null
     */
    public static String sha256(byte[] bytes) {
        return SHA256_PREFIX + Digests.sha256Hex(bytes);
    }

    /**
     * The SHA-256 of an artifact file, in the form of {@code artifact_digest}; equals
     * {@code sha256sum file} with a {@code sha256:} prefix. Reads the file as a stream.
     *
     * @param file the artifact file
     * @return {@code sha256:} and 64 lowercase hex digits
     * @throws UncheckedIOException if the file cannot be read
     * @throws NullPointerException if file is null
     */
    public static String sha256(Path file) {
        return SHA256_PREFIX + Digests.sha256Hex(file);
    }

    /**
     * Checks what is deployed against this manifest.
     *
     * <p>Digests are compared ignoring case; the artifact digest may be given with or without
     * its {@code sha256:} prefix, and so may the policy digest.
     *
     * @param deployedArtifactDigest the digest of the artifact actually deployed, or null if not
     *     known (which is a mismatch)
     * @param policyDigestInForce the digest of the gate policy in force, as
     *     {@code Policy.digest()} returns it, or null if not known (which is a mismatch)
     * @return empty if both match; otherwise one message per mismatch naming the field, what the
     *     manifest says and what is deployed, e.g. {@code artifact_digest: the manifest says
     *     sha256:aa... but the deployed artifact is sha256:bb...}
     */
    public List<String> verify(@Nullable String deployedArtifactDigest,
            @Nullable String policyDigestInForce) {
        List<String> problems = new ArrayList<>(2);
        if (deployedArtifactDigest == null
                || !bareHex(deployedArtifactDigest).equals(bareHex(artifactDigest))) {
            problems.add("artifact_digest: the manifest says " + artifactDigest
                    + " but the deployed artifact is "
                    + (deployedArtifactDigest == null ? "unknown" : deployedArtifactDigest));
        }
        if (policyDigestInForce == null
                || !bareHex(policyDigestInForce).equals(policyDigest)) {
            problems.add("policy_digest: the manifest says " + policyDigest
                    + " but the policy in force is "
                    + (policyDigestInForce == null ? "unknown" : policyDigestInForce));
        }
        return List.copyOf(problems);
    }

    private static String bareHex(String digest) {
        String d = digest.strip().toLowerCase(Locale.ROOT);
        return d.startsWith(SHA256_PREFIX) ? d.substring(SHA256_PREFIX.length()) : d;
    }

    /**
     * The manifest as JSON: an object with the fields in the order {@code model},
     * {@code version}, {@code artifact_digest}, {@code policy_digest}, {@code canary} (if
     * present), {@code rollback}, {@code approvals} (in the order given), {@code tickets},
     * {@code links} (if any, in the order of {@link LinkKind}), {@code change_type}; one field
     * per line, nested objects on one line, a final newline.
     *
     * @return the JSON text; {@link #parse(byte[], String)} of its UTF-8 bytes gives an equal
     *     manifest
     */
    public String toJson() {
        return ManifestJson.write(this);
    }

    /** @return the model name, e.g. {@code risk-default} */
    public String model() {
        return model;
    }

    /** @return the version being released, e.g. {@code v2.3.0} */
    public String version() {
        return version;
    }

    /** @return the artifact's digest: {@code sha256:} and 64 lowercase hex digits */
    public String artifactDigest() {
        return artifactDigest;
    }

    /**
     * The gate policy's digest, as {@code Policy.digest()} returns it.
     *
     * @return 64 lowercase hex digits, without a {@code sha256:} prefix
     */
    public String policyDigest() {
        return policyDigest;
    }

    /** @return the canary strategy, or null if the manifest has none */
    public @Nullable Canary canary() {
        return canary;
    }

    /** @return the rollback target and alias */
    public Rollback rollback() {
        return rollback;
    }

    /**
     * The approvals, role to person, in the order given.
     *
     * @return an unmodifiable map with at least two entries and distinct people
     */
    public Map<String, String> approvals() {
        return approvals;
    }

    /** @return the change ticket and incidents */
    public Tickets tickets() {
        return tickets;
    }

    /** @return the change type; {@link ChangeType#NORMAL} unless the manifest says otherwise */
    public ChangeType changeType() {
        return changeType;
    }

    /**
     * The linked documents (model card, ADR, SCDR, SBOM, attestation), in the order of
     * {@link LinkKind}.
     *
     * @return an unmodifiable map, possibly empty
     */
    public Map<LinkKind, Link> links() {
        return links;
    }

    /**
     * Checks the linked files against their digests: each link that is a relative path
     * (resolved against {@code releaseDir}) or a {@code file:} URI must exist and have the
     * SHA-256 the manifest says. Links to other URIs are not fetched.
     *
     * @param releaseDir the directory relative paths are resolved against (where
     *     {@code release_manifest.json} is)
     * @return empty if every linked file matches; otherwise one message per problem naming
     *     the link ({@code links.sbom}), the file, and the expected and actual digest
     * @throws NullPointerException if releaseDir is null
     */
    public List<String> checkLinkedFiles(Path releaseDir) {
        Objects.requireNonNull(releaseDir, "releaseDir");
        List<String> problems = new ArrayList<>();
        links.forEach((kind, link) -> {
            if (!link.isFile()) {
                return;
            }
            String name = "links." + kind.jsonName();
            Path file;
            try {
                file = scheme(link.uri()) == null ? releaseDir.resolve(link.uri())
                        : Path.of(URI.create(link.uri()));
            } catch (IllegalArgumentException e) { // e.g. file://host/x
                problems.add(name + ": " + link.uri() + " is not a local file: "
                        + e.getMessage());
                return;
            }
            if (!Files.isRegularFile(file)) {
                problems.add(name + ": " + file + " does not exist");
                return;
            }
            String actual = sha256(file);
            if (!actual.equals(link.digest())) {
                problems.add(name + ": the manifest says " + link.digest() + " but " + file
                        + " is " + actual);
            }
        });
        return List.copyOf(problems);
    }

    /** The URI scheme of a link, lowercase, or null for a relative path. */
    static @Nullable String scheme(String uri) {
        int colon = uri.indexOf(':');
        // One letter before ':' is a Windows drive, not a scheme.
        if (colon < 2 || !uri.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            return null;
        }
        return uri.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    /**
     * Equal if every field is equal (approvals compared as maps, ignoring their order).
     *
     * @param o another object, or null
     * @return whether o is an equal manifest
     */
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ReleaseManifest m && model.equals(m.model)
                && version.equals(m.version) && artifactDigest.equals(m.artifactDigest)
                && policyDigest.equals(m.policyDigest) && Objects.equals(canary, m.canary)
                && rollback.equals(m.rollback) && approvals.equals(m.approvals)
                && tickets.equals(m.tickets) && changeType == m.changeType
                && links.equals(m.links);
    }

    /** @return a hash consistent with {@link #equals(Object)} */
    @Override
    public int hashCode() {
        return Objects.hash(model, version, artifactDigest, policyDigest, canary, rollback,
                approvals, tickets, changeType, links);
    }

    /** @return the model, version, change ticket and change type, for logs */
    @Override
    public String toString() {
        return "ReleaseManifest[" + model + " " + version + ", " + tickets.change() + ", "
                + changeType.jsonName() + "]";
    }

    /**
     * Builds a {@link ReleaseManifest}. Not thread-safe; use it from one thread.
     */
    public static final class Builder {

        private @Nullable String model;
        private @Nullable String version;
        private @Nullable String artifactDigest;
        private @Nullable String policyDigest;
        private @Nullable Canary canary;
        private @Nullable String rollbackVersion;
        private @Nullable String rollbackAlias;
        private final Map<String, String> approvals = new LinkedHashMap<>();
        private @Nullable String changeTicket;
        private List<String> incidents = List.of();
        private ChangeType changeType = ChangeType.NORMAL;
        private final Map<LinkKind, Link> links = new EnumMap<>(LinkKind.class);

        private Builder() {}

        /**
         * @param model the model name; required, not blank
         * @return this builder
         */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /**
         * @param version the version being released; required, not blank
         * @return this builder
         */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /**
         * @param digest the artifact digest, {@code sha256:} and 64 lowercase hex digits (see
         *     {@link ReleaseManifest#sha256(byte[])}); required
         * @return this builder
         */
        public Builder artifactDigest(String digest) {
            this.artifactDigest = digest;
            return this;
        }

        /**
         * @param digest the policy digest, 64 lowercase hex digits as {@code Policy.digest()}
         *     returns them, optionally with a {@code sha256:} prefix (removed); required
         * @return this builder
         */
        public Builder policyDigest(String digest) {
            this.policyDigest = digest;
            return this;
        }

        /**
         * @param canary the canary strategy, or null for none (the default)
         * @return this builder
         */
        public Builder canary(@Nullable Canary canary) {
            this.canary = canary;
            return this;
        }

        /**
         * @param strategy the stages in words, e.g. {@code "5%→25%→100%"}
         * @param windowMinutes minutes each stage is observed, at least 1
         * @return this builder
         * @throws NullPointerException if strategy is null
         */
        public Builder canary(String strategy, int windowMinutes) {
            return canary(new Canary(strategy, windowMinutes));
        }

        /**
         * @param toVersion the version to roll back to; required, not the released version
         * @param alias the alias moved back on rollback, e.g. {@code "production"}, or null
         * @return this builder
         */
        public Builder rollback(String toVersion, @Nullable String alias) {
            this.rollbackVersion = toVersion;
            this.rollbackAlias = alias;
            return this;
        }

        /**
         * Adds an approval (replacing an earlier one for the same role).
         *
         * @param role e.g. {@code "security"}
         * @param person who approved, e.g. {@code "maria.s"}
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder approval(String role, String person) {
            approvals.put(Objects.requireNonNull(role, "role"),
                    Objects.requireNonNull(person, "person"));
            return this;
        }

        /**
         * Replaces the approvals.
         *
         * @param approvals role to person; at least two, from distinct people in distinct roles
         * @return this builder
         * @throws NullPointerException if the map, a role or a person is null
         */
        public Builder approvals(Map<String, String> approvals) {
            Map<String, String> copy = new LinkedHashMap<>();
            approvals.forEach((role, person) -> copy.put(Objects.requireNonNull(role, "role"),
                    Objects.requireNonNull(person, "person")));
            this.approvals.clear();
            this.approvals.putAll(copy);
            return this;
        }

        /**
         * @param ticket the change ticket, e.g. {@code "CHG-10234"}; required
         * @return this builder
         */
        public Builder changeTicket(String ticket) {
            this.changeTicket = ticket;
            return this;
        }

        /**
         * @param incidents related incident tickets; empty by default
         * @return this builder
         * @throws NullPointerException if the list or an element is null
         */
        public Builder incidents(List<String> incidents) {
            this.incidents = List.copyOf(incidents);
            return this;
        }

        /**
         * @param changeType the change type; {@link ChangeType#NORMAL} by default
         * @return this builder
         * @throws NullPointerException if changeType is null
         */
        public Builder changeType(ChangeType changeType) {
            this.changeType = Objects.requireNonNull(changeType, "changeType");
            return this;
        }

        /**
         * Sets a linked document (replacing an earlier one of the same kind).
         *
         * @param kind what the document is
         * @param uri an absolute URI or a path relative to the release directory, see
         *     {@link Link}
         * @param digest {@code sha256:} and 64 lowercase hex digits; required for a file, or
         *     null
         * @return this builder
         * @throws NullPointerException if kind or uri is null
         */
        public Builder link(LinkKind kind, String uri, @Nullable String digest) {
            links.put(Objects.requireNonNull(kind, "kind"), new Link(uri, digest));
            return this;
        }

        /**
         * Removes a linked document.
         *
         * @param kind what the document is
         * @return this builder
         */
        public Builder removeLink(LinkKind kind) {
            links.remove(Objects.requireNonNull(kind, "kind"));
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the manifest
         * @throws ConfigException without a source, naming the JSON pointer of the field (as in
         *     the file) and the bad value, if a required field is missing or blank, a digest is
         *     malformed, the rollback target equals the version, the canary window is not
         *     positive, or the approvals break the four-eyes rule (fewer than two, or one
         *     person under two roles: pointer {@code /approvals})
         */
        public ReleaseManifest build() {
            text(model, "/model", "model");
            text(version, "/version", "version");
            required(artifactDigest, "/artifact_digest", "artifact_digest");
            if (!ARTIFACT_DIGEST.matcher(artifactDigest).matches()) {
                throw new ConfigException("/artifact_digest", artifactDigest, "artifact_digest"
                        + " must be sha256: followed by 64 lowercase hex digits");
            }
            required(policyDigest, "/policy_digest", "policy_digest");
            String policy = policyDigest.startsWith(SHA256_PREFIX)
                    ? policyDigest.substring(SHA256_PREFIX.length()) : policyDigest;
            if (!HEX64.matcher(policy).matches()) {
                throw new ConfigException("/policy_digest", policyDigest, "policy_digest must be"
                        + " 64 lowercase hex digits (as Policy.digest() returns), optionally"
                        + " prefixed with sha256:");
            }
            if (canary != null) {
                text(canary.strategy(), "/canary/strategy", "canary.strategy");
                if (canary.windowMinutes() < 1) {
                    throw new ConfigException("/canary/window_min", canary.windowMinutes(),
                            "canary.window_min must be at least 1 minute");
                }
            }
            text(rollbackVersion, "/rollback/to_version", "rollback.to_version");
            if (rollbackVersion.equals(version)) {
                throw new ConfigException("/rollback/to_version", rollbackVersion,
                        "rollback.to_version must differ from version " + version
                                + ": a release cannot roll back to itself");
            }
            if (rollbackAlias != null) {
                text(rollbackAlias, "/rollback/alias", "rollback.alias");
            }
            fourEyes();
            text(changeTicket, "/tickets/change", "tickets.change");
            for (int i = 0; i < incidents.size(); i++) {
                text(incidents.get(i), "/tickets/incidents/" + i, "an incident ticket");
            }
            links.forEach(Builder::checkLink);
            return new ReleaseManifest(this, policy, new Rollback(rollbackVersion, rollbackAlias),
                    new Tickets(changeTicket, incidents));
        }

        private static void checkLink(LinkKind kind, Link link) {
            String pointer = "/links/" + kind.jsonName();
            String name = "links." + kind.jsonName();
            String uri = link.uri();
            text(uri, pointer + "/uri", name + ".uri");
            String scheme = scheme(uri);
            if (scheme != null) {
                try {
                    URI parsed = new URI(uri);
                    if (scheme.equals("file") && parsed.getPath() == null) {
                        throw new URISyntaxException(uri, "a file: URI needs a path");
                    }
                } catch (URISyntaxException e) {
                    throw new ConfigException(pointer + "/uri", uri, name + ".uri must be an"
                            + " absolute URI or a relative path: " + e.getMessage());
                }
            } else if (uri.startsWith("/") || uri.contains("\\") || uri.matches("[A-Za-z]:.*")
                    || List.of(uri.split("/")).contains("..")) {
                throw new ConfigException(pointer + "/uri", uri, name + ".uri must be an absolute"
                        + " URI (https://..., file:/...) or a path relative to the release"
                        + " directory without a leading /, a drive, a backslash or ..");
            }
            String digest = link.digest();
            if (digest == null) {
                if (link.isFile()) {
                    throw new ConfigException(pointer + "/digest", null, name + ".digest is"
                            + " required for a file (" + uri + "): sha256: and 64 lowercase"
                            + " hex digits");
                }
            } else if (!ARTIFACT_DIGEST.matcher(digest).matches()) {
                throw new ConfigException(pointer + "/digest", digest, name + ".digest must be"
                        + " sha256: followed by 64 lowercase hex digits");
            }
        }

        private void fourEyes() {
            if (approvals.size() < 2) {
                throw new ConfigException("/approvals", approvals.isEmpty() ? null
                        : approvals.toString(), "four-eyes: at least two approvals are needed,"
                        + " from two distinct people in distinct roles (e.g. security and"
                        + " product)");
            }
            Map<String, String> roles = new HashMap<>();
            Map<String, String> people = new HashMap<>();
            for (Map.Entry<String, String> e : approvals.entrySet()) {
                String pointer = "/approvals/" + JsonFields.escape(e.getKey());
                text(e.getKey(), "/approvals", "an approval role");
                text(e.getValue(), pointer, "an approver");
                String role = e.getKey().strip().toLowerCase(Locale.ROOT);
                String earlierRole = roles.put(role, e.getKey());
                if (earlierRole != null) {
                    throw new ConfigException("/approvals", e.getKey(), "four-eyes: the role "
                            + earlierRole + " is given twice");
                }
                String person = e.getValue().strip().toLowerCase(Locale.ROOT);
                String roleOfPerson = people.put(person, e.getKey());
                if (roleOfPerson != null) {
                    throw new ConfigException("/approvals", e.getValue(), "four-eyes: "
                            + e.getValue() + " approved both as " + roleOfPerson + " and as "
                            + e.getKey() + "; the approvals must come from two distinct people");
                }
            }
        }

        private static void required(@Nullable String value, String pointer, String name) {
            if (value == null) {
                throw new ConfigException(pointer, null, name + " is required");
            }
        }

        private static void text(@Nullable String value, String pointer, String name) {
            required(value, pointer, name);
            if (value.isBlank()) {
                throw new ConfigException(pointer, value, name + " must not be blank");
            }
            if (value.codePoints().anyMatch(Character::isISOControl)) {
                throw new ConfigException(pointer, value, name
                        + " must not contain control characters such as line breaks");
            }
        }
    }
}

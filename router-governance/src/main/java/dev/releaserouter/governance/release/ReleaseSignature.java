package dev.releaserouter.governance.release;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.config.JsonFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A detached Ed25519 signature of one file's exact bytes (seed 001 §10, 004 §4), kept next to
 * it as {@code <file>.sig} ({@link #fileFor}), e.g. {@code release_manifest.json.sig}:
 *
 * <pre>
 * {"algorithm": "Ed25519", "key_id": "release-2026",
 *  "signed_sha256": "&lt;64 hex: SHA-256 of the signed bytes&gt;",
 *  "signature": "&lt;base64 of the 64-byte signature&gt;"}
 * </pre>
 *
 * <p>{@code signed_sha256} is informative: it lets a failed check say whether the file changed
 * after signing or another key signed it; the signature alone decides. The signature is the raw
 * RFC 8032 signature of the bytes, so {@code openssl pkeyutl -verify -rawin} checks it too (see
 * {@code docs/governance-release.md}).
 *
 * <p>Immutable and thread-safe.
 */
public final class ReleaseSignature {

    /** The suffix of a signature file. */
    public static final String SUFFIX = ".sig";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Set<String> FIELDS = Set.of("algorithm", "key_id", "signed_sha256",
            "signature");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private final String keyId;
    private final String signedSha256;
    private final byte[] signature;

    private ReleaseSignature(String keyId, String signedSha256, byte[] signature) {
        this.keyId = keyId;
        this.signedSha256 = signedSha256;
        this.signature = signature.clone();
    }

    /**
     * Signs bytes.
     *
     * @param content the exact bytes, e.g. of {@code release_manifest.json}
     * @param key the signing key
     * @return the signature
     * @throws NullPointerException if an argument is null
     */
    public static ReleaseSignature sign(byte[] content, SigningKey key) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(key, "key");
        return new ReleaseSignature(key.keyId(), Digests.sha256Hex(content), key.sign(content));
    }

    /**
     * Signs a file and writes its signature next to it ({@link #fileFor}), atomically,
     * replacing an older signature.
     *
     * @param file the file to sign
     * @param key the signing key
     * @return the signature file written
     * @throws UncheckedIOException if the file cannot be read or the signature written
     * @throws NullPointerException if an argument is null
     */
    public static Path signFile(Path file, SigningKey key) {
        byte[] content = SigningKey.read(Objects.requireNonNull(file, "file"), "file to sign");
        Path sig = fileFor(file);
        try {
            AtomicFiles.write(sig, sign(content, key).toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write signature " + sig, e);
        }
        return sig;
    }

    /**
     * @param signed a signed file
     * @return its signature file: the same name with {@value #SUFFIX} appended, in the same
     *     directory
     */
    public static Path fileFor(Path signed) {
        Path name = signed.getFileName();
        if (name == null) {
            throw new IllegalArgumentException("not a file: " + signed);
        }
        return signed.resolveSibling(name + SUFFIX);
    }

    /**
     * Parses a signature file.
     *
     * @param utf8 the file's bytes
     * @param source names the file in errors
     * @return the signature
     * @throws ConfigException naming the source, the JSON pointer and the value if the JSON is
     *     malformed, a field is unknown, missing or of the wrong type, the algorithm is not
     *     Ed25519, the key id or digest is malformed, or the signature is not 64 bytes of
     *     base64
     * @throws NullPointerException if an argument is null
     */
    public static ReleaseSignature parse(byte[] utf8, String source) {
        Objects.requireNonNull(utf8, "utf8");
        Objects.requireNonNull(source, "source");
        JsonNode root;
        try {
            root = MAPPER.readTree(utf8);
        } catch (JacksonException e) {
            throw new ConfigException(source, "", null, "not well-formed JSON: "
                    + e.getOriginalMessage() + " at " + JsonFields.location(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source, "", null, "a signature file must be a JSON"
                    + " object", null);
        }
        JsonFields.unknownFields(source, root, "", FIELDS);
        String algorithm = field(root, "algorithm", source);
        if (!algorithm.equals(SigningKey.ALGORITHM)) {
            throw new ConfigException(source, "/algorithm", algorithm, "algorithm must be "
                    + SigningKey.ALGORITHM, null);
        }
        String keyId = field(root, "key_id", source);
        try {
            SigningKey.checkKeyId(keyId);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, "/key_id", keyId, e.getMessage(), null);
        }
        String digest = field(root, "signed_sha256", source);
        if (!HEX64.matcher(digest).matches()) {
            throw new ConfigException(source, "/signed_sha256", digest,
                    "signed_sha256 must be 64 lowercase hex digits", null);
        }
        String base64 = field(root, "signature", source);
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, "/signature", base64, "signature must be base64"
                    + " (" + e.getMessage() + ")", null);
        }
        if (bytes.length != 64) {
            throw new ConfigException(source, "/signature", base64, "an Ed25519 signature is"
                    + " 64 bytes, but this is " + bytes.length, null);
        }
        return new ReleaseSignature(keyId, digest, bytes);
    }

    /**
     * Reads the signature of a signed file, if it has one.
     *
     * @param signed the signed file (not the {@code .sig})
     * @return the signature, or null if {@link #fileFor}({@code signed}) does not exist
     * @throws ConfigException if the signature file is malformed (see {@link #parse})
     * @throws UncheckedIOException if it exists but cannot be read
     */
    public static @Nullable ReleaseSignature loadFor(Path signed) {
        Path sig = fileFor(signed);
        if (!Files.exists(sig)) {
            return null;
        }
        return parse(SigningKey.read(sig, "signature"), sig.toUri().toString());
    }

    private static String field(JsonNode root, String name, String source) {
        JsonNode node = root.get(name);
        if (node == null) {
            throw new ConfigException(source, "/" + name, null, name + " is required", null);
        }
        return JsonFields.string(source, node, "/" + name);
    }

    /** @return the id of the key that made the signature */
    public String keyId() {
        return keyId;
    }

    /** @return the SHA-256 of the signed bytes, 64 lowercase hex digits, as the signer saw them */
    public String signedSha256() {
        return signedSha256;
    }

    /** @return the 64-byte signature; a copy */
    public byte[] signature() {
        return signature.clone();
    }

    /** @return the raw signature bytes without copying, for verification in this package */
    byte[] signatureBytes() {
        return signature;
    }

    /**
     * @return the signature file's JSON: the fields in the order algorithm, key_id,
     *     signed_sha256, signature, on one line, with a final newline
     */
    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("algorithm", SigningKey.ALGORITHM);
        root.put("key_id", keyId);
        root.put("signed_sha256", signedSha256);
        root.put("signature", Base64.getEncoder().encodeToString(signature));
        return MAPPER.writeValueAsString(root) + "\n";
    }

    /**
     * @param o another object, or null
     * @return whether o is a signature with the same key id, digest and bytes
     */
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ReleaseSignature s && keyId.equals(s.keyId)
                && signedSha256.equals(s.signedSha256) && Arrays.equals(signature, s.signature);
    }

    /** @return a hash consistent with {@link #equals(Object)} */
    @Override
    public int hashCode() {
        return Objects.hash(keyId, signedSha256, Arrays.hashCode(signature));
    }

    /** @return the key id and signed digest */
    @Override
    public String toString() {
        return "ReleaseSignature[" + keyId + ", sha256 " + signedSha256 + "]";
    }
}

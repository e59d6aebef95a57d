package dev.releaserouter.governance.release;

import dev.releaserouter.api.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The Ed25519 public keys signatures are checked against, by key id (seed 001 §10: "o canary
 * consome somente versões Staging/Approved com assinatura válida"; 004 §4, §5). Keys come from
 * the user: X.509 SubjectPublicKeyInfo PEM files ({@code -----BEGIN PUBLIC KEY-----}, what
 * {@code openssl pkey -pubout} writes), DER files, or the certificates of a KeyStore (PKCS12 or
 * JKS; the key id is the entry's alias).
 *
 * <p>Immutable and thread-safe.
 */
public final class TrustedKeys {

    private final Map<String, PublicKey> keys;

    private TrustedKeys(Map<String, PublicKey> keys) {
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    /** @return a builder with no keys */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the trusted key ids, in the order added */
    public Set<String> keyIds() {
        return keys.keySet();
    }

    /**
     * Checks a detached signature of some bytes.
     *
     * @param content the exact bytes that should have been signed
     * @param signature the signature, or null if there is none
     * @param name names the signed file in the message, e.g. {@code release_manifest.json}
     * @return the result; its message names the file and the key id
     * @throws NullPointerException if content or name is null
     */
    public SignatureCheck verify(byte[] content, @Nullable ReleaseSignature signature,
            String name) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(name, "name");
        if (signature == null) {
            return new SignatureCheck(SignatureCheck.Status.MISSING, null, name
                    + ": no signature (" + name + ReleaseSignature.SUFFIX + " is missing)");
        }
        String keyId = signature.keyId();
        PublicKey key = keys.get(keyId);
        if (key == null) {
            return new SignatureCheck(SignatureCheck.Status.UNKNOWN_KEY, keyId, name
                    + ": signed by key '" + keyId + "', which is not trusted (trusted: "
                    + keys.keySet() + ")");
        }
        boolean ok;
        try {
            Signature s = Signature.getInstance(SigningKey.ALGORITHM);
            s.initVerify(key);
            s.update(content);
            ok = s.verify(signature.signatureBytes());
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (ok) {
            return new SignatureCheck(SignatureCheck.Status.VALID, keyId, name
                    + ": signature by key '" + keyId + "' verifies");
        }
        String actual = Digests.sha256Hex(content);
        String why = actual.equals(signature.signedSha256())
                ? "the bytes are those that were signed, so another key made this signature"
                : "the signed bytes had sha256 " + signature.signedSha256() + " but the file"
                        + " now has " + actual + " (changed after signing)";
        return new SignatureCheck(SignatureCheck.Status.INVALID, keyId, name
                + ": the signature by key '" + keyId + "' does not verify: " + why);
    }

    /**
     * Checks a file against its detached signature {@code <file>.sig}.
     *
     * @param file the signed file
     * @return the result: MISSING if there is no {@code .sig}, MALFORMED if it cannot be read
     *     as a signature, else as {@link #verify(byte[], ReleaseSignature, String)}
     * @throws UncheckedIOException if a file exists but cannot be read
     * @throws NullPointerException if file is null
     */
    public SignatureCheck verifyFile(Path file) {
        byte[] content = SigningKey.read(Objects.requireNonNull(file, "file"), "signed file");
        return verify(content, file);
    }

    /**
     * Checks bytes the caller read from a file against that file's detached signature, so that
     * the bytes checked are the bytes the caller goes on to use (no second read in between).
     *
     * @param content the bytes of {@code file}, as read by the caller
     * @param file the signed file, whose {@code <file>.sig} is read
     * @return as {@link #verifyFile(Path)}
     * @throws UncheckedIOException if the signature file exists but cannot be read
     * @throws NullPointerException if an argument is null
     */
    public SignatureCheck verify(byte[] content, Path file) {
        Objects.requireNonNull(content, "content");
        String name = String.valueOf(file.getFileName());
        ReleaseSignature signature;
        try {
            signature = ReleaseSignature.loadFor(file);
        } catch (ConfigException e) {
            return new SignatureCheck(SignatureCheck.Status.MALFORMED, null, name
                    + ReleaseSignature.SUFFIX + " is not a valid signature file: "
                    + e.getMessage());
        }
        return verify(content, signature, name);
    }

    /** @return the key ids */
    @Override
    public String toString() {
        return "TrustedKeys" + keys.keySet();
    }

    static KeyStore open(Path file, char[] password) {
        Objects.requireNonNull(file, "keyStore");
        Objects.requireNonNull(password, "password");
        byte[] bytes = SigningKey.read(file, "KeyStore");
        for (String type : new String[] {"PKCS12", "JKS"}) {
            try {
                KeyStore ks = KeyStore.getInstance(type);
                ks.load(new ByteArrayInputStream(bytes), password);
                return ks;
            } catch (IOException | GeneralSecurityException e) {
                if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
                    throw new IllegalArgumentException(file + ": wrong KeyStore password", e);
                }
            }
        }
        throw new IllegalArgumentException(file + ": not a PKCS12 or JKS KeyStore, or the"
                + " password is wrong");
    }

    /** Collects trusted keys. Not thread-safe. */
    public static final class Builder {
        private final Map<String, PublicKey> keys = new LinkedHashMap<>();

        private Builder() {}

        /**
         * @param keyId the key id signatures name
         * @param key an Ed25519 public key
         * @return this builder
         * @throws IllegalArgumentException if the key id is malformed or already added, or the
         *     key is not Ed25519
         * @throws NullPointerException if an argument is null
         */
        public Builder add(String keyId, PublicKey key) {
            SigningKey.checkKeyId(keyId);
            Objects.requireNonNull(key, "key");
            try {
                Signature.getInstance(SigningKey.ALGORITHM).initVerify(key);
            } catch (InvalidKeyException e) {
                throw new IllegalArgumentException("key " + keyId + " is a " + key.getAlgorithm()
                        + " key, not Ed25519", e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every JDK 15+ has Ed25519", e);
            }
            if (keys.putIfAbsent(keyId, key) != null) {
                throw new IllegalArgumentException("key id '" + keyId + "' is added twice");
            }
            return this;
        }

        /**
         * Adds a public key from a PEM ({@code PUBLIC KEY}) or DER (X.509
         * SubjectPublicKeyInfo) file.
         *
         * @param keyId the key id signatures name
         * @param file the key file
         * @return this builder
         * @throws IllegalArgumentException naming the file if it holds no Ed25519 public key,
         *     or as {@link #add}
         * @throws UncheckedIOException if the file cannot be read
         */
        public Builder addPem(String keyId, Path file) {
            byte[] der = Pem.der(Objects.requireNonNull(file, "file"), "PUBLIC KEY");
            PublicKey key;
            try {
                key = KeyFactory.getInstance(SigningKey.ALGORITHM)
                        .generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(file + ": not an Ed25519 public key ("
                        + e.getMessage() + ")", e);
            }
            return add(keyId, key);
        }

        /**
         * Adds the public key of every entry with an Ed25519 certificate in a KeyStore, under
         * its alias as key id; other entries are skipped.
         *
         * @param keyStore the KeyStore file (PKCS12 or JKS)
         * @param password its password
         * @return this builder
         * @throws IllegalArgumentException if the store cannot be opened or holds no Ed25519
         *     certificate
         * @throws UncheckedIOException if the file cannot be read
         */
        public Builder addKeyStore(Path keyStore, char[] password) {
            KeyStore ks = open(keyStore, password);
            int added = 0;
            try {
                for (String alias : Collections.list(ks.aliases())) {
                    Certificate cert = ks.getCertificate(alias);
                    if (cert != null && isEd25519(cert.getPublicKey())) {
                        add(alias, cert.getPublicKey());
                        added++;
                    }
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(keyStore + ": cannot list entries: "
                        + e.getMessage(), e);
            }
            if (added == 0) {
                throw new IllegalArgumentException(keyStore + ": no Ed25519 certificate");
            }
            return this;
        }

        private static boolean isEd25519(PublicKey key) {
            try {
                Signature.getInstance(SigningKey.ALGORITHM).initVerify(key);
                return true;
            } catch (GeneralSecurityException e) {
                return false;
            }
        }

        /**
         * @return the trusted keys (possibly none: then every signature is UNKNOWN_KEY)
         */
        public TrustedKeys build() {
            return new TrustedKeys(keys);
        }
    }
}

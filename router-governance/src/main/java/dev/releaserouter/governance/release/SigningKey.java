package dev.releaserouter.governance.release;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Collections;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An Ed25519 private key with the id verifiers know its public key by (seed 001 §10, 004 §4:
 * signed release manifests and policy snapshots). The key comes from the user: a PKCS#8 PEM
 * file ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl genpkey -algorithm ed25519}
 * writes), a DER file, or a KeyStore entry (PKCS12, {@code keytool -genkeypair -keyalg
 * Ed25519}). Signing uses the JDK's own Ed25519 ({@code Signature.getInstance("Ed25519")}); no
 * third-party crypto.
 *
 * <p>Immutable and thread-safe (each signature uses a new {@link Signature}). {@link
 * #toString()} shows the key id only, never the key.
 */
public final class SigningKey {

    /** The signature algorithm, as the JDK and the signature file name it. */
    public static final String ALGORITHM = "Ed25519";

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,127}");

    private final String keyId;
    private final PrivateKey key;
    private final @Nullable PublicKey publicKey;

    private SigningKey(String keyId, PrivateKey key, @Nullable PublicKey publicKey) {
        this.keyId = checkKeyId(keyId);
        this.key = checkEd25519(key, keyId);
        this.publicKey = publicKey;
    }

    /**
     * Reads a PKCS#8 private key: a PEM file with a {@code PRIVATE KEY} block, or DER bytes.
     *
     * @param keyId the id verifiers know the public key by, e.g. {@code release-2026}
     * @param file the key file
     * @return the key
     * @throws IllegalArgumentException naming the file if it holds no Ed25519 PKCS#8 key (an
     *     encrypted PEM key is refused: decrypt it or use a KeyStore), or naming the key id if
     *     it is malformed
     * @throws UncheckedIOException if the file cannot be read
     * @throws NullPointerException if an argument is null
     */
    public static SigningKey fromPkcs8(String keyId, Path file) {
        Objects.requireNonNull(keyId, "keyId");
        byte[] der = Pem.der(Objects.requireNonNull(file, "file"), "PRIVATE KEY");
        try {
            PrivateKey key = KeyFactory.getInstance(ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(der));
            return new SigningKey(keyId, key, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": not an Ed25519 PKCS#8 private key ("
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads a private key entry from a KeyStore file (PKCS12 or JKS, as
     * {@link KeyStore#getInstance(java.io.File, char[])} detects it).
     *
     * @param keyId the id verifiers know the public key by
     * @param keyStore the KeyStore file
     * @param storePassword its password
     * @param alias the entry's alias
     * @param keyPassword the entry's password (for PKCS12 usually the store's)
     * @return the key
     * @throws IllegalArgumentException naming the file and alias if the store cannot be opened
     *     with the password, has no such private key entry, or the key is not Ed25519
     * @throws UncheckedIOException if the file cannot be read
     * @throws NullPointerException if an argument is null
     */
    public static SigningKey fromKeyStore(String keyId, Path keyStore, char[] storePassword,
            String alias, char[] keyPassword) {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(alias, "alias");
        KeyStore ks = TrustedKeys.open(keyStore, storePassword);
        try {
            Key key = ks.getKey(alias, keyPassword);
            if (!(key instanceof PrivateKey pk)) {
                throw new IllegalArgumentException(keyStore + ": no private key entry '" + alias
                        + "' (aliases: " + Collections.list(ks.aliases()) + ")");
            }
            Certificate cert = ks.getCertificate(alias);
            return new SigningKey(keyId, pk, cert == null ? null : cert.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(keyStore + ": cannot read key entry '" + alias
                    + "': " + e.getMessage(), e);
        }
    }

    /**
     * A new random key pair, for tests and for {@code release-router-cli keygen}; write the
     * keys with {@link #privateKeyPem()} and {@link #publicKeyPem()}.
     *
     * @param keyId the key id
     * @return a new key
     * @throws IllegalArgumentException if the key id is malformed
     */
    public static SigningKey generate(String keyId) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            return new SigningKey(keyId, pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK 15+ has Ed25519", e);
        }
    }

    /**
     * Signs bytes.
     *
     * @param content the exact bytes to sign
     * @return the 64-byte Ed25519 signature
     * @throws NullPointerException if content is null
     */
    public byte[] sign(byte[] content) {
        Objects.requireNonNull(content, "content");
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(content);
            return s.sign();
        } catch (InvalidKeyException | SignatureException e) {
            throw new IllegalStateException("Ed25519 signing failed for key " + keyId, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK 15+ has Ed25519", e);
        }
    }

    /** @return the key id */
    public String keyId() {
        return keyId;
    }

    /**
     * @return the public key, if known: for a generated key or a KeyStore entry with a
     *     certificate; null for a PKCS#8 file (derive it with {@code openssl pkey -pubout})
     */
    public @Nullable PublicKey publicKey() {
        return publicKey;
    }

    /**
     * @return the private key as PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), which
     *     {@link #fromPkcs8} and {@code openssl pkey} read; keep it secret
     */
    public String privateKeyPem() {
        return Pem.write("PRIVATE KEY", key.getEncoded());
    }

    /**
     * @return the public key as X.509 SubjectPublicKeyInfo PEM ({@code -----BEGIN PUBLIC
     *     KEY-----}), which {@link TrustedKeys.Builder#addPem} and {@code openssl pkeyutl}
     *     read
     * @throws IllegalStateException if the public key is not known ({@link #publicKey()})
     */
    public String publicKeyPem() {
        if (publicKey == null) {
            throw new IllegalStateException("the public key of " + keyId + " is not known (it"
                    + " was read from a PKCS#8 file); derive it with: openssl pkey -in key.pem"
                    + " -pubout");
        }
        return Pem.write("PUBLIC KEY", publicKey.getEncoded());
    }

    /** @return {@code SigningKey[<key id>]} */
    @Override
    public String toString() {
        return "SigningKey[" + keyId + "]";
    }

    static String checkKeyId(String keyId) {
        Objects.requireNonNull(keyId, "keyId");
        if (!KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("key id must be 1 to 128 characters of letters,"
                    + " digits and . _ : @ / + - starting with a letter or digit, but was '"
                    + keyId + "'");
        }
        return keyId;
    }

    private static PrivateKey checkEd25519(PrivateKey key, String keyId) {
        try {
            Signature.getInstance(ALGORITHM).initSign(key);
            return key;
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("key " + keyId + " is a " + key.getAlgorithm()
                    + " key, not Ed25519", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK 15+ has Ed25519", e);
        }
    }

    /** Reads a file, for the KeyStore and signature loaders. */
    static byte[] read(Path file, String what) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + file, e);
        }
    }
}

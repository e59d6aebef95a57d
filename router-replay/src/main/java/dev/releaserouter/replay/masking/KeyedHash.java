package dev.releaserouter.replay.masking;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under one secret key, as lowercase hex. Thread-safe.
 *
 * <p>A {@link Mac} is not thread-safe. Rather than a {@code ThreadLocal} (one Mac per thread for
 * the thread's life: many of them with virtual threads, and a class-loader leak in pooled
 * container threads), each call clones a prototype that was initialized once with the key. A
 * clone is cheap (it copies the already keyed inner digests) and is never shared. The prototype
 * itself is only ever cloned, never updated, so concurrent clones are safe. Should a provider not
 * support cloning, each call makes and initializes a new Mac instead.
 */
final class KeyedHash {

    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;
    private final Mac prototype;
    private final boolean cloneable;

    /**
     * @param key the secret; copied
     * @throws IllegalStateException if the platform has no HmacSHA256 (every Java platform must)
     */
    public KeyedHash(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
        this.prototype = newMac();
        this.cloneable = canClone(prototype);
    }

    /**
     * @param text hashed as its UTF-8 bytes
     * @return the full HMAC, 64 hex characters
     */
    public String hex(String text) {
        return HEX.formatHex(mac().doFinal(text.getBytes(UTF_8)));
    }

    /**
     * @param text hashed as its UTF-8 bytes
     * @param bytes how many leading bytes of the HMAC to keep, 1 to 32
     * @return the truncated HMAC, {@code 2 * bytes} hex characters
     */
    public String hex(String text, int bytes) {
        return HEX.formatHex(Arrays.copyOf(mac().doFinal(text.getBytes(UTF_8)), bytes));
    }

    private Mac mac() {
        if (cloneable) {
            try {
                return (Mac) prototype.clone();
            } catch (CloneNotSupportedException e) {
                // Checked at construction; fall through to a fresh instance.
            }
        }
        return newMac();
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }

    private static boolean canClone(Mac mac) {
        try {
            mac.clone();
            return true;
        } catch (CloneNotSupportedException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "KeyedHash[" + ALGORITHM + "]";
    }
}

package dev.releaserouter.core.exposure.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hash of entity keys in exposure events: lowercase hex of
 * HMAC-SHA256(key, UTF-8(entityKey)). The key is either given, or derived from the router's
 * hash secret as HMAC-SHA256(secret, {@value #DERIVATION_LABEL}), so that the bucketing secret
 * itself is never the key of a second function (and the warehouse can be given the derived key
 * without the secret that predicts assignments). Not thread-safe: one per thread (the exposure
 * thread).
 */
public final class EntityKeyHasher {

    /** The label the derived key is computed from; part of the wire contract. */
    public static final String DERIVATION_LABEL = "release-router/exposure-entity-key/v1";

    private static final HexFormat HEX = HexFormat.of();
    private final Mac mac;

    private EntityKeyHasher(byte[] key) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            // Every Java platform is required to provide HmacSHA256.
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * @param key the HMAC key
     * @return a hasher with this key
     */
    public static EntityKeyHasher withKey(byte[] key) {
        return new EntityKeyHasher(key);
    }

    /**
     * @param routerSecret the router's 16-byte hash secret
     * @return a hasher whose key is derived from it
     */
    public static EntityKeyHasher derivedFrom(byte[] routerSecret) {
        return new EntityKeyHasher(derivedKey(routerSecret));
    }

    /**
     * @param routerSecret the router's hash secret
     * @return HMAC-SHA256(secret, {@value #DERIVATION_LABEL})
     */
    public static byte[] derivedKey(byte[] routerSecret) {
        return new EntityKeyHasher(routerSecret).mac
                .doFinal(DERIVATION_LABEL.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param entityKey an entity key
     * @return its keyed hash, 64 lowercase hex digits
     */
    public String hash(String entityKey) {
        return HEX.formatHex(mac.doFinal(entityKey.getBytes(StandardCharsets.UTF_8)));
    }
}

package dev.releaserouter.core;

import dev.releaserouter.api.config.Weights;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The assignment function, a wire contract: which of the 10,000 buckets an entity falls in for an
 * experiment salt and a secret key. Pinned by golden vectors that never change; see
 * {@code docs/assignment.md} to reproduce it in another language.
 *
 * <pre>
 * message = u32be(len(utf8(salt))) || utf8(salt) || utf8(entityKey)
 * h       = SipHash-2-4(k0 = le64(secret[0..8]), k1 = le64(secret[8..16]), message)
 * bucket  = h mod 10000   (h read as an unsigned 64-bit integer)
 * </pre>
 *
 * <p>Keyed hashing (a PRF) means nobody without the secret can predict or steer an entity's
 * bucket from its id. Immutable and thread-safe; {@link #bucket(String)} allocates nothing.
 */
public final class Bucketing {

    /**
     * The secret used when none is configured: the 16 ASCII bytes {@code ReleaseRouter-v1}.
     * Public, so it protects nothing: configure your own in production.
     */
    public static final String DEFAULT_SECRET_HEX = HexFormat.of()
            .formatHex("ReleaseRouter-v1".getBytes(StandardCharsets.US_ASCII));

    private final SipHash24 hasher;

    private Bucketing(SipHash24 hasher) {
        this.hasher = hasher;
    }

    /**
     * Prepares the bucketing of one experiment.
     *
     * @param secret the 16-byte secret key
     * @param salt the experiment salt (a model's salt)
     * @return a reusable bucketing function
     * @throws IllegalArgumentException if the secret is not 16 bytes
     */
    public static Bucketing of(byte[] secret, String salt) {
        Objects.requireNonNull(salt, "salt");
        checkSecret(secret);
        byte[] s = salt.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = new byte[4 + s.length];
        prefix[0] = (byte) (s.length >>> 24);
        prefix[1] = (byte) (s.length >>> 16);
        prefix[2] = (byte) (s.length >>> 8);
        prefix[3] = (byte) s.length;
        System.arraycopy(s, 0, prefix, 4, s.length);
        return new Bucketing(SipHash24.withPrefix(le64(secret, 0), le64(secret, 8), prefix));
    }

    /**
     * One-off computation of a bucket.
     *
     * @param secret the 16-byte secret key
     * @param salt the experiment salt
     * @param entityKey the entity key
     * @return the bucket in {@code [0, 10000)}
     * @throws IllegalArgumentException if the secret is not 16 bytes
     */
    public static int bucket(byte[] secret, String salt, String entityKey) {
        return of(secret, salt).bucket(entityKey);
    }

    /**
     * @param entityKey the entity key
     * @return the bucket in {@code [0, 10000)}
     */
    public int bucket(String entityKey) {
        return (int) Long.remainderUnsigned(hasher.hash(entityKey), Weights.BUCKETS);
    }

    /** How to make a secret, appended to every secret error. */
    static final String HOW_TO_GENERATE = "generate one with 'java -jar router-cli-<version>-all"
            + ".jar secret' (or 'openssl rand -hex 16') and keep it secret and stable";

    /**
     * Parses a secret written as exactly 32 hex digits (16 bytes), either case; surrounding
     * whitespace is ignored. Errors never show the value.
     *
     * @param hex 32 hex digits
     * @return the 16 bytes
     * @throws IllegalArgumentException if it is null (missing), or not exactly 32 hex digits
     */
    public static byte[] secretFromHex(@Nullable String hex) {
        if (hex == null) {
            throw missing();
        }
        String digits = hex.strip();
        if (digits.length() != 32) {
            throw new IllegalArgumentException("hash secret must be exactly 32 hex digits (16"
                    + " bytes), but had " + digits.length() + " characters; "
                    + HOW_TO_GENERATE);
        }
        try {
            return HexFormat.of().parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("hash secret must be exactly 32 hex digits (16"
                    + " bytes), but it is not hex; " + HOW_TO_GENERATE, e);
        }
    }

    static void checkSecret(byte @Nullable [] secret) {
        if (secret == null) {
            throw missing();
        }
        if (secret.length != 16) {
            throw new IllegalArgumentException("hash secret must be 16 bytes, but was "
                    + secret.length + " bytes; " + HOW_TO_GENERATE);
        }
    }

    private static IllegalArgumentException missing() {
        return new IllegalArgumentException("hash secret is missing (null, e.g. an unset"
                + " environment variable): give exactly 32 hex digits (16 bytes); "
                + HOW_TO_GENERATE);
    }

    static boolean isDefault(byte[] secret) {
        return Arrays.equals(secret, HexFormat.of().parseHex(DEFAULT_SECRET_HEX));
    }

    private static long le64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xFFL);
        }
        return v;
    }
}

package dev.releaserouter.core;

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012) over {@code prefix || UTF-8(key)}, with the state
 * after the prefix computed once, so that hashing an entity key allocates nothing.
 *
 * <p>The UTF-8 encoding is done on the fly and matches {@code String.getBytes(UTF_8)}, including
 * its replacement of unpaired surrogates by {@code '?'}. Tests compare it with Guava's
 * {@code Hashing.sipHash24}. Instances are immutable and thread-safe.
 *
 * <p>SipRound is written out at each use on purpose: a helper method cannot hand four state words
 * back without an object, and this is the hot path of every decision.
 */
final class SipHash24 {

    private final long v0;
    private final long v1;
    private final long v2;
    private final long v3;
    private final long tail;
    private final int tailBytes;
    private final long length;

    private SipHash24(long v0, long v1, long v2, long v3, long tail, int tailBytes, long length) {
        this.v0 = v0;
        this.v1 = v1;
        this.v2 = v2;
        this.v3 = v3;
        this.tail = tail;
        this.tailBytes = tailBytes;
        this.length = length;
    }

    /**
     * The state after absorbing {@code prefix} with key {@code (k0, k1)}.
     *
     * @param k0 first key half (little-endian bytes 0..7 of the 16-byte key)
     * @param k1 second key half (bytes 8..15)
     * @param prefix bytes hashed before every key
     * @return a reusable hasher
     */
    public static SipHash24 withPrefix(long k0, long k1, byte[] prefix) {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        long m = 0;
        int n = 0;
        for (byte b : prefix) {
            m |= (b & 0xFFL) << (8 * n);
            if (++n == 8) {
                v3 ^= m;
                for (int r = 0; r < 2; r++) {
                    v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                    v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                    v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                    v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
                }
                v0 ^= m;
                m = 0;
                n = 0;
            }
        }
        return new SipHash24(v0, v1, v2, v3, m, n, prefix.length);
    }

    /**
     * Hashes {@code prefix || UTF-8(key)}.
     *
     * @param key the text to append to the prefix
     * @return the 64-bit SipHash-2-4 value
     */
    public long hash(String key) {
        long v0 = this.v0;
        long v1 = this.v1;
        long v2 = this.v2;
        long v3 = this.v3;
        long m = tail;
        int n = tailBytes;
        long len = length;
        int size = key.length();
        for (int i = 0; i < size; i++) {
            int c = key.charAt(i);
            if (c < 0x80) {
                // ASCII, the common case for ids: one byte, no encoding loop.
                m |= (long) c << (n << 3);
                len++;
                if (++n == 8) {
                    v3 ^= m;
                    for (int r = 0; r < 2; r++) {
                        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0;
                        v0 = Long.rotateLeft(v0, 32);
                        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2;
                        v2 = Long.rotateLeft(v2, 32);
                    }
                    v0 ^= m;
                    m = 0;
                    n = 0;
                }
                continue;
            }
            // Encode one code point into up to 4 bytes, packed little-endian in 'enc'.
            int enc;
            int nb;
            if (c < 0x800) {
                enc = (0xC0 | (c >> 6)) | ((0x80 | (c & 0x3F)) << 8);
                nb = 2;
            } else if (Character.isSurrogate((char) c)) {
                char d;
                if (Character.isHighSurrogate((char) c) && i + 1 < size
                        && Character.isLowSurrogate(d = key.charAt(i + 1))) {
                    int cp = Character.toCodePoint((char) c, d);
                    i++;
                    enc = (0xF0 | (cp >> 18)) | ((0x80 | ((cp >> 12) & 0x3F)) << 8)
                            | ((0x80 | ((cp >> 6) & 0x3F)) << 16) | ((0x80 | (cp & 0x3F)) << 24);
                    nb = 4;
                } else {
                    enc = '?'; // what String.getBytes(UTF_8) writes for an unpaired surrogate
                    nb = 1;
                }
            } else {
                enc = (0xE0 | (c >> 12)) | ((0x80 | ((c >> 6) & 0x3F)) << 8)
                        | ((0x80 | (c & 0x3F)) << 16);
                nb = 3;
            }
            for (int k = 0; k < nb; k++) {
                m |= ((enc >>> (8 * k)) & 0xFFL) << (8 * n);
                len++;
                if (++n == 8) {
                    v3 ^= m;
                    for (int r = 0; r < 2; r++) {
                        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0;
                        v0 = Long.rotateLeft(v0, 32);
                        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2;
                        v2 = Long.rotateLeft(v2, 32);
                    }
                    v0 ^= m;
                    m = 0;
                    n = 0;
                }
            }
        }
        long b = (len << 56) | m;
        v3 ^= b;
        for (int r = 0; r < 2; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= b;
        v2 ^= 0xFF;
        for (int r = 0; r < 4; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}

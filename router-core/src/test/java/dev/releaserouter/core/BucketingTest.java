package dev.releaserouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.Hashing;
import dev.releaserouter.core.testing.Docs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The assignment function is a wire contract: these vectors must never change. */
class BucketingTest {

    /** secret (hex), salt, entity key, bucket. Also listed in docs/assignment.md. */
    static final Object[][] GOLDEN = {
        {"000102030405060708090a0b0c0d0e0f", "churn", "customer-42", 8075},
        {"000102030405060708090a0b0c0d0e0f", "churn", "customer-43", 4939},
        {"000102030405060708090a0b0c0d0e0f", "fraud", "customer-42", 4023},
        {"000102030405060708090a0b0c0d0e0f", "churn", "", 6322},
        {"000102030405060708090a0b0c0d0e0f", "", "customer-42", 1427},
        {"52656c65617365526f757465722d7631", "churn", "customer-42", 5699},
        {"52656c65617365526f757465722d7631", "churn-2026-11", "user:9f86d081", 3912},
        {"ffeeddccbbaa99887766554433221100", "pricing", "Jos\u00e9 da Silva", 970},
        {"ffeeddccbbaa99887766554433221100", "pricing", "\u5ba2\u6237-7", 8275},
        {"ffeeddccbbaa99887766554433221100", "salt-with-a-longer-name-0123456789",
            "emoji-\uD83D\uDE80", 918},
        {"ffeeddccbbaa99887766554433221100", "s", "a-key-that-is-exactly-32-bytes!!", 6868},
    };

    @Test
    void bucket_goldenVectors_neverChange() {
        for (Object[] v : GOLDEN) {
            byte[] secret = Bucketing.secretFromHex((String) v[0]);
            assertThat(Bucketing.bucket(secret, (String) v[1], (String) v[2]))
                    .as("bucket of %s / %s / %s", v[0], v[1], v[2])
                    .isEqualTo(v[3]);
        }
    }

    @Test
    void goldenVectors_areTheOnesDocumented() throws IOException {
        String doc = Files.readString(Docs.dir().resolve("assignment.md"));
        for (Object[] v : GOLDEN) {
            String salt = ((String) v[1]).isEmpty() ? "*(empty)*" : (String) v[1];
            String key = ((String) v[2]).isEmpty() ? "*(empty)*" : (String) v[2];
            assertThat(doc).as("docs/assignment.md lists %s / %s / %s", v[0], salt, key)
                    .containsPattern("(?m)^\\| "
                            + Pattern.quote(v[0] + " | " + salt + " | " + key)
                            + " \\| [0-9a-f]{16} \\| " + v[3] + " \\|$");
        }
    }

    @Test
    void defaultSecret_isTheAsciiOfReleaseRouterV1() {
        assertThat(Bucketing.DEFAULT_SECRET_HEX).isEqualTo("52656c65617365526f757465722d7631");
    }

    @Test
    void sipHash_matchesTheReferenceVectorForTheEmptyMessage() {
        // Aumasson & Bernstein, SipHash paper appendix: key 00..0f, empty message.
        SipHash24 h = SipHash24.withPrefix(0x0706050403020100L, 0x0f0e0d0c0b0a0908L, new byte[0]);
        assertThat(h.hash("")).isEqualTo(0x726fdb47dd0e0e31L);
    }

    @Property(tries = 2000)
    void bucket_equalsGuavaSipHashOfTheDocumentedMessage(
            @ForAll("secrets") byte[] secret, @ForAll String salt, @ForAll String key) {
        byte[] s = salt.getBytes(StandardCharsets.UTF_8);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] msg = new byte[4 + s.length + k.length];
        msg[0] = (byte) (s.length >>> 24);
        msg[1] = (byte) (s.length >>> 16);
        msg[2] = (byte) (s.length >>> 8);
        msg[3] = (byte) s.length;
        System.arraycopy(s, 0, msg, 4, s.length);
        System.arraycopy(k, 0, msg, 4 + s.length, k.length);
        long h = Hashing.sipHash24(le64(secret, 0), le64(secret, 8)).hashBytes(msg).asLong();
        assertThat(Bucketing.bucket(secret, salt, key))
                .isEqualTo((int) Long.remainderUnsigned(h, 10_000));
    }

    @Property(tries = 500)
    void bucket_handlesUnpairedSurrogatesLikeStringGetBytes(
            @ForAll @Size(max = 20) String prefix, @ForAll("surrogates") char lone) {
        String key = prefix + lone + "x";
        String replaced = new String(key.getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8);
        byte[] secret = Bucketing.secretFromHex(Bucketing.DEFAULT_SECRET_HEX);
        assertThat(Bucketing.bucket(secret, "salt", key))
                .isEqualTo(Bucketing.bucket(secret, "salt", replaced));
    }

    @Test
    void secret_mustBe16Bytes() {
        assertThatThrownBy(() -> Bucketing.secretFromHex("0011"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly 32 hex digits (16 bytes), but had 4 characters");
        assertThatThrownBy(() -> Bucketing.secretFromHex("zz"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 hex digits");
    }

    @Provide
    Arbitrary<byte[]> secrets() {
        return Arbitraries.bytes().array(byte[].class).ofSize(16);
    }

    @Provide
    Arbitrary<Character> surrogates() {
        return Arbitraries.chars().range('\uD800', '\uDFFF');
    }

    private static long le64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xFFL);
        }
        return v;
    }
}

package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DigestTest {

    private static final String FILE = "{\"criteria\": [{\"name\": \"a\","
            + " \"expr\": \"candidate.p95_ms <= 120\", \"severity\": \"ALERT\"}]}\n";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void digest_isSha256OfTheFileBytes_likeSha256sum() throws Exception {
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(utf8(FILE)));
        assertThat(Policy.parse(utf8(FILE), "a").digest()).isEqualTo(expected);
        assertThat(Policy.digestOf(utf8(FILE))).isEqualTo(expected);
    }

    @Test
    void digest_goldenValue_neverChanges() {
        assertThat(Policy.digestOf(utf8("{}\n")))
                .isEqualTo("ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356");
    }

    @Test
    void digest_ignoresBomAndCrLf_butNotContent() {
        String digest = Policy.parse(utf8(FILE), "a").digest();
        assertThat(Policy.parse(utf8("\uFEFF" + FILE.replace("\n", "\r\n")), "b").digest())
                .isEqualTo(digest);
        assertThat(Policy.parse(utf8(FILE.replace("120", "121")), "c").digest())
                .isNotEqualTo(digest);
        assertThat(Policy.parse(utf8(FILE.replace(": ", ":")), "d").digest())
                .isNotEqualTo(digest);
    }

    @Test
    void digest_isStableAcrossParses_andRecordedInEveryVerdict() {
        Policy p = Policy.parse(utf8(FILE), "a");
        assertThat(Policy.parse(utf8(FILE), "other-source").digest()).isEqualTo(p.digest());
        assertThat(PolicyEvaluator.evaluate(p, MapInput.of()).policyDigest())
                .isEqualTo(p.digest());
    }
}

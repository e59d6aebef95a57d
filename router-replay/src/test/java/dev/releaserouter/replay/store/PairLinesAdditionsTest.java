package dev.releaserouter.replay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.releaserouter.api.shadow.PolicyViolation;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pair line's added fields: segments and policy violations, optional both ways. */
class PairLinesAdditionsTest {

    static ShadowPair.Builder base() {
        return ShadowPair.builder().time(Instant.parse("2026-01-02T03:04:05Z")).model("scoring")
                .stableVersion("v1").candidateVersion("v2").entityKeyHash("ab12")
                .inputJson("{\"amount\":10}").stableOutputJson("{\"score\":0.25}")
                .candidateOutputJson("{\"score\":0.5}").outcome(ShadowOutcome.SUCCESS)
                .match(false).delta(0.25).stableLatencyNanos(1200).candidateLatencyNanos(3400);
    }

    static String line(ShadowPair p) {
        byte[] b = PairLines.encode(p);
        return new String(b, 0, b.length - 1, StandardCharsets.UTF_8);
    }

    @Test
    void aPairWithSegmentsAndViolations_roundTrips_andAppendsTheFieldsAtTheEnd() {
        ShadowPair p = base().tenant("retail-br").region("LATAM").channel("app")
                .violations(List.of(PolicyViolation.critical("pii_leak"))).build();

        String line = line(p);

        assertThat(line).endsWith(",\"error\":null,\"tenant\":\"retail-br\",\"region\":\"LATAM\","
                + "\"channel\":\"app\",\"violations\":[{\"policy\":\"pii_leak\","
                + "\"severity\":\"CRITICAL\"}]}");
        assertThat(PairLines.decode(line)).isEqualTo(p);
    }

    @Test
    void aPairWithoutThem_keepsTheDocumentedLine_andReadsBackUnchecked() {
        ShadowPair p = base().build();
        String line = line(p);

        // docs/shadow.md's example line, unchanged
        assertThat(line).isEqualTo("{\"time\":\"2026-01-02T03:04:05Z\",\"model\":\"scoring\","
                + "\"stable_version\":\"v1\",\"candidate_version\":\"v2\","
                + "\"entity_key_hash\":\"ab12\",\"input\":{\"amount\":10},"
                + "\"stable_output\":{\"score\":0.25},\"candidate_output\":{\"score\":0.5},"
                + "\"outcome\":\"SUCCESS\",\"match\":false,\"delta\":0.25,"
                + "\"stable_latency_ns\":1200,\"candidate_latency_ns\":3400,\"error\":null}");
        ShadowPair back = PairLines.decode(line);
        assertThat(back.violations()).isEmpty();
        assertThat(back.tenant()).isNull();
    }

    @Test
    void checkedWithoutViolations_isAnEmptyArray_notAbsent() {
        ShadowPair p = base().violations(List.of()).build();
        assertThat(line(p)).endsWith(",\"violations\":[]}");
        assertThat(PairLines.decode(line(p)).violations()).contains(List.of());
    }

    @Test
    void aDamagedViolationsField_isRefused_namingTheField() {
        String bad = line(base().build()).replace("\"error\":null}",
                "\"error\":null,\"violations\":[{\"policy\":\"x\",\"severity\":\"SEVERE\"}]}");
        assertThatIllegalArgumentException().isThrownBy(() -> PairLines.decode(bad))
                .withMessageStartingWith("field 'violations' has an element that is not");
    }
}

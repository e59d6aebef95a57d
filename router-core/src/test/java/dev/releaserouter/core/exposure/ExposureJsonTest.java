package dev.releaserouter.core.exposure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.api.spi.ExposureEvent.EntityEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The JSON of an exposure event is a wire contract (docs/exposures.md): pinned by a golden file
 * that never changes within a format version, and read back to the same event.
 */
class ExposureJsonTest {

    /** The events of {@code exposures/golden-v1.jsonl}, line by line. */
    static final List<ExposureEvent> GOLDEN = List.of(
            ExposureEvent.builder("churn", "v2",
                            "1907d6ad5885918627501d8a19493cbb730286ae1572808681da227cb5984cf6")
                    .time(Instant.parse("2026-03-01T12:00:00.123Z"))
                    .role(Role.CANDIDATE).reason(Reason.CANARY_BUCKET).bucket(417)
                    .configRevision(3).entityEncoding(EntityEncoding.HMAC_SHA256)
                    .tenant("acme").region("BR").channel("app")
                    .attribute("plan", "gold").attribute("app_version", "5.2.0")
                    .build(),
            ExposureEvent.builder("churn", "v1", "customer-\"42\"\n")
                    .time(Instant.parse("2026-03-01T12:00:01Z"))
                    .role(Role.STABLE).reason(Reason.KILL_SWITCH).configRevision(4)
                    .product("loans")
                    .build());

    @Test
    void write_matchesTheGoldenFile_lineByLine() throws IOException {
        List<String> golden = golden();

        assertThat(golden).hasSize(GOLDEN.size());
        for (int i = 0; i < GOLDEN.size(); i++) {
            assertThat(ExposureJson.write(GOLDEN.get(i))).isEqualTo(golden.get(i));
        }
    }

    @Test
    void read_ofTheGoldenFile_givesTheEventsBack() throws IOException {
        List<String> golden = golden();

        for (int i = 0; i < GOLDEN.size(); i++) {
            assertThat(ExposureJson.read(golden.get(i))).isEqualTo(GOLDEN.get(i));
        }
    }

    @Test
    void read_ignoresFieldsItDoesNotKnow() {
        String line = ExposureJson.write(GOLDEN.get(1)).replace("{\"v\":1,",
                "{\"v\":1,\"instance\":\"pod-7\",");

        assertThat(ExposureJson.read(line)).isEqualTo(GOLDEN.get(1));
    }

    @Test
    void read_badValues_nameTheFieldAndTheValue() {
        String good = ExposureJson.write(GOLDEN.get(0));

        assertThatThrownBy(() -> ExposureJson.read(good.replace("\"v\":1", "\"v\":2")))
                .hasMessageContaining("/v").hasMessageContaining("2");
        assertThatThrownBy(() -> ExposureJson.read(good.replace("canary_bucket", "lucky")))
                .hasMessageContaining("/reason").hasMessageContaining("'lucky'");
        assertThatThrownBy(() -> ExposureJson.read(good.replace("417", "10000")))
                .hasMessageContaining("/bucket").hasMessageContaining("10000");
        assertThatThrownBy(() -> ExposureJson.read(good.replace("\"model\":\"churn\"",
                "\"model\":null"))).hasMessageContaining("/model is required");
        assertThatThrownBy(() -> ExposureJson.read("[1]"))
                .hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> ExposureJson.read("{\"v\":1,"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not JSON");
    }

    @Property(tries = 300)
    void read_ofWrite_isTheSameEvent(@ForAll("events") ExposureEvent event) {
        String json = ExposureJson.write(event);

        assertThat(json).doesNotContain("\n");
        assertThat(ExposureJson.read(json)).isEqualTo(event);
    }

    @Provide
    Arbitrary<ExposureEvent> events() {
        Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> optional = text.injectNull(0.3);
        return Combinators.combine(text, text, text, Arbitraries.of(Reason.class),
                        Arbitraries.integers().between(-1, 9_999),
                        Arbitraries.longs().between(0, Long.MAX_VALUE),
                        Arbitraries.of(EntityEncoding.class),
                        Arbitraries.maps(text, text).ofMaxSize(3))
                .as((model, version, entity, reason, bucket, revision, encoding, attrs) -> {
                    ExposureEvent.Builder b = ExposureEvent.builder(model, version, entity)
                            .time(Instant.ofEpochMilli(1_770_000_000_000L + bucket))
                            .reason(reason).role(reason.routesToCandidate() ? Role.CANDIDATE
                                    : Role.STABLE)
                            .bucket(bucket).configRevision(revision).entityEncoding(encoding);
                    attrs.forEach(b::attribute);
                    return b;
                })
                .flatMap(b -> Combinators.combine(optional, optional, optional, optional)
                        .as((t, r, c, p) -> b.tenant(t).region(r).channel(c).product(p)
                                .build()));
    }

    private static List<String> golden() throws IOException {
        try (InputStream in = ExposureJsonTest.class.getResourceAsStream(
                "/exposures/golden-v1.jsonl")) {
            assertThat(in).as("golden file").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}

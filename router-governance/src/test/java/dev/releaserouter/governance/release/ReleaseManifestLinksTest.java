package dev.releaserouter.governance.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.governance.release.ReleaseManifest.LinkKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Links to model card, ADR, SCDR, SBOM and attestation (seed 004 §4). */
class ReleaseManifestLinksTest {

    static final String DIGEST_A =
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    static String golden() {
        return new String(ReleaseManifestTest.resource("release/release_manifest_links.json"),
                StandardCharsets.UTF_8);
    }

    static ReleaseManifest parse(String json) {
        return ReleaseManifest.parse(json.getBytes(StandardCharsets.UTF_8), "links.json");
    }

    /** The golden manifest with a {@code links} object replaced. */
    static String withLinks(String linksJson) {
        return golden().replaceFirst("\"links\": \\{.*},\n", "\"links\": "
                + java.util.regex.Matcher.quoteReplacement(linksJson) + ",\n");
    }

    @Test
    void manifestWithLinks_parsesToTypedLinks_andWritesTheGoldenFileByteForByte() {
        ReleaseManifest m = parse(golden());

        assertThat(m.links()).containsOnlyKeys(LinkKind.values());
        assertThat(m.links().get(LinkKind.MODEL_CARD)).isEqualTo(new ReleaseManifest.Link(
                "docs/model_card.md",
                "sha256:1f0e4bd9f1c2f2bb8a2cf7e2f0b7d3b4a5e6c7d8e9f0a1b2c3d4e5f60718293a"));
        assertThat(m.links().get(LinkKind.ADR).digest()).isNull();
        assertThat(m.links().get(LinkKind.ADR).isFile()).isFalse();
        assertThat(m.links().get(LinkKind.ATTESTATION).isFile()).isTrue();
        assertThat(m.toJson()).isEqualTo(golden());
    }

    @Test
    void builderLinks_inAnyOrder_writeTheGoldenFile() {
        ReleaseManifest parsed = parse(golden());
        ReleaseManifest.Builder b = ReleaseManifestTest.valid();
        List<LinkKind> reversed = new java.util.ArrayList<>(List.of(LinkKind.values()));
        java.util.Collections.reverse(reversed);
        for (LinkKind k : reversed) {
            ReleaseManifest.Link l = parsed.links().get(k);
            b.link(k, l.uri(), l.digest());
        }

        ReleaseManifest built = b.build();

        assertThat(built).isEqualTo(parsed);
        assertThat(built.toJson()).isEqualTo(golden());
        assertThat(built.toBuilder().build()).isEqualTo(built);
    }

    @Test
    void manifestWithoutLinks_writesNoLinksField() {
        assertThat(ReleaseManifestTest.valid().build().toJson()).doesNotContain("links");
    }

    @Test
    void linksAreNotAnUnknownFieldAnyMore_butAnUnknownLinkKindIs() {
        assertThatThrownBy(() -> parse(withLinks("{\"runbook\": {\"uri\": \"x.md\"}}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("links.json")
                .hasMessageContaining("/links/runbook")
                .hasMessageContaining("model_card, adr, scdr, sbom, attestation");
    }

    static Stream<Arguments> badLinks() {
        return Stream.of(
                Arguments.of("{\"sbom\": {\"uri\": \"sbom.json\"}}", "/links/sbom/digest",
                        "required for a file"),
                Arguments.of("{\"sbom\": {\"uri\": \"file:/srv/sbom.json\"}}",
                        "/links/sbom/digest", "required for a file"),
                Arguments.of("{\"sbom\": {\"uri\": \"../sbom.json\", \"digest\": \"" + DIGEST_A
                        + "\"}}", "/links/sbom/uri", "relative to the release directory"),
                Arguments.of("{\"sbom\": {\"uri\": \"/srv/sbom.json\", \"digest\": \""
                        + DIGEST_A + "\"}}", "/links/sbom/uri", "without a leading /"),
                Arguments.of("{\"sbom\": {\"uri\": \"C:\\\\sbom.json\", \"digest\": \""
                        + DIGEST_A + "\"}}", "/links/sbom/uri", "a drive"),
                Arguments.of("{\"adr\": {\"uri\": \"https://wiki/adr 42\"}}", "/links/adr/uri",
                        "absolute URI"),
                Arguments.of("{\"adr\": {\"uri\": \"https://wiki/adr/42\", \"digest\": \"md5:"
                        + "00\"}}", "/links/adr/digest", "sha256: followed by 64"),
                Arguments.of("{\"adr\": {\"uri\": \"   \"}}", "/links/adr/uri", "not be blank"),
                Arguments.of("{\"adr\": {\"url\": \"https://wiki/adr/42\"}}", "/links/adr/url",
                        "unknown"),
                Arguments.of("[]", "/links", "links must be an object"));
    }

    @ParameterizedTest
    @MethodSource("badLinks")
    void invalidLink_isRefused_namingThePointerAndTheValue(String links, String pointer,
            String problem) {
        assertThatThrownBy(() -> parse(withLinks(links)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("links.json")
                .hasMessageContaining(pointer)
                .hasMessageContaining(problem);
    }

    @Test
    void builder_refusesARelativeLinkWithoutDigest() {
        assertThatThrownBy(() -> ReleaseManifestTest.valid()
                .link(LinkKind.MODEL_CARD, "model_card.md", null).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/links/model_card/digest");
    }

    @Test
    void checkLinkedFiles_withMatchingFiles_findsNothing_andNamesAChangedOrMissingFile(
            @TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("docs"));
        Path card = Files.writeString(dir.resolve("docs/model_card.md"), "# Model card\n");
        Path sbom = Files.writeString(dir.resolve("sbom.cdx.json"), "{}\n");
        Path outside = Files.writeString(dir.resolve("attestation.jsonl"), "{}\n");
        ReleaseManifest m = ReleaseManifestTest.valid()
                .link(LinkKind.MODEL_CARD, "docs/model_card.md", ReleaseManifest.sha256(card))
                .link(LinkKind.SBOM, "sbom.cdx.json", ReleaseManifest.sha256(sbom))
                .link(LinkKind.ATTESTATION, outside.toUri().toString(),
                        ReleaseManifest.sha256(outside))
                .link(LinkKind.ADR, "https://wiki.example.com/adr/0042", null)
                .build();

        assertThat(m.checkLinkedFiles(dir)).isEmpty();

        Files.writeString(card, "# Model card, edited\n");
        Files.delete(sbom);
        assertThat(m.checkLinkedFiles(dir)).satisfiesExactly(
                p -> assertThat(p).startsWith("links.model_card: the manifest says sha256:")
                        .contains(" but " + card + " is sha256:"),
                p -> assertThat(p).isEqualTo("links.sbom: " + dir.resolve("sbom.cdx.json")
                        + " does not exist"));
    }
}

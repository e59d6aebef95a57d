package dev.releaserouter.governance.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.ChangeType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReleaseManifestTest {

    static final String ARTIFACT =
            "sha256:357e5d6fafa34d27360fec24b4326d3534905e33c6acdee60198fb078b7b79e5";
    static final String POLICY =
            "cfe0579c633e37449f04c61694f7850c660e524d83cb3ac2e73862b871c1777a";
    private static final String SOURCE = "file:/srv/release_manifest.json";

    static byte[] resource(String name) {
        try (InputStream in = ReleaseManifestTest.class.getClassLoader()
                .getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String golden() {
        return new String(resource("release/release_manifest.json"), StandardCharsets.UTF_8);
    }

    static ReleaseManifest.Builder valid() {
        return ReleaseManifest.builder()
                .model("risk-default")
                .version("v2.3.0")
                .artifactDigest(ARTIFACT)
                .policyDigest(POLICY)
                .canary("5%→25%→100%", 30)
                .rollback("v2.2.4", "production")
                .approval("security", "maria.s")
                .approval("product", "raphael.f")
                .changeTicket("CHG-10234");
    }

    private static ReleaseManifest parse(String json) {
        return ReleaseManifest.parse(json.getBytes(StandardCharsets.UTF_8), SOURCE);
    }

    @Test
    void golden_parsesIntoTheExpectedValues() {
        ReleaseManifest m = ReleaseManifest.fromClasspath("release/release_manifest.json",
                getClass().getClassLoader());
        assertThat(m.model()).isEqualTo("risk-default");
        assertThat(m.version()).isEqualTo("v2.3.0");
        assertThat(m.artifactDigest()).isEqualTo(ARTIFACT);
        assertThat(m.policyDigest()).isEqualTo(POLICY);
        assertThat(m.canary()).isEqualTo(new ReleaseManifest.Canary("5%→25%→100%", 30));
        assertThat(m.rollback()).isEqualTo(new ReleaseManifest.Rollback("v2.2.4",
                "production"));
        assertThat(m.approvals()).containsExactly(Map.entry("security", "maria.s"),
                Map.entry("product", "raphael.f"));
        assertThat(m.tickets()).isEqualTo(new ReleaseManifest.Tickets("CHG-10234", List.of()));
        assertThat(m.changeType()).isEqualTo(ChangeType.NORMAL);
        assertThat(m).isEqualTo(valid().build()).hasSameHashCodeAs(valid().build());
        assertThat(m.toString()).contains("risk-default", "v2.3.0", "CHG-10234");
    }

    @Test
    void toJson_isTheGoldenFile_byteForByte() {
        assertThat(valid().build().toJson()).isEqualTo(golden());
        assertThat(parse(golden()).toJson()).isEqualTo(golden());
    }

    @Test
    void toJson_roundTripsOptionalPartsAndEscapes() {
        ReleaseManifest m = valid().canary(null).rollback("v2.2.4", null)
                .approvals(Map.of("sec\"urity", "jos\u00e9 \\ q", "ops", "ana"))
                .incidents(List.of("INC-1", "INC-2")).changeType(ChangeType.EMERGENCY)
                .build();
        String json = m.toJson();
        assertThat(json).doesNotContain("canary", "alias").contains("\"change_type\": "
                + "\"emergency\"");
        assertThat(parse(json)).isEqualTo(m);
        assertThat(parse(json).toJson()).isEqualTo(json);
        assertThat(m.toBuilder().build()).isEqualTo(m);
    }

    @Test
    void load_readsAFile_andNamesItsUriInErrors(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("release_manifest.json");
        Files.writeString(file, golden());
        assertThat(ReleaseManifest.load(file)).isEqualTo(valid().build());
        Files.writeString(file, golden().replace("\"v2.2.4\"", "\"v2.3.0\""));
        assertThatThrownBy(() -> ReleaseManifest.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isEqualTo(file.toUri().toString());
                    assertThat(e.pointer()).isEqualTo("/rollback/to_version");
                    assertThat(e.value()).isEqualTo("v2.3.0");
                });
        assertThatThrownBy(() -> ReleaseManifest.load(dir.resolve("missing.json")))
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void fromClasspath_missingResource_isAConfigException() {
        assertThatThrownBy(() -> ReleaseManifest.fromClasspath("release/nope.json",
                getClass().getClassLoader()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isEqualTo("classpath:release/nope.json");
                    assertThat(e.problem()).contains("no such resource");
                });
    }

    @Test
    void bomAndUppercaseChangeTypeAndPrefixedPolicyDigest_areAccepted() {
        String json = "\uFEFF" + golden().replace("\"normal\"", "\"EMERGENCY\"")
                .replace("\"" + POLICY + "\"", "\"sha256:" + POLICY + "\"");
        ReleaseManifest m = parse(json);
        assertThat(m.changeType()).isEqualTo(ChangeType.EMERGENCY);
        assertThat(m.policyDigest()).isEqualTo(POLICY);
        assertThat(valid().policyDigest("sha256:" + POLICY).build().policyDigest())
                .isEqualTo(POLICY);
    }

    @Test
    void changeType_isOptional_andDefaultsToNormal() {
        String json = golden().replace(",\n  \"change_type\": \"normal\"", "");
        assertThat(json).doesNotContain("change_type");
        assertThat(parse(json).changeType()).isEqualTo(ChangeType.NORMAL);
    }

    static Stream<Arguments> invalid() {
        String g = golden();
        String approvals = "{\"security\": \"maria.s\", \"product\": \"raphael.f\"}";
        return Stream.of(
                Arguments.of("unknown top-level field",
                        g.replace("\"model\"", "\"owner\": \"x\", \"model\""),
                        "/owner", "owner"),
                Arguments.of("unknown nested field",
                        g.replace("\"alias\"", "\"region\": \"eu\", \"alias\""),
                        "/rollback/region", "region"),
                Arguments.of("missing model",
                        g.replace("\"model\": \"risk-default\",", ""), "/model", null),
                Arguments.of("missing version",
                        g.replace("\"version\": \"v2.3.0\",", ""), "/version", null),
                Arguments.of("missing artifact digest",
                        g.replace("\"artifact_digest\": \"" + ARTIFACT + "\",", ""),
                        "/artifact_digest", null),
                Arguments.of("missing policy digest",
                        g.replace("\"policy_digest\": \"" + POLICY + "\",", ""),
                        "/policy_digest", null),
                Arguments.of("missing rollback.to_version",
                        g.replace("\"to_version\": \"v2.2.4\", ", ""),
                        "/rollback/to_version", null),
                Arguments.of("missing rollback",
                        g.replace("\"rollback\": {\"to_version\": \"v2.2.4\", \"alias\":"
                                + " \"production\"},", ""), "/rollback", null),
                Arguments.of("missing approvals",
                        g.replace("\"approvals\": " + approvals + ",", ""), "/approvals", null),
                Arguments.of("missing tickets.change",
                        g.replace("\"change\": \"CHG-10234\", ", ""), "/tickets/change", null),
                Arguments.of("blank model", g.replace("\"risk-default\"", "\"  \""),
                        "/model", "  "),
                Arguments.of("model not a string", g.replace("\"risk-default\"", "42"),
                        "/model", "42"),
                Arguments.of("artifact digest without prefix",
                        g.replace(ARTIFACT, ARTIFACT.substring(7)), "/artifact_digest",
                        ARTIFACT.substring(7)),
                Arguments.of("artifact digest uppercase",
                        g.replace(ARTIFACT, ARTIFACT.toUpperCase()), "/artifact_digest",
                        ARTIFACT.toUpperCase()),
                Arguments.of("artifact digest too short",
                        g.replace(ARTIFACT, ARTIFACT.substring(0, 70)), "/artifact_digest",
                        ARTIFACT.substring(0, 70)),
                Arguments.of("policy digest not hex",
                        g.replace(POLICY, "z" + POLICY.substring(1)), "/policy_digest",
                        "z" + POLICY.substring(1)),
                Arguments.of("policy digest wrong prefix",
                        g.replace(POLICY, "md5:" + POLICY), "/policy_digest", "md5:" + POLICY),
                Arguments.of("rollback to itself", g.replace("\"v2.2.4\"", "\"v2.3.0\""),
                        "/rollback/to_version", "v2.3.0"),
                Arguments.of("unknown change type", g.replace("\"normal\"", "\"urgent\""),
                        "/change_type", "urgent"),
                Arguments.of("canary window zero", g.replace("\"window_min\": 30",
                        "\"window_min\": 0"), "/canary/window_min", "0"),
                Arguments.of("canary window fractional", g.replace("\"window_min\": 30",
                        "\"window_min\": 1.5"), "/canary/window_min", "1.5"),
                Arguments.of("single approval",
                        g.replace(approvals, "{\"security\": \"maria.s\"}"), "/approvals",
                        "{security=maria.s}"),
                Arguments.of("same person under two roles",
                        g.replace(approvals, "{\"security\": \"maria.s\", \"product\":"
                                + " \"Maria.S\"}"), "/approvals", "Maria.S"),
                Arguments.of("same role twice in another case",
                        g.replace(approvals, "{\"security\": \"maria.s\", \"Security\":"
                                + " \"raphael.f\"}"), "/approvals", "Security"),
                Arguments.of("approver not a string",
                        g.replace("\"raphael.f\"", "true"), "/approvals/product", "true"),
                Arguments.of("incident not a string",
                        g.replace("\"incidents\": []", "\"incidents\": [\"INC-1\", 7]"),
                        "/tickets/incidents/1", "7"),
                Arguments.of("line break in a ticket",
                        g.replace("CHG-10234", "CHG\\n1"), "/tickets/change", "CHG\n1"),
                Arguments.of("not an object", "[1, 2]", "", "[1,2]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalid_isRefused_namingSourcePointerAndValue(String what, String json,
            String pointer, String value) {
        assertThat(json).as("the test mutation applies").isNotEqualTo(golden());
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isEqualTo(SOURCE);
                    assertThat(e.pointer()).isEqualTo(pointer);
                    assertThat(e.value()).isEqualTo(value);
                    assertThat(e.getMessage()).startsWith(SOURCE + ": at ");
                });
    }

    @Test
    void fourEyes_samePersonTwice_isRefusedNamingApprovals() {
        assertThatThrownBy(() -> valid().approval("product", "maria.s").build())
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.pointer()).isEqualTo("/approvals");
                    assertThat(e.value()).isEqualTo("maria.s");
                    assertThat(e.problem()).contains("four-eyes", "security", "product",
                            "distinct people");
                });
        assertThatThrownBy(() -> valid().approvals(Map.of("security", "maria.s")).build())
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.problem()).contains("at least two approvals"));
        assertThatThrownBy(() -> valid().approvals(Map.of()).build())
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.pointer()).isEqualTo("/approvals"));
    }

    @Test
    void malformedJson_namesLineAndColumn() {
        assertThatThrownBy(() -> parse("{\n  \"model\": \"a\",\n  oops\n}"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isEqualTo(SOURCE);
                    assertThat(e.pointer()).isEmpty();
                    assertThat(e.problem()).contains("not well-formed JSON", "line 3");
                });
        assertThatThrownBy(() -> parse(golden() + "{}"))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.problem()).contains("not well-formed JSON"));
        assertThatThrownBy(() -> parse(""))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.problem()).contains("empty"));
    }

    @Test
    void duplicateField_isRefused() {
        assertThatThrownBy(() -> parse(golden().replace("\"version\": \"v2.3.0\",",
                "\"version\": \"v2.3.0\", \"version\": \"v9\",")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isEqualTo(SOURCE);
                    assertThat(e.problem()).contains("Duplicate", "version", "line 3");
                });
    }

    @Test
    void builder_errorsHaveNoSourceButAPointer() {
        assertThatThrownBy(() -> valid().model(null).build())
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isNull();
                    assertThat(e.pointer()).isEqualTo("/model");
                    assertThat(e.problem()).contains("required");
                });
        assertThatThrownBy(() -> valid().canary(" ", 5).build())
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.pointer()).isEqualTo("/canary/strategy"));
    }

    @Test
    void verify_matchingDigests_isEmpty_ignoringCaseAndPrefix() {
        ReleaseManifest m = valid().build();
        assertThat(m.verify(ARTIFACT, POLICY)).isEmpty();
        assertThat(m.verify(ARTIFACT.substring(7).toUpperCase(), "sha256:" + POLICY))
                .isEmpty();
    }

    @Test
    void verify_mismatches_nameFieldExpectedAndActual() {
        ReleaseManifest m = valid().build();
        String other = "sha256:" + "b".repeat(64);
        assertThat(m.verify(other, POLICY)).containsExactly("artifact_digest: the manifest"
                + " says " + ARTIFACT + " but the deployed artifact is " + other);
        assertThat(m.verify(ARTIFACT, "c".repeat(64))).containsExactly("policy_digest: the"
                + " manifest says " + POLICY + " but the policy in force is " + "c".repeat(64));
        assertThat(m.verify(null, null)).containsExactly(
                "artifact_digest: the manifest says " + ARTIFACT
                        + " but the deployed artifact is unknown",
                "policy_digest: the manifest says " + POLICY
                        + " but the policy in force is unknown");
    }

    @Test
    void verify_acceptsWhatPolicyDigestReturns() {
        byte[] bytes = resource("release/gates.json");
        Policy policy = Policy.parse(bytes, "gates.json");
        assertThat(policy.digest()).isEqualTo(POLICY);
        assertThat(valid().build().verify(ReleaseManifest.sha256(
                "model-bytes".getBytes(StandardCharsets.UTF_8)), policy.digest())).isEmpty();
    }

    @Test
    void sha256_ofBytesAndFile_isSha256sumWithPrefix(@TempDir Path dir) throws Exception {
        byte[] bytes = "model-bytes".getBytes(StandardCharsets.UTF_8);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(bytes));
        assertThat(ReleaseManifest.sha256(bytes)).isEqualTo("sha256:" + hex).isEqualTo(ARTIFACT);
        Path file = dir.resolve("model.bin");
        Files.write(file, bytes);
        assertThat(ReleaseManifest.sha256(file)).isEqualTo(ARTIFACT);
        assertThatThrownBy(() -> ReleaseManifest.sha256(dir.resolve("none")))
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void changeType_namesAndParsing() {
        assertThat(ChangeType.of("Standard")).isEqualTo(ChangeType.STANDARD);
        assertThat(ChangeType.EMERGENCY.jsonName()).isEqualTo("emergency");
        assertThatThrownBy(() -> ChangeType.of("cab"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'cab'");
    }
}

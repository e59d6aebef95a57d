package dev.releaserouter.core.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.core.flags.internal.FlagFileParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlagFileParserTest {

    static final String SOURCE = "file:/etc/router/flags.json";

    /** A valid long-form model; tests replace one part of it. */
    static String model(String versions, String extra) {
        return "{'models': {'churn': {'stable': 'v1', 'versions': " + versions + extra
                + "}}}";
    }

    /** JSON written with single quotes, to keep the tests readable. */
    static String q(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    static RouterConfig parse(String singleQuotedJson) {
        return FlagFileParser.parse(q(singleQuotedJson), SOURCE);
    }

    static ConfigException parseError(String singleQuotedJson) {
        Throwable thrown = catchThrowable(() -> parse(singleQuotedJson));
        assertThat(thrown).isInstanceOf(ConfigException.class);
        return (ConfigException) thrown;
    }

    static void assertLocated(ConfigException e, String pointer, @Nullable String value) {
        assertThat(e.source()).isEqualTo(SOURCE);
        assertThat(e.pointer()).isEqualTo(pointer);
        assertThat(e.value()).isEqualTo(value == null ? null : q(value));
        assertThat(e.getMessage())
                .startsWith(SOURCE + ": at " + (pointer.isEmpty() ? "/" : pointer));
        if (value != null) {
            String shown = q(value);
            assertThat(e.getMessage()).as("the message shows the bad value")
                    .contains(", but was " + shown.substring(0, Math.min(shown.length(), 40)));
        }
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = FlagFileParserTest.class.getResourceAsStream("/flags/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    @Nested
    class ValidFiles {

        @Test
        void seedShortForm_loadsAsIs_asStableV1AndApprovedCanaryV2WithTenantsDenied()
                throws IOException {
            RouterConfig config = FlagFileParser.parse(resource("seed-short-form.json"), SOURCE);

            ModelConfig expected = ModelConfig.builder("churn")
                    .stableVersion("v1")
                    .version(VersionConfig.builder("v1").build())
                    .version(VersionConfig.builder("v2").weightBasisPoints(500).build())
                    .deny(Segments.of(Map.of(Dimension.TENANT,
                            Set.of("vip_retail", "regulated_fx"))))
                    .build();
            assertThat(config.models()).containsOnlyKeys("churn");
            assertThat(config.model("churn")).isEqualTo(expected);
            ModelConfig churn = config.model("churn");
            assertThat(churn.salt()).isEqualTo("churn");
            assertThat(churn.version("v2").stage()).isEqualTo(Stage.APPROVED);
            assertThat(churn.kills()).isEqualTo(KillSwitches.NONE);
            assertThat(config.globalKills()).isEqualTo(KillSwitches.NONE);
        }

        @Test
        void longForm_loadsEveryField() throws IOException {
            RouterConfig config = FlagFileParser.parse(resource("long-form.json"), SOURCE);

            ModelConfig churn = config.model("churn");
            assertThat(churn.salt()).isEqualTo("churn-2026-11");
            assertThat(churn.stableVersion()).isEqualTo("v1");
            assertThat(churn.versions()).containsOnlyKeys("v1", "v2");
            VersionConfig v2 = churn.version("v2");
            assertThat(v2.weightBasisPoints()).isEqualTo(500);
            assertThat(v2.reserveBasisPoints()).hasValue(10_000);
            assertThat(v2.artifactDigest()).isEqualTo("sha256:2222");
            assertThat(v2.budget()).contains(ExposureBudget.builder().maxRequests(100_000)
                    .window(Duration.ofHours(1)).maxValueShare(0.02).build());
            assertThat(churn.version("v1").artifactDigest()).isEqualTo("sha256:1111");
            assertThat(churn.deny().asMap())
                    .isEqualTo(Map.of(Dimension.TENANT, Set.of("vip_retail")));
            assertThat(churn.allow().asMap())
                    .isEqualTo(Map.of(Dimension.REGION, Set.of("BR", "LATAM")));
            assertThat(config.model("fraud").version("v2").weightBasisPoints()).isEqualTo(500);
            assertThat(config.models().keySet()).containsExactly("churn", "fraud");
        }

        @Test
        void shortForm_namesItsVersions_andKillsWithABoolean() {
            RouterConfig config = parse("{'model:fraud': {'canary_weight': 12.5,"
                    + " 'kill': true, 'stable_version': '2026-10',"
                    + " 'canary_version': '2026-11'}}");

            ModelConfig fraud = config.model("fraud");
            assertThat(fraud.stableVersion()).isEqualTo("2026-10");
            assertThat(fraud.version("2026-11").weightBasisPoints()).isEqualTo(1250);
            assertThat(fraud.kills().all()).isTrue();
        }

        @Test
        void shortForm_withoutCanaryWeight_sendsNoTrafficToTheCanary() {
            RouterConfig config = parse("{'model:fraud': {}}");

            assertThat(config.model("fraud").version("v2").weightBasisPoints()).isZero();
        }

        @Test
        void stage_isCaseInsensitive_andDefaultsToApproved() {
            RouterConfig config = parse(model(
                    "{'v1': {}, 'v2': {'stage': 'Staging'}, 'v3': {'stage': 'REVOKED'}}",
                    ""));

            ModelConfig churn = config.model("churn");
            assertThat(churn.version("v1").stage()).isEqualTo(Stage.APPROVED);
            assertThat(churn.version("v2").stage()).isEqualTo(Stage.STAGING);
            assertThat(churn.version("v3").stage()).isEqualTo(Stage.REVOKED);
        }

        @ParameterizedTest
        @CsvSource({"PT1H, PT1H", "30s, PT30S", "15m, PT15M", "1h, PT1H", "1d, PT24H",
                "P2D, PT48H", "pt90m, PT1H30M"})
        void budgetWindow_acceptsIsoDurationsAndShortForms(String window, String expected) {
            RouterConfig config = parse(model("{'v1': {}, 'v2': {'weight': 1,"
                    + " 'budget': {'max_requests': 10, 'window': '" + window + "'}}}", ""));

            assertThat(config.model("churn").version("v2").budget().orElseThrow().window())
                    .contains(Duration.parse(expected));
        }

        @Test
        void stableWeight_mayBeGiven_whenItIsWhatTheCandidatesLeave() {
            RouterConfig config = parse(
                    model("{'v1': {'weight': 95}, 'v2': {'weight': 5}}", ""));

            assertThat(config.model("churn").version("v1").weightBasisPoints()).isEqualTo(9500);
        }

        @Test
        void killSwitches_globalAndPerModel_loadFromObjects() {
            RouterConfig config = parse("{'kill': {'tenants': ['acme'],"
                    + " 'channels': ['batch']}, 'models': {'churn': {'stable': 'v1',"
                    + " 'versions': {'v1': {}, 'v2': {'weight': 5}}, 'kill': {'all': false,"
                    + " 'versions': ['v2'], 'tenants': ['vip'], 'channels': ['web']}}}}");

            assertThat(config.globalKills())
                    .isEqualTo(KillSwitches.of(false, Set.of(), Set.of("acme"), Set.of("batch")));
            assertThat(config.model("churn").kills())
                    .isEqualTo(KillSwitches.of(false, Set.of("v2"), Set.of("vip"), Set.of("web")));
        }

        @Test
        void globalKill_true_killsEveryModelsCandidates() {
            RouterConfig config = parse("{'kill': true, 'models': {}}");

            assertThat(config.globalKills().all()).isTrue();
            assertThat(config.models()).isEmpty();
        }

        @Test
        void byteOrderMark_isAccepted() {
            byte[] json = q("\uFEFF{'model:churn': {'canary_weight': 1}}")
                    .getBytes(StandardCharsets.UTF_8);

            assertThat(FlagFileParser.parse(json, SOURCE).model("churn")).isNotNull();
        }
    }

    @Nested
    class Errors {

        @Test
        void weightOver100_namesPointerAndValue() {
            ConfigException e = parseError(model("{'v1': {}, 'v2': {'weight': 120}}", ""));

            assertLocated(e, "/models/churn/versions/v2/weight", "120");
            assertThat(e.problem()).contains("between 0 and 100");
        }

        @Test
        void negativeWeight_isRejected() {
            ConfigException e = parseError(model("{'v1': {}, 'v2': {'weight': -5}}", ""));

            assertLocated(e, "/models/churn/versions/v2/weight", "-5");
        }

        @Test
        void weightWithThreeDecimals_isRejected() {
            ConfigException e = parseError(model("{'v1': {}, 'v2': {'weight': 5.125}}", ""));

            assertLocated(e, "/models/churn/versions/v2/weight", "5.125");
            assertThat(e.problem()).contains("at most two decimals");
        }

        @Test
        void weightAsPercentString_isAWrongType() {
            ConfigException e = parseError(model("{'v1': {}, 'v2': {'weight': '5%'}}", ""));

            assertLocated(e, "/models/churn/versions/v2/weight", "'5%'");
            assertThat(e.problem()).startsWith("must be a number");
        }

        @Test
        void shortFormWeightOver100_pointsAtCanaryWeight() {
            ConfigException e = parseError("{'model:fraud': {'canary_weight': 100.5}}");

            assertLocated(e, "/model:fraud/canary_weight", "100.5");
        }

        @Test
        void candidateWeightsOver100_pointAtTheVersions() {
            ConfigException e = parseError(
                    model("{'v1': {}, 'v2': {'weight': 60}, 'v3': {'weight': 50}}", ""));

            assertLocated(e, "/models/churn/versions", "110%");
        }

        @Test
        void moreThan126Candidates_pointsAtTheVersions() {
            StringBuilder versions = new StringBuilder("{'v1': {}");
            for (int i = 1; i <= 127; i++) {
                versions.append(", 'c").append(i).append("': {}");
            }
            ConfigException e = parseError(model(versions.append('}').toString(), ""));

            assertLocated(e, "/models/churn/versions", "128 versions");
            assertThat(e.problem()).contains("at most 126 candidates");
        }

        @Test
        void unknownStableVersion_namesTheKnownOnes() {
            ConfigException e = parseError("{'models': {'churn': {'stable': 'v3',"
                    + " 'versions': {'v1': {}, 'v2': {}}}}}");

            assertLocated(e, "/models/churn/stable", "'v3'");
            assertThat(e.problem()).contains("[v1, v2]");
        }

        @Test
        void missingStable_isRequired() {
            ConfigException e = parseError("{'models': {'churn': {'versions': {'v1': {}}}}}");

            assertLocated(e, "/models/churn/stable", null);
        }

        @Test
        void unknownVersionInKillList_pointsAtTheListEntry() {
            ConfigException e = parseError(model("{'v1': {}, 'v2': {'weight': 5}}",
                    ", 'kill': {'versions': ['v2', 'v9']}"));

            assertLocated(e, "/models/churn/kill/versions/1", "'v9'");
            assertThat(e.problem()).contains("unknown version");
        }

        @Test
        void stableVersionInKillList_isRejected() {
            ConfigException e = parseError(model("{'v1': {}, 'v2': {'weight': 5}}",
                    ", 'kill': {'versions': ['v1']}"));

            assertLocated(e, "/models/churn/kill/versions/0", "'v1'");
        }

        @Test
        void stableNotApproved_pointsAtItsStage() {
            ConfigException e = parseError(
                    model("{'v1': {'stage': 'candidate'}, 'v2': {}}", ""));

            assertLocated(e, "/models/churn/versions/v1/stage", "'candidate'");
            assertThat(e.problem()).contains("Approved");
        }

        @Test
        void stableWithBudget_isRejected() {
            ConfigException e = parseError(
                    model("{'v1': {'budget': {'max_requests': 5}}, 'v2': {}}", ""));

            assertLocated(e, "/models/churn/versions/v1/budget", "{'max_requests':5}");
        }

        @Test
        void budgetWindowWithoutMaxRequests_pointsAtTheWindow() {
            ConfigException e = parseError(model(
                    "{'v1': {}, 'v2': {'budget': {'window': '1h'}}}", ""));

            assertLocated(e, "/models/churn/versions/v2/budget/window", "'1h'");
        }

        @Test
        void badWindow_isRejected() {
            ConfigException e = parseError(model("{'v1': {}, 'v2': {'budget':"
                    + " {'max_requests': 5, 'window': 'an hour'}}}", ""));

            assertLocated(e, "/models/churn/versions/v2/budget/window", "'an hour'");
        }

        @Test
        void unknownStage_listsTheStages() {
            ConfigException e = parseError(model("{'v1': {}, 'v2': {'stage': 'live'}}", ""));

            assertLocated(e, "/models/churn/versions/v2/stage", "'live'");
            assertThat(e.problem()).contains("candidate, staging, approved, revoked");
        }

        @Test
        void duplicateKey_namesTheKeyAndWhereItIs() {
            ConfigException e = parseError("{'models': {'churn': {'stable': 'v1',\n"
                    + "  'versions': {'v1': {}, 'v2': {'weight': 5, 'weight': 50}}}}}");

            assertLocated(e, "/models/churn/versions/v2/weight", "'weight'");
            assertThat(e.problem()).startsWith(q("duplicate key 'weight' at line 2, column "));
        }

        @Test
        void duplicateModelInShortForm_isADuplicateKey() {
            ConfigException e = parseError("{'model:a': {}, 'model:a': {}}");

            assertLocated(e, "/model:a", "'model:a'");
        }

        @Test
        void malformedJson_givesLineColumnAndContext() {
            ConfigException e = parseError("{\n  'model:churn': {\n    'canary_weight': 5,,\n"
                    + "  }\n}");

            assertLocated(e, "/model:churn/canary_weight", "'canary_weight': 5,,");
            assertThat(e.problem()).startsWith("malformed JSON at line 3, column 24: ");
        }

        @Test
        void emptyFile_saysItIsEmpty() {
            ConfigException e = parseError("");

            assertLocated(e, "", null);
            assertThat(e.problem()).isEqualTo("the flag file is empty");
        }

        @Test
        void whitespaceOnlyFile_isEmpty() {
            ConfigException e = parseError(" \n\t\r\n ");

            assertLocated(e, "", null);
            assertThat(e.problem()).isEqualTo("the flag file is empty");
        }

        @Test
        void truncatedFile_saysTheJsonEndsTooEarly() throws IOException {
            String full = new String(resource("long-form.json"), StandardCharsets.UTF_8);
            String truncated = full.substring(0, full.indexOf(q("'reserve'")) + 4);

            ConfigException e = parseError(truncated);

            assertLocated(e, "/models/churn/versions/v2/weight",
                    "{ 'stage': 'approved', 'weight': 5, 'res");
            assertThat(e.problem()).startsWith(
                    "the JSON ends too early (a truncated or partial write?) at line 11");
        }

        @Test
        void truncatedAfterAValue_pointsAtTheEnclosingObject() {
            ConfigException e = parseError("{'model:churn': {'canary_weight': 5");

            assertLocated(e, "/model:churn/canary_weight", "{'model:churn': {'canary_weight': 5");
            assertThat(e.problem()).startsWith("the JSON ends too early");
        }

        @Test
        void truncatedInsideALiteral_isSeenAsTruncated() {
            String truncated = "{'model:churn': {'canary_weight': 5, 'kill': tr";

            ConfigException e = parseError(truncated);

            assertLocated(e, "/model:churn/kill", "el:churn': {'canary_weight': 5, 'kill': tr");
            assertThat(e.problem()).startsWith("the JSON ends too early");
        }

        @Test
        void badLiteralInTheMiddle_isMalformed() {
            String json = "{'model:churn': {'kill': tru, 'canary_weight': 5}}";

            ConfigException e = parseError(json);

            assertLocated(e, "/model:churn/kill", "{'model:churn': {'kill': tru, 'canary_weight'");
            assertThat(e.problem()).startsWith("malformed JSON at line 1, column 26: ");
        }

        @Test
        void trailingContent_isRejected() {
            ConfigException e = parseError("{'model:churn': {}}\n{}");

            assertLocated(e, "", "{}");
            assertThat(e.problem()).startsWith("unexpected content after the top-level object");
        }

        @Test
        void unknownField_listsTheExpectedFields() {
            ConfigException e = parseError(model("{'v1': {}, 'v2': {'wieght': 5}}", ""));

            assertLocated(e, "/models/churn/versions/v2/wieght", "5");
            assertThat(e.problem()).isEqualTo(q("unknown field 'wieght'; expected one of "
                    + "[stage, weight, reserve, artifact_digest, budget]"));
        }

        @Test
        void unknownTopLevelField_mentionsTheShortForm() {
            ConfigException e = parseError("{'churn': {}}");

            assertLocated(e, "/churn", "{}");
            assertThat(e.problem()).contains("model:<name>");
        }

        @Test
        void unknownShortFormField_isRejected() {
            ConfigException e = parseError("{'model:fraud': {'weight': 5}}");

            assertLocated(e, "/model:fraud/weight", "5");
        }

        @Test
        void wrongType_killAsString_isRejected() {
            ConfigException e = parseError("{'model:fraud': {'kill': 'yes'}}");

            assertLocated(e, "/model:fraud/kill", "'yes'");
            assertThat(e.problem()).isEqualTo("must be true or false");
        }

        @Test
        void wrongType_segmentsNotAnArray_isRejected() {
            ConfigException e = parseError(
                    model("{'v1': {}}", ", 'deny': {'tenants': 'vip_retail'}"));

            assertLocated(e, "/models/churn/deny/tenants", "'vip_retail'");
        }

        @Test
        void blankListEntry_isRejected() {
            ConfigException e = parseError("{'model:fraud': {'blocked_segments': ['a', ' ']}}");

            assertLocated(e, "/model:fraud/blocked_segments/1", "' '");
        }

        @Test
        void duplicateListEntry_isRejected() {
            ConfigException e = parseError("{'model:fraud': {'blocked_segments': ['a', 'a']}}");

            assertLocated(e, "/model:fraud/blocked_segments/1", "'a'");
        }

        @Test
        void shortAndLongFormOfTheSameModel_clash() {
            ConfigException e = parseError("{'models': {'fraud': {'stable': 'v1',"
                    + " 'versions': {'v1': {}}}}, 'model:fraud': {'canary_weight': 5}}");

            assertLocated(e, "/model:fraud", "'fraud'");
            assertThat(e.problem()).contains("defined twice").contains("/models/fraud");
        }

        @Test
        void shortFormWithTheSameStableAndCanary_isRejected() {
            ConfigException e = parseError("{'model:fraud': {'canary_version': 'v1'}}");

            assertLocated(e, "/model:fraud/canary_version", "'v1'");
        }

        @Test
        void shortFormWithoutName_isRejected() {
            ConfigException e = parseError("{'model:': {}}");

            assertLocated(e, "/model:", "{}");
        }

        @Test
        void schemaVersion2_isRejected() {
            ConfigException e = parseError("{'schema_version': 2}");

            assertLocated(e, "/schema_version", "2");
        }

        @Test
        void globalKillOfVersions_isRejected() {
            ConfigException e = parseError("{'kill': {'versions': ['v2']}}");

            assertLocated(e, "/kill/versions", "['v2']");
        }

        @Test
        void notAnObject_isRejected() {
            ConfigException e = parseError("[]");

            assertLocated(e, "", "[]");
        }

        @Test
        void modelNameWithSlash_isEscapedInThePointer() {
            ConfigException e = parseError("{'models': {'risk/pd': {'stable': 'v1',"
                    + " 'versions': {'v1': {'weight': 101}}}}}");

            assertLocated(e, "/models/risk~1pd/versions/v1/weight", "101");
        }
    }
}

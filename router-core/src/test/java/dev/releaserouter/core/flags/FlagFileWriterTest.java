package dev.releaserouter.core.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.core.flags.internal.FlagFileParser;
import dev.releaserouter.core.flags.internal.FlagFileWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlagFileWriterTest {

    @Test
    void seedShortForm_isWrittenAsTheCanonicalLongForm() throws IOException {
        RouterConfig seed = FlagFileParser.parse(
                FlagFileParserTest.resource("seed-short-form.json"), "seed");

        String canonical = new String(
                FlagFileParserTest.resource("seed-short-form.canonical.json"),
                StandardCharsets.UTF_8);
        assertThat(FlagFileWriter.toJson(seed)).isEqualTo(canonical);
    }

    @Test
    void emptyConfig_isJustTheSchemaVersionAndNoModels() {
        assertThat(FlagFileWriter.toJson(RouterConfig.EMPTY))
                .isEqualTo("{\n  \"schema_version\": 1,\n  \"models\": {}\n}\n");
    }

    @Test
    void killSwitches_renderAsBooleanWhenOnlyAllIsSet_elseAsSortedObject() {
        assertThat(FlagFileWriter.toJson(KillSwitches.NONE)).isEqualTo("false");
        assertThat(FlagFileWriter.toJson(KillSwitches.of(true, Set.of(), Set.of(), Set.of())))
                .isEqualTo("true");
        assertThat(FlagFileWriter.toJson(
                        KillSwitches.of(true, Set.of("v3", "v2"), Set.of("b", "a"), Set.of("web"))))
                .isEqualTo("{\"all\":true,\"versions\":[\"v2\",\"v3\"],\"tenants\":[\"a\",\"b\"],"
                        + "\"channels\":[\"web\"]}");
    }

    @Test
    void segments_renderInDimensionOrderWithSortedValues() {
        Segments segments = Segments.of(Map.of(Dimension.PRODUCT, Set.of("loans"),
                Dimension.TENANT, Set.of("vip_retail", "regulated_fx")));

        assertThat(FlagFileWriter.toJson(segments)).isEqualTo(
                "{\"tenants\":[\"regulated_fx\",\"vip_retail\"],\"products\":[\"loans\"]}");
        assertThat(FlagFileWriter.toJson(Segments.NONE)).isEqualTo("{}");
    }

    @Test
    void budget_rendersOnlyTheLimitsItHas() {
        ExposureBudget budget = ExposureBudget.builder().maxRequests(100_000)
                .window(Duration.ofHours(1)).build();

        assertThat(FlagFileWriter.toJson(budget))
                .isEqualTo("{\"max_requests\":100000,\"window\":\"PT1H\"}");
        assertThat(FlagFileWriter.toJson(ExposureBudget.builder().maxValueShare(0.02).build()))
                .isEqualTo("{\"max_value_share\":0.02}");
    }

    @Test
    void weights_renderAsPlainPercentNumbers() {
        assertThat(FlagFileWriter.percentToJson(500)).isEqualTo("5");
        assertThat(FlagFileWriter.percentToJson(1250)).isEqualTo("12.5");
        assertThat(FlagFileWriter.percentToJson(1)).isEqualTo("0.01");
        assertThat(FlagFileWriter.percentToJson(10_000)).isEqualTo("100");
        assertThat(FlagFileWriter.percentToJson(0)).isEqualTo("0");
    }

    @Test
    void version_rendersStageWeightReserveDigestAndBudget() {
        VersionConfig v2 = VersionConfig.builder("v2").stage(Stage.STAGING).weightPercent(12.5)
                .reservePercent(50).artifactDigest("sha256:ab")
                .budget(ExposureBudget.builder().maxRequests(10).build()).build();

        assertThat(FlagFileWriter.toJson(v2)).isEqualTo("{\"stage\":\"staging\",\"weight\":12.5,"
                + "\"reserve\":50,\"artifact_digest\":\"sha256:ab\","
                + "\"budget\":{\"max_requests\":10}}");
        assertThat(FlagFileWriter.toJson(Stage.REVOKED)).isEqualTo("\"revoked\"");
    }

    @Test
    void model_leavesOutTheStablesImpliedWeightAndEmptyParts() {
        ModelConfig model = ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").weightBasisPoints(500).build())
                .build();

        assertThat(FlagFileWriter.toJson(model)).isEqualTo("{\"stable\":\"v1\",\"salt\":\"churn\","
                + "\"versions\":{\"v1\":{\"stage\":\"approved\"},"
                + "\"v2\":{\"stage\":\"approved\",\"weight\":5}}}");
    }
}

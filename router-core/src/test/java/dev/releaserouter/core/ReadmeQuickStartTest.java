package dev.releaserouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.ShadowStatistics;
import dev.releaserouter.core.audit.JsonlAuditSink;
import dev.releaserouter.core.flags.internal.FlagFileParser;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.Docs;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick start works as written: its flag files load and route as it says. */
class ReadmeQuickStartTest {

    /** The JSON blocks of the README's "Quick start" section, in order. */
    static List<String> quickStartJson() throws IOException {
        String readme = Files.readString(Docs.dir().resolveSibling("README.md"));
        int start = readme.indexOf("\n## Quick start\n");
        int end = readme.indexOf("\n## ", start + 1);
        assertThat(start).as("README has a Quick start section").isNotNegative();
        Matcher m = Pattern.compile("```json\n(.*?)```", Pattern.DOTALL)
                .matcher(readme.substring(start, end));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertThat(blocks).as("the flag file and the seed's short form").hasSize(2);
        return blocks;
    }

    @Test
    void flagFile_routesAsTheReadmeSays(@TempDir Path dir) throws IOException {
        RouterConfig config = FlagFileParser.parse(quickStartJson().get(0), "README.md");
        Path log = dir.resolve("audit.jsonl");
        try (JsonlAuditSink audit = JsonlAuditSink.open(log);
                Router router = ReleaseRouter.builder()
                        .flagSource(FlagSources.inMemory(config))
                        .hashSecretHex(Configs.SECRET)
                        .auditSink(audit)
                        .build()) {
            ModelConfig churn = router.config().model("churn");
            assertThat(churn.version("v2").weightBasisPoints()).isEqualTo(500);
            assertThat(churn.shadow()).isNotNull().satisfies(sh -> {
                assertThat(sh.version()).isEqualTo("v2");
                assertThat(sh.sampleBasisPoints()).isEqualTo(1_000);
            });
            assertThat(churn.deny().get(Dimension.TENANT))
                    .isEqualTo(Set.of("vip_retail", "regulated_fx"));

            RouteDecision vip = router.decide(RouteRequest.builder("churn", "c1")
                    .tenant("vip_retail").region("BR").channel("app").build());
            assertThat(vip.reason()).isEqualTo(Reason.DENIED_SEGMENT);
            assertThat(vip.version()).isEqualTo("v1");
            assertThat(router.decide(RouteRequest.builder("churn", "c1").tenant("acme")
                    .region("US").channel("app").build()).reason())
                    .isEqualTo(Reason.NOT_IN_ALLOWED_SEGMENT);
            int canary = 0;
            for (int i = 0; i < 10_000; i++) {
                RouteDecision d = router.decide(RouteRequest.builder("churn", "customer-" + i)
                        .tenant("acme").region(i % 2 == 0 ? "BR" : "LATAM").build());
                canary += d.isCandidate() ? 1 : 0;
            }
            assertThat(canary).as("about 5%% of 10,000").isBetween(400, 600);
        }
        assertThat(JsonlAuditSink.verify(log).ok()).isTrue();
    }

    /** The ten lines of Java: models on the builder, one route() call, v2 in the shadow. */
    @Test
    void javaLines_routeThroughRouterRoute_andShadowV2ForTheSample() throws IOException {
        RouterConfig config = FlagFileParser.parse(quickStartJson().get(0), "README.md");
        try (Router router = ReleaseRouter.builder()
                .flagSource(FlagSources.inMemory(config))
                .hashSecretHex(Configs.SECRET)
                .auditSink(new RecordingAuditSink())
                .model(ModelBinding.<Integer, String>builder("churn")
                        .version("v1", x -> "v1:" + x).version("v2", x -> "v2:" + x).build())
                .build()) {
            Map<String, Integer> served = new TreeMap<>();
            for (int i = 0; i < 2_000; i++) {
                RouteResult<String> r = router.route(RouteRequest.builder("churn", "c-" + i)
                        .tenant("acme").region("BR").channel("app").build(), i);
                assertThat(r.output()).isEqualTo(r.servedVersion() + ":" + i);
                served.merge(r.servedVersion(), 1, Integer::sum);
            }
            assertThat(served.get("v2")).as("about 5%% of 2,000").isBetween(50, 150);
            // About 10% of the entities v1 served are shadowed: ~190 calls of v2, off-thread.
            Polling.await(() -> router.shadowStatistics().stream()
                    .mapToLong(ShadowStatistics::calls).sum() >= 100);
            ShadowStatistics shadow = router.shadowStatistics().get(0);
            assertThat(shadow.candidateVersion()).isEqualTo("v2");
            assertThat(shadow.calls()).isBetween(100L, 300L);
        }
    }

    @Test
    void seedShortForm_loadsAsIs() throws IOException {
        RouterConfig config = FlagFileParser.parse(quickStartJson().get(1), "README.md");
        ModelConfig churn = config.model("churn");
        assertThat(churn.candidates()).singleElement()
                .satisfies(v -> assertThat(v.weightBasisPoints()).isEqualTo(500));
        assertThat(churn.deny().get(Dimension.TENANT))
                .isEqualTo(Set.of("vip_retail", "regulated_fx"));
    }
}

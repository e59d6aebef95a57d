package dev.releaserouter.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.core.testing.Docs;
import dev.releaserouter.rollout.gates.ExternalMetrics;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.measure.SnapshotGateInput;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policies shown in README.md and docs/ops.md parse and pass a plan's checks. */
class OpsDocsTest {

    private static final PrometheusMetricSource SOURCE =
            PrometheusMetricSource.builder(URI.create("http://127.0.0.1:9")).build();

    /** The first ```yaml block after the heading. */
    private static String yamlAfter(String doc, String heading) {
        int at = doc.indexOf(heading);
        assertThat(at).as(heading).isNotNegative();
        int start = doc.indexOf("```yaml\n", at) + "```yaml\n".length();
        return doc.substring(start, doc.indexOf("```", start));
    }

    private static void check(String yaml, String source) {
        Policy p = Policy.parse(yaml.getBytes(StandardCharsets.UTF_8), source,
                Policy.Format.YAML).requireMetrics(SnapshotGateInput.METRICS);
        assertThat(p.externalMetrics()).isNotEmpty();
        ExternalMetrics.validate(p, List.of(SOURCE));
    }

    @Test
    void readmePolicy_isAValidPrometheusPolicy() throws IOException {
        String readme = Files.readString(Docs.dir().resolveSibling("README.md"));
        check(yamlAfter(readme, "## Operators' view: Prometheus"), "README.md");
    }

    @Test
    void opsMdPolicy_andTheShippedFleetCanary_areValidPrometheusPolicies() throws IOException {
        String ops = Files.readString(Docs.dir().resolve("ops.md"));
        check(yamlAfter(ops, "## Prometheus as a gate data source"), "ops.md");
        Policy shipped = Policy.load(Docs.dir().resolve("ops/policies/fleet-canary.yaml"))
                .requireMetrics(SnapshotGateInput.METRICS);
        ExternalMetrics.validate(shipped, List.of(SOURCE));
        assertThat(shipped.externalMetrics()).containsOnlyKeys("fleet_error_rate",
                "fleet_p95_ms");
    }
}

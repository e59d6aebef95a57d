package dev.releaserouter.rollout.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Keeps the metric names of {@code docs/measurements.md} true to the code. */
class MeasurementsDocsTest {

    @Test
    void everyGateMetricInTheDocs_isKnownToArmStats() throws IOException {
        String doc = Files.readString(docs().resolve("measurements.md"));
        String table = doc.substring(doc.indexOf("| Name | Meaning |"),
                doc.indexOf("`ArmStats.builder(version)`"));
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("^\\| ([^|]+) \\|", Pattern.MULTILINE).matcher(table);
        while (m.find()) {
            Matcher name = Pattern.compile("`([a-z0-9_.<>]+)`").matcher(m.group(1));
            while (name.find()) {
                names.add(name.group(1).replace("<name>", "revenue"));
            }
        }
        ArmStats stats = ArmStats.builder("v2").build();

        assertThat(names).containsAll(ArmStats.METRICS).contains("outcome.revenue")
                .hasSize(ArmStats.METRICS.size() + 1);
        for (String name : names) {
            stats.value(name); // throws for a name the code does not know
            stats.samples(name);
            stats.variance(name);
        }
    }

    @Test
    void theEstimateColumn_saysWhichMetricsHaveAStandardError() throws IOException {
        String doc = Files.readString(docs().resolve("measurements.md"));
        String table = doc.substring(doc.indexOf("| Name | Meaning |"),
                doc.indexOf("`estimate(name)` gives"));
        ArmStats stats = ArmStats.builder("v2").counts(10, 1).build();
        Matcher row = Pattern.compile("^\\| ([^|]+) \\|.*\\| ([^|]+) \\|$", Pattern.MULTILINE)
                .matcher(table);
        int rows = 0;
        while (row.find()) {
            Matcher name = Pattern.compile("`([a-z0-9_.<>]+)`").matcher(row.group(1));
            while (name.find()) {
                String metric = name.group(1).replace("<name>", "revenue");
                assertThat(stats.estimate(metric).isPresent()).as(metric)
                        .isEqualTo(!row.group(2).trim().equals("none"));
                rows++;
            }
        }
        assertThat(rows).isEqualTo(ArmStats.METRICS.size() + 1);
    }

    private static Path docs() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("docs/measurements.md"))) {
            dir = dir.getParent();
            assertThat(dir).as("docs/measurements.md above the working directory").isNotNull();
        }
        return dir.resolve("docs");
    }
}

package dev.releaserouter.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.core.testing.Docs;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Keeps the Micrometer names of {@code docs/measurements.md} true to the code. */
class MetricsDocsTest {

    @Test
    void micrometerNamesInTheDocs_areTheConstants() throws IOException {
        String doc = Files.readString(Docs.dir().resolve("measurements.md"));

        assertThat(doc).contains("`" + MetricNames.ARM_REQUESTS + "`",
                "`" + MetricNames.ARM_ERRORS + "`", "`" + MetricNames.ARM_LATENCY + "`");
    }
}

package dev.releaserouter.replay.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the {@code shadow_eval.json} example of {@code docs/shadow.md} true to the writer. */
class ShadowDocsTest {

    @Test
    void evaluationSection_showsTheGoldenFile() throws IOException {
        String doc = Files.readString(docs().resolve("shadow.md"));
        String section = doc.substring(doc.indexOf("## Evaluation (shadow_eval.json)"));
        int start = section.indexOf("```json\n") + "```json\n".length();
        String example = section.substring(start, section.indexOf("```\n", start));

        assertThat(example).isEqualTo(ShadowEvaluationJsonTest.golden());
    }

    /** The repository's docs folder, found upwards from the module the tests run in. */
    private static Path docs() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("docs/shadow.md"))) {
            dir = dir.getParent();
            assertThat(dir).as("docs/shadow.md above the working directory").isNotNull();
        }
        return dir.resolve("docs");
    }
}

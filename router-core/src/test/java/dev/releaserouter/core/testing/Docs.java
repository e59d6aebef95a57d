package dev.releaserouter.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's docs folder, for tests that keep the docs and the code in step. */
public final class Docs {

    private Docs() {}

    /** @return the docs folder, found upwards from the module the tests run in */
    public static Path dir() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("docs/flag-file.schema.json"))) {
            dir = dir.getParent();
            assertThat(dir).as("docs/flag-file.schema.json above the working directory")
                    .isNotNull();
        }
        return dir.resolve("docs");
    }
}

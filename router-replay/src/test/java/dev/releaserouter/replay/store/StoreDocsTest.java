package dev.releaserouter.replay.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Keeps the "Stored pairs" section of {@code docs/shadow.md} true to the writer. */
class StoreDocsTest {

    @TempDir
    Path dir;

    @Test
    void exampleLine_isWhatTheStoreWrites() throws IOException {
        try (JsonlPairStore store = JsonlPairStore.builder(dir).gzipRotated(false).build()) {
            store.append(JsonlPairStoreTest.DOCUMENTED);
        }

        assertThat(section().get("json").strip())
                .isEqualTo(Pairs.text(dir.resolve(Pairs.fileNames(dir).get(0))).strip());
    }

    @Test
    void fieldTable_listsTheFieldsInLineOrder() {
        String line = new String(PairLines.encode(JsonlPairStoreTest.DOCUMENTED), UTF_8);
        List<String> inLine = new ArrayList<>();
        JsonMapper.builder().build().readTree(line)
                .propertyNames().forEach(inLine::add);

        List<String> inTable = new ArrayList<>();
        for (String row : section().get("table").split("\n")) {
            if (row.startsWith("| `")) {
                inTable.add(row.substring(3, row.indexOf('`', 3)));
            }
        }

        assertThat(inTable).isEqualTo(inLine);
    }

    /** The "Line format" subsection: its field table and its json example. */
    private static Map<String, String> section() {
        String doc;
        try {
            doc = Files.readString(docs().resolve("shadow.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String part = doc.substring(doc.indexOf("### Line format"));
        part = part.substring(0, part.indexOf("\n### ", 1));
        int json = part.indexOf("```json\n") + "```json\n".length();
        String table = part.substring(part.indexOf("| field |"), part.indexOf("```json"));
        return Map.of("json", part.substring(json, part.indexOf("```\n", json)),
                "table", table);
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

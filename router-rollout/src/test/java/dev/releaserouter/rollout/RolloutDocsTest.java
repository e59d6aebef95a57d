package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps {@code docs/rollout.md} true to the code. */
class RolloutDocsTest {

    @Test
    void everyStatusAndAction_isDocumented() throws Exception {
        String doc = Files.readString(docs().resolve("rollout.md"));
        for (RolloutStatus s : RolloutStatus.values()) {
            assertThat(doc).contains("`" + s.name() + "`");
        }
        for (RolloutAction a : RolloutAction.values()) {
            assertThat(doc).contains("`" + a.name() + "`");
        }
        assertThat(doc).contains(FileRolloutStateStore.DECISIONS_FILE)
                .contains(String.valueOf(RolloutController.MAX_REASON) + " characters");
    }

    private static Path docs() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("docs/rollout.md"))) {
            dir = dir.getParent();
            assertThat(dir).as("docs/rollout.md above the working directory").isNotNull();
        }
        return dir.resolve("docs");
    }
}

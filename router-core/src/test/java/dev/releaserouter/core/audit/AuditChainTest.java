package dev.releaserouter.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.audit.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store-independent chain: the same lines as the JSONL file, the same verification. */
class AuditChainTest {

    @TempDir
    Path dir;

    private static AuditEvent event(int n) {
        return new AuditEvent(Instant.parse("2026-11-22T10:00:00Z").plusSeconds(n), "ops",
                "weight.set", "churn/v2", null, "\"" + n + "%\"", "step " + n, null, n);
    }

    private static List<String> chain(int n) {
        List<String> lines = new ArrayList<>();
        AuditChain.Link last = null;
        for (int i = 0; i < n; i++) {
            last = last == null ? AuditChain.next(0, AuditChain.GENESIS_HASH, event(i))
                    : AuditChain.next(last.seq(), last.hash(), event(i));
            lines.add(last.line());
        }
        return lines;
    }

    @Test
    void next_writesTheLinesTheJsonlSinkWrites() throws Exception {
        Path file = dir.resolve("a.jsonl");
        try (JsonlAuditSink sink = JsonlAuditSink.open(file)) {
            for (int i = 0; i < 3; i++) {
                sink.record(event(i));
            }
        }
        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).isEqualTo(chain(3));
    }

    @Test
    void verify_intactChain_isValid_andParseReadsEachEventBack() {
        List<String> lines = chain(4);

        AuditVerification v = AuditChain.verify(lines);

        assertThat(v.ok()).isTrue();
        assertThat(v.entries()).isEqualTo(4);
        assertThat(AuditChain.parse(lines.get(2)).event()).isEqualTo(event(2));
    }

    @Test
    void verify_editedRemovedInsertedOrReordered_failsAtTheFirstBadLine() {
        List<String> edited = chain(4);
        edited.set(1, edited.get(1).replace("step 1", "step X"));
        List<String> removed = chain(4);
        removed.remove(1);
        List<String> inserted = chain(4);
        inserted.add(2, chain(4).get(0));
        List<String> reordered = chain(4);
        reordered.set(1, chain(4).get(2));
        reordered.set(2, chain(4).get(1));

        assertThat(AuditChain.verify(edited).line()).isEqualTo(2);
        assertThat(AuditChain.verify(removed).line()).isEqualTo(2);
        assertThat(AuditChain.verify(inserted).line()).isEqualTo(3);
        assertThat(AuditChain.verify(reordered).line()).isEqualTo(2);
    }
}

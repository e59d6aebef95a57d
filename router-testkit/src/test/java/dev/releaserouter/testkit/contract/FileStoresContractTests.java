package dev.releaserouter.testkit.contract;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.core.audit.JsonlAuditSink;
import dev.releaserouter.rollout.FileRolloutStateStore;
import dev.releaserouter.rollout.RolloutStateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The file-backed defaults (audit log, rollout state) against their contracts. */
class FileStoresContractTests {

    @TempDir
    Path dir;

    @Nested
    class JsonlAudit extends AuditSinkContract {
        @Override
        protected AuditSink createSink() {
            return JsonlAuditSink.open(dir.resolve("audit.jsonl"));
        }

        @Override
        protected List<AuditEvent> recorded(AuditSink sink) {
            return JsonlAuditSink.read(((JsonlAuditSink) sink).file());
        }

        @Override
        protected void disconnect(AuditSink sink) {
            sink.close(); // a closed log cannot store
        }
    }

    @Nested
    class FileRolloutState extends RolloutStateStoreContract {
        @Override
        protected RolloutStateStore createStore() {
            return new FileRolloutStateStore(dir.resolve("rollouts"));
        }

        @Override
        protected void disconnect(RolloutStateStore store) {
            // The directory becomes a plain file: nothing can be read or written under it.
            Path d = ((FileRolloutStateStore) store).directory();
            try (Stream<Path> files = Files.walk(d)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
                Files.writeString(d, "not a directory");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

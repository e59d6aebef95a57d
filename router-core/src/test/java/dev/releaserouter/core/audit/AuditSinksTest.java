package dev.releaserouter.core.audit;

import static dev.releaserouter.core.audit.AuditLogs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditSinksTest {

    private final List<String> calls = new ArrayList<>();

    @Test
    void composite_recordsToEverySinkInOrder() {
        AuditSink sink = AuditSinks.composite(recording("a"), recording("b"), recording("c"));

        sink.record(event(1));

        assertThat(calls).containsExactly("a record 1", "b record 1", "c record 1");
    }

    @Test
    void composite_sinkThatFails_propagatesAndSkipsTheSinksAfterIt() {
        AuditSink sink = AuditSinks.composite(recording("a"), failing("b"), recording("c"));

        assertThatThrownBy(() -> sink.record(event(1)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("b is full");
        assertThat(calls).containsExactly("a record 1", "b record 1");
    }

    @Test
    void composite_durableSinkFails_refusesBeforeTheLogSinkSeesIt(@TempDir Path dir) {
        JsonlAuditSink durable = JsonlAuditSink.open(dir.resolve("audit.jsonl"));
        durable.close();
        AuditSink sink = AuditSinks.composite(durable, recording("log"));

        assertThatThrownBy(() -> sink.record(event(1))).isInstanceOf(UncheckedIOException.class);
        assertThat(calls).isEmpty();
    }

    @Test
    void composite_close_closesEverySinkAndRethrowsTheFirstFailure() {
        AuditSink sink = AuditSinks.composite(failing("a"), recording("b"), failing("c"));

        assertThatThrownBy(sink::close)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a cannot close")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .extracting(Throwable::getMessage).isEqualTo("c cannot close"));
        assertThat(calls).containsExactly("a close", "b close", "c close");
    }

    @Test
    void composite_noSinks_isRejected() {
        assertThatThrownBy(AuditSinks::composite)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one sink");
    }

    @Test
    void composite_nullSink_isRejected() {
        assertThatThrownBy(() -> AuditSinks.composite(recording("a"), null))
                .isInstanceOf(NullPointerException.class);
    }

    private AuditSink recording(String name) {
        return new AuditSink() {
            @Override
            public void record(AuditEvent event) {
                calls.add(name + " record " + event.revision());
            }

            @Override
            public void close() {
                calls.add(name + " close");
            }
        };
    }

    private AuditSink failing(String name) {
        return new AuditSink() {
            @Override
            public void record(AuditEvent event) {
                calls.add(name + " record " + event.revision());
                throw new UncheckedIOException(name + " is full", new IOException());
            }

            @Override
            public void close() {
                calls.add(name + " close");
                throw new IllegalStateException(name + " cannot close");
            }
        };
    }
}

package dev.releaserouter.core.testing;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps events in memory; can be told to fail. Thread-safe. */
public final class RecordingAuditSink implements AuditSink {

    public final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    public volatile boolean failing;

    @Override
    public void record(AuditEvent event) {
        if (failing) {
            throw new UncheckedIOException(new IOException("disk full (simulated)"));
        }
        events.add(event);
    }

    public AuditEvent last() {
        return events.get(events.size() - 1);
    }
}

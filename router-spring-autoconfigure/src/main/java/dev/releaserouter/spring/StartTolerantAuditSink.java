package dev.releaserouter.spring;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.core.audit.Slf4jAuditSink;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's audit trail as the auto-configured router's, tolerant of Redis being down when
 * the application starts.
 *
 * <p>Every entry goes to the fleet's sink. The router records exactly one entry while it is
 * built (its start, {@code config.load}), and a sink that refuses it fails the build; with Redis
 * down at startup that would turn a Redis outage into an application that does not start,
 * against fleet mode's fail-safe promise. So the first entry only, if the fleet cannot take it,
 * is written to the SLF4J audit log instead (with a WARN saying so) and the router starts on its
 * flag file. Every later entry keeps the {@link AuditSink} contract: if Redis cannot take it the
 * call throws and the change is refused.
 *
 * <p>Thread-safe: one atomic flag decides which call is the first; the delegate is thread-safe.
 */
final class StartTolerantAuditSink implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(StartTolerantAuditSink.class);

    private final AuditSink fleet;
    private final AuditSink fallback = new Slf4jAuditSink();
    private final AtomicBoolean first = new AtomicBoolean(true);

    StartTolerantAuditSink(AuditSink fleet) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    /** @return the fleet's sink this one writes to */
    AuditSink fleet() {
        return fleet;
    }

    @Override
    public void record(AuditEvent event) {
        if (!first.compareAndSet(true, false)) {
            fleet.record(event);
            return;
        }
        try {
            fleet.record(event);
        } catch (UncheckedIOException e) {
            LOG.warn("Release Router fleet: the start of this instance could not be appended to"
                    + " the fleet's audit trail ({}); it is in the log audit trail instead. Later"
                    + " changes are refused until Redis takes them.", e.getMessage());
            fallback.record(event);
        }
    }
}

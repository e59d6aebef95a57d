package dev.releaserouter.core.audit;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import java.util.List;
import java.util.Objects;

/** Combinators for {@link AuditSink}s. */
public final class AuditSinks {

    private AuditSinks() {}

    /**
     * Returns a sink that records each event to every given sink, in the given order. If one
     * throws, the exception propagates at once and the sinks after it are not called, so a
     * failing durable sink refuses the change: put the durable sink first, e.g.
     * {@code composite(JsonlAuditSink.open(path), new Slf4jAuditSink())}.
     *
     * <p>{@code close()} closes every sink in order, even if one throws; the first exception is
     * rethrown with the others suppressed. The composite is as thread-safe as its sinks.
     *
     * @param sinks the sinks, at least one
     * @return the composite
     * @throws IllegalArgumentException if no sink is given
     * @throws NullPointerException if the array or a sink is null
     */
    public static AuditSink composite(AuditSink... sinks) {
        List<AuditSink> all = List.of(sinks);
        if (all.isEmpty()) {
            throw new IllegalArgumentException(
                    "a composite audit sink needs at least one sink, but none was given");
        }
        return new Composite(all);
    }

    private static final class Composite implements AuditSink {

        private final List<AuditSink> sinks;

        Composite(List<AuditSink> sinks) {
            this.sinks = sinks;
        }

        @Override
        public void record(AuditEvent event) {
            Objects.requireNonNull(event, "event");
            for (AuditSink sink : sinks) {
                sink.record(event);
            }
        }

        @Override
        public void close() {
            RuntimeException failure = null;
            for (AuditSink sink : sinks) {
                try {
                    sink.close();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public String toString() {
            return "CompositeAuditSink" + sinks;
        }
    }
}

package dev.releaserouter.core.testing;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.spi.LoggingEventAware;

/** A logger that keeps the events it is given, and can be made to fail. */
public final class RecordingLogger extends LegacyAbstractLogger implements LoggingEventAware {
    public final List<LoggingEvent> events = new ArrayList<>();
    private final boolean infoEnabled;
    private final boolean fail;

    public RecordingLogger(boolean infoEnabled, boolean fail) {
        this.name = "test";
        this.infoEnabled = infoEnabled;
        this.fail = fail;
    }

    @Override
    public void log(LoggingEvent event) {
        if (fail) {
            throw new IllegalStateException("appender failed");
        }
        events.add(event);
    }

    @Override
    public boolean isInfoEnabled() {
        return infoEnabled;
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return false;
    }

    @Override
    public boolean isWarnEnabled() {
        return false;
    }

    @Override
    public boolean isErrorEnabled() {
        return false;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String msg,
            Object[] arguments, Throwable throwable) {
        throw new UnsupportedOperationException("expected the fluent API");
    }
}

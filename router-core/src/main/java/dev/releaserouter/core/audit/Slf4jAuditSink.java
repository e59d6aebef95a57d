package dev.releaserouter.core.audit;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.core.internal.LogText;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs each audit event as one INFO line, with the event's fields as SLF4J 2 key-value pairs
 * ({@code time}, {@code actor}, {@code action}, {@code target}, {@code before}, {@code after},
 * {@code reason}, {@code ticket}, {@code revision}; absent before, after and ticket are left out)
 * and the message {@code "<action> <target> by <actor> (revision <n>): <reason>"}. Control
 * characters in values are escaped ({@code \n}, {@code \\u0007}...) so that an event cannot forge
 * or split log lines. {@code before} and {@code after} longer than {@value #MAX_LOGGED_CHARS}
 * characters (a flag file whose 700,000-entry deny list changed) are cut there and end with
 * {@code ... [K more characters, N in all]}, so that one change is one line of at most about
 * 8 KB; a durable sink keeps the whole change.
 *
 * <p>A mirror for people reading logs, <em>not</em> a durable record: logging is often
 * asynchronous, and a logging failure is swallowed rather than refusing the change. Pair it with
 * a {@link JsonlAuditSink} through {@link AuditSinks#composite(AuditSink...)}. Thread-safe.
 */
public final class Slf4jAuditSink implements AuditSink {

    /** The name of the logger {@link #Slf4jAuditSink()} logs to. */
    public static final String LOGGER_NAME = "dev.releaserouter.audit";

    /** Longest {@code before} or {@code after} logged; the rest is counted, not logged. */
    public static final int MAX_LOGGED_CHARS = 4_000;

    private final Logger logger;

    /** Creates a sink logging to the logger named {@value #LOGGER_NAME}. */
    public Slf4jAuditSink() {
        this(LoggerFactory.getLogger(LOGGER_NAME));
    }

    /**
     * Creates a sink logging to the given logger.
     *
     * @param logger the logger
     * @throws NullPointerException if logger is null
     */
    public Slf4jAuditSink(Logger logger) {
        this.logger = Objects.requireNonNull(logger, "logger");
    }

    /**
     * Logs the event at INFO. Never throws because of the logging backend.
     *
     * @param event the event
     * @throws NullPointerException if event is null
     */
    @Override
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        try {
            LoggingEventBuilder line = logger.atInfo()
                    .addKeyValue("time", event.time().toString())
                    .addKeyValue("actor", oneLine(event.actor()))
                    .addKeyValue("action", oneLine(event.action()))
                    .addKeyValue("target", oneLine(event.target()));
            addIfPresent(line, "before", event.before());
            addIfPresent(line, "after", event.after());
            line.addKeyValue("reason", oneLine(event.reason()));
            addIfPresent(line, "ticket", event.ticket());
            line.addKeyValue("revision", event.revision())
                    .log("{} {} by {} (revision {}): {}", oneLine(event.action()),
                            oneLine(event.target()), oneLine(event.actor()), event.revision(),
                            oneLine(event.reason()));
        } catch (RuntimeException e) {
            // A mirror must not refuse a change: the durable sink decides whether it applies.
        }
    }

    @Override
    public String toString() {
        return "Slf4jAuditSink[" + logger.getName() + "]";
    }

    private static void addIfPresent(LoggingEventBuilder line, String key,
            @Nullable String value) {
        if (value != null) {
            line.addKeyValue(key, oneLine(capped(value)));
        }
    }

    /** Cuts a long value, saying how much was left out (the count is what a reader needs). */
    static String capped(String value) {
        if (value.length() <= MAX_LOGGED_CHARS) {
            return value;
        }
        return value.substring(0, MAX_LOGGED_CHARS) + String.format(java.util.Locale.ROOT,
                "... [%,d more characters, %,d in all]", value.length() - MAX_LOGGED_CHARS,
                value.length());
    }

    /** Escapes control and line-separator characters so that a value stays on one line. */
    static String oneLine(String value) {
        return LogText.oneLine(value);
    }
}

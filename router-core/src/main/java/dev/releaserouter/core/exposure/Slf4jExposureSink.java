package dev.releaserouter.core.exposure;

import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.api.spi.ExposureSink;
import dev.releaserouter.core.internal.LogText;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs each exposure as one INFO line with the event's fields as SLF4J 2 key-value pairs
 * ({@code time}, {@code model}, {@code version}, {@code role}, {@code reason}, {@code bucket},
 * {@code config_revision}, {@code entity}, {@code entity_encoding}, then {@code tenant},
 * {@code region}, {@code channel}, {@code product} when present and each allowed attribute as
 * {@code attr.<name>}), the names and values of {@link ExposureJson}, and the message
 * {@code "exposure <model> <version> <reason>"}. A structured-logging backend (e.g. a JSON
 * encoder) turns them into fields for a log pipeline. Control characters in the entity, segment
 * and attribute values are escaped ({@code \n}, {@code \\u0007}...) so that a request cannot
 * forge or split log lines.
 *
 * <p>Thread-safe. The router calls it from its exposure thread only; a failure of the logging
 * backend propagates, so the router counts it.
 */
public final class Slf4jExposureSink implements ExposureSink {

    /** The name of the logger {@link #Slf4jExposureSink()} logs to. */
    public static final String LOGGER_NAME = "dev.releaserouter.exposures";

    private final Logger logger;

    /** Creates a sink logging to the logger named {@value #LOGGER_NAME}. */
    public Slf4jExposureSink() {
        this(LoggerFactory.getLogger(LOGGER_NAME));
    }

    /**
     * @param logger the logger to log to
     * @throws NullPointerException if logger is null
     */
    public Slf4jExposureSink(Logger logger) {
        this.logger = Objects.requireNonNull(logger, "logger");
    }

    /**
     * Logs the event at INFO (nothing if INFO is off for the logger).
     *
     * @param event the event
     * @throws NullPointerException if event is null
     */
    @Override
    public void record(ExposureEvent event) {
        Objects.requireNonNull(event, "event");
        if (!logger.isInfoEnabled()) {
            return;
        }
        String reason = event.reason().name().toLowerCase(Locale.ROOT);
        LoggingEventBuilder line = logger.atInfo()
                .addKeyValue("time", event.time().toString())
                .addKeyValue("model", event.model())
                .addKeyValue("version", event.version())
                .addKeyValue("role", event.role().name().toLowerCase(Locale.ROOT))
                .addKeyValue("reason", reason);
        if (event.bucket().isPresent()) {
            line.addKeyValue("bucket", event.bucket().getAsInt());
        }
        line.addKeyValue("config_revision", event.configRevision())
                .addKeyValue("entity", LogText.oneLine(event.entity()))
                .addKeyValue("entity_encoding",
                        event.entityEncoding().name().toLowerCase(Locale.ROOT));
        addIfPresent(line, "tenant", event.tenant());
        addIfPresent(line, "region", event.region());
        addIfPresent(line, "channel", event.channel());
        addIfPresent(line, "product", event.product());
        event.attributes().forEach(
                (k, v) -> line.addKeyValue("attr." + LogText.oneLine(k), LogText.oneLine(v)));
        line.log("exposure {} {} {}", event.model(), event.version(), reason);
    }

    private static void addIfPresent(LoggingEventBuilder line, String key,
            @Nullable String value) {
        if (value != null) {
            line.addKeyValue(key, LogText.oneLine(value));
        }
    }
}

package dev.releaserouter.core.shadow;

import dev.releaserouter.api.shadow.ShadowExecution;
import dev.releaserouter.api.shadow.ShadowTelemetrySink;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each shadow execution as one INFO line whose message is the JSON of
 * {@link ShadowTelemetryJson} (seed 002: {@code grep 'shadow_v2_execution' app.log | jq .}).
 * With an appender that writes the message alone, the log is a JSON Lines file.
 *
 * <p>Thread-safe. The router calls it from its telemetry thread only; a failure of the logging
 * backend propagates, so the router counts it.
 */
public final class Slf4jShadowTelemetrySink implements ShadowTelemetrySink {

    /** The name of the logger {@link #Slf4jShadowTelemetrySink()} logs to. */
    public static final String LOGGER_NAME = "dev.releaserouter.shadow.telemetry";

    private final Logger logger;

    /** Creates a sink logging to the logger named {@value #LOGGER_NAME}. */
    public Slf4jShadowTelemetrySink() {
        this(LoggerFactory.getLogger(LOGGER_NAME));
    }

    /**
     * @param logger the logger to log to
     * @throws NullPointerException if logger is null
     */
    public Slf4jShadowTelemetrySink(Logger logger) {
        this.logger = Objects.requireNonNull(logger, "logger");
    }

    /**
     * Logs the execution at INFO (nothing if INFO is off for the logger).
     *
     * @param execution the execution
     * @throws NullPointerException if execution is null
     */
    @Override
    public void record(ShadowExecution execution) {
        Objects.requireNonNull(execution, "execution");
        if (logger.isInfoEnabled()) {
            logger.info(ShadowTelemetryJson.write(execution));
        }
    }
}

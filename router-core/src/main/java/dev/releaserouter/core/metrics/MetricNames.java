package dev.releaserouter.core.metrics;

/** Every meter name Release Router registers: lowercase, dotted, one place. */
public final class MetricNames {

    /** Gauge: revision of the configuration snapshot in force. */
    public static final String CONFIG_REVISION = "router.config.revision";
    /** Counter, tag {@code outcome} = {@code success} | {@code failure}: flag-source reloads. */
    public static final String CONFIG_RELOADS = "router.config.reloads";
    /** Gauge: 1 when the flag source's latest content is in force, 0 after a refused reload. */
    public static final String CONFIG_UP_TO_DATE = "router.config.up.to.date";
    /** Counter: decisions that failed inside the router and answered the stable version. */
    public static final String INTERNAL_ERRORS = "router.decisions.internal.errors";

    private MetricNames() {}
}

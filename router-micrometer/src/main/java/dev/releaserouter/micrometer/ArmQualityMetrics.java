package dev.releaserouter.micrometer;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import dev.releaserouter.rollout.measure.MeasurementSnapshot;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Exports what the per-arm measurements know and the router's hooks do not see: cost, score and
 * mean absolute error per arm, and each arm's difference to the stable version, over a lookback
 * (5 minutes by default), as gauges tagged {@code model} and {@code version}:
 * <ul>
 *   <li>{@value MetricNames#ARM_COST_PER_CALL}: mean cost per call ({@code cost_per_call});
 *   <li>{@value MetricNames#ARM_SCORE}: mean score ({@code avg_score});
 *   <li>{@value MetricNames#ARM_MAE}: mean absolute error of labelled calls ({@code mae});
 *   <li>{@value MetricNames#ARM_DELTA}, tag {@code metric} = {@code cost_per_call} |
 *       {@code avg_score} | {@code mae}: the arm's value minus the stable version's (the
 *       model's stable version when scraped; 0 for the stable arm itself).
 * </ul>
 * A value the window does not have (no cost recorded, no labels) is NaN. The gauges are
 * registered for the models and versions configured when bound (as many series as the flag
 * file has versions: the cardinality stays bounded).
 *
 * <pre>{@code
 * ArmQualityMetrics.builder(router, measurements).lookback(Duration.ofMinutes(5)).build()
 *         .bindTo(meterRegistry);
 * }</pre>
 *
 * <p>Design (concurrency): thread-safe. A scrape reads each model's snapshot once: the gauges of
 * a model share a snapshot cached for one second (a volatile reference per model, replaced by
 * whichever scrape thread finds it stale; two threads may both compute one, harmlessly). A
 * snapshot that fails (e.g. a fleet window store that cannot be reached) reads as NaN.
 */
public final class ArmQualityMetrics implements MeterBinder {

    /** The measurement metrics exported, and the {@code metric} tag values of the deltas. */
    static final List<String> METRICS = List.of("cost_per_call", "avg_score", "mae");

    private static final long CACHE_NANOS = 1_000_000_000L;

    private final Router router;
    private final ArmMeasurements measurements;
    private final Duration lookback;
    private final LongSupplier nanos;
    private final Map<String, Cached> snapshots = new ConcurrentHashMap<>();

    private record Cached(long at, @Nullable MeasurementSnapshot snapshot) {}

    private ArmQualityMetrics(Builder b) {
        this.router = b.router;
        this.measurements = b.measurements;
        this.lookback = b.lookback;
        this.nanos = b.nanos;
    }

    /**
     * @param router the router whose configuration names the models, versions and stable
     *     versions
     * @param measurements the measurements to export
     * @return a builder with a 5-minute lookback
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(Router router, ArmMeasurements measurements) {
        return new Builder(router, measurements);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        String[] names = {MetricNames.ARM_COST_PER_CALL, MetricNames.ARM_SCORE,
                MetricNames.ARM_MAE};
        String[] descriptions = {"Mean cost per call over the lookback, per arm",
                "Mean score over the lookback, per arm",
                "Mean absolute error of labelled calls over the lookback, per arm"};
        for (ModelConfig model : router.config().models().values()) {
            String m = model.name();
            for (String version : model.versions().keySet()) {
                for (int i = 0; i < METRICS.size(); i++) {
                    String metric = METRICS.get(i);
                    Gauge.builder(names[i], this, q -> q.value(m, version, metric))
                            .tags("model", m, "version", version)
                            .description(descriptions[i])
                            .register(registry);
                    Gauge.builder(MetricNames.ARM_DELTA, this, q -> q.delta(m, version, metric))
                            .tags("model", m, "version", version, "metric", metric)
                            .description("The arm's value minus the stable version's, over the "
                                    + "lookback")
                            .register(registry);
                }
            }
        }
    }

    /** The arm's value of a metric, NaN when unknown. */
    double value(String model, String version, String metric) {
        MeasurementSnapshot s = snapshot(model);
        if (s == null || !s.versions().contains(version)) {
            return Double.NaN;
        }
        return s.arm(version).value(metric);
    }

    /** The arm's value minus the stable version's, NaN when either is unknown. */
    double delta(String model, String version, String metric) {
        ModelConfig config = router.config().model(model);
        if (config == null) {
            return Double.NaN;
        }
        String stable = config.stableVersion();
        double v = value(model, version, metric);
        return version.equals(stable) ? (Double.isNaN(v) ? Double.NaN : 0)
                : v - value(model, stable, metric);
    }

    private @Nullable MeasurementSnapshot snapshot(String model) {
        long now = nanos.getAsLong();
        Cached c = snapshots.get(model);
        if (c != null && now - c.at() < CACHE_NANOS) {
            return c.snapshot();
        }
        MeasurementSnapshot s;
        try {
            s = measurements.snapshot(model, lookback);
        } catch (Throwable t) {
            // A user SPI (the window store) on a scrape thread: contained, read as NaN (the
            // measurements count their own store failures); only a fatal VM error goes on.
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
                throw (VirtualMachineError) t;
            }
            s = null;
        }
        snapshots.put(model, new Cached(now, s));
        return s;
    }

    /** Builds {@link ArmQualityMetrics}. Not thread-safe. */
    public static final class Builder {
        private final Router router;
        private final ArmMeasurements measurements;
        private Duration lookback = Duration.ofMinutes(5);
        private LongSupplier nanos = System::nanoTime;

        private Builder(Router router, ArmMeasurements measurements) {
            this.router = Objects.requireNonNull(router, "router");
            this.measurements = Objects.requireNonNull(measurements, "measurements");
        }

        /**
         * @param lookback how far back the gauges look; at least one measurement window,
         *     default 5 minutes
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder lookback(Duration lookback) {
            if (Objects.requireNonNull(lookback, "lookback").isNegative() || lookback.isZero()) {
                throw new IllegalArgumentException("lookback must be positive, but was "
                        + lookback);
            }
            this.lookback = lookback;
            return this;
        }

        /**
         * @param nanos the ticker that times the one-second snapshot cache (tests)
         * @return this builder
         */
        Builder ticker(LongSupplier nanos) {
            this.nanos = Objects.requireNonNull(nanos, "nanos");
            return this;
        }

        /** @return the binder */
        public ArmQualityMetrics build() {
            return new ArmQualityMetrics(this);
        }
    }
}

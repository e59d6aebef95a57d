package dev.releaserouter.rollout.measure;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Per-arm measurements: what each version of each model served, in tumbling windows aligned to
 * an injected clock, for policy gates and dashboards.
 *
 * <pre>{@code
 * ArmMeasurements m = ArmMeasurements.builder(router).window(Duration.ofMinutes(1)).build();
 * m.recordCall(request, decision.version(), nanos, failed, cost, tokens, score); // per call
 * m.recordOutcome("churn", customerId, "retained", 1.0);                    // days later
 * MeasurementSnapshot s = m.snapshot("churn", Duration.ofMinutes(30));
 * double p95 = s.arm("v2").value("p95_ms");
 * }</pre>
 *
 * <p>Window {@code n} covers {@code [n * window, (n + 1) * window)} in epoch milliseconds of the
 * clock; a call, outcome or label counts in the window of the instant it is recorded. Only the
 * last {@code retainedWindows} windows are kept. Nothing sleeps and no thread is started:
 * windows roll when a record or a snapshot reads the clock.
 *
 * <p>Business outcomes and labels carry no version: it is recomputed with
 * {@link Router#decide(RouteRequest)}, which is deterministic for a given configuration, so the
 * application never has to remember the arm. It is the arm the <em>current</em> configuration
 * gives: after a weight change or a kill switch, outcomes of entities that moved are attributed
 * to their new arm, so report outcomes of a stage before changing it.
 *
 * <p>Design (concurrency): thread-safe and lock-free on the record path. Series are found in
 * {@link ConcurrentHashMap}s (created once per model and version), windows are installed in a
 * ring by compare-and-set, and every figure is a {@link LongAdder}, {@link
 * java.util.concurrent.atomic.DoubleAdder} or HdrHistogram {@code AtomicHistogram}. Nothing
 * is logged on the record path. Snapshots merge windows while writers keep recording, so a
 * snapshot taken during a burst may miss calls recorded at that very moment; counts are exact
 * once writers are done.
 */
public final class ArmMeasurements {

    /** What a window without data contributes (never written: nothing is merged into it). */
    private static final ArmWindow.Merged EMPTY_WINDOW = new ArmWindow.Merged();

    private final Router router;
    private final Clock clock;
    private final long windowMillis;
    private final int retained;
    private final CallListener listener;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, ArmSeries>> models =
            new ConcurrentHashMap<>();
    private final LongAdder listenerFailures = new LongAdder();
    private final LongAdder unattributed = new LongAdder();

    private ArmMeasurements(Builder b) {
        this.router = b.router;
        this.clock = b.clock;
        this.windowMillis = b.window.toMillis();
        this.retained = b.retainedWindows;
        this.listener = b.listener;
    }

    /**
     * Starts measurements for a router (used to attribute late outcomes and labels).
     *
     * @param router the router whose {@code decide} gives the arm of an entity
     * @return a new builder
     * @throws NullPointerException if router is null
     */
    public static Builder builder(Router router) {
        return new Builder(router);
    }

    /**
     * Records a served call.
     *
     * @param model the model
     * @param version the version that served it
     * @param latencyNanos latency in nanoseconds (negative counts as 0)
     * @param error whether it failed: exception, 5xx-like outcome, invalid output
     * @param costUnits the call's cost, NaN if unknown
     * @param tokens tokens used, NaN if unknown
     * @param score the model's score, NaN if none
     * @throws NullPointerException if model or version is null
     */
    public void recordCall(String model, String version, long latencyNanos, boolean error,
            double costUnits, double tokens, double score) {
        record(model, version, null, latencyNanos, error, costUnits, tokens, score);
    }

    /**
     * Records a served call with the request it served, whose tenant, region and route feed the
     * {@link CallListener} (metric tags); the measurements themselves are per model and version.
     *
     * @param request the request (its model is the call's model)
     * @param version the version that served it
     * @param latencyNanos latency in nanoseconds (negative counts as 0)
     * @param error whether it failed
     * @param costUnits the call's cost, NaN if unknown
     * @param tokens tokens used, NaN if unknown
     * @param score the model's score, NaN if none
     * @throws NullPointerException if request or version is null
     */
    public void recordCall(RouteRequest request, String version, long latencyNanos,
            boolean error, double costUnits, double tokens, double score) {
        record(request.model(), version, request, latencyNanos, error, costUnits, tokens, score);
    }

    private void record(String model, String version, @Nullable RouteRequest request,
            long latencyNanos, boolean error, double costUnits, double tokens, double score) {
        window(model, version).recordCall(latencyNanos, error, costUnits, tokens, score);
        try {
            listener.onCall(model, version, request, Math.max(0, latencyNanos), error);
        } catch (Throwable t) {
            // User code on the request path: contained and counted, whatever it throws, except
            // a fatal VM error (team error policy, see Throwables).
            listenerFailures.increment();
            Throwables.rethrowIfFatal(t);
        }
    }

    /**
     * Records a business outcome of an entity, attributed to the version
     * {@code router.decide(RouteRequest.of(model, entityKey))} gives now. Use
     * {@link #recordOutcome(RouteRequest, String, double)} when segment rules matter.
     *
     * @param model the model
     * @param entityKey the entity (hashed by the router, never stored here)
     * @param metric the outcome's name, e.g. {@code converted}
     * @param value its value; NaN or infinite values are ignored
     * @throws NullPointerException if an argument is null
     */
    public void recordOutcome(String model, String entityKey, String metric, double value) {
        recordOutcome(RouteRequest.of(model, entityKey), metric, value);
    }

    /**
     * Records a business outcome, attributed to the version {@code router.decide(request)}
     * gives now. If the router does not know the model the outcome is counted in
     * {@link #unattributed()} and dropped.
     *
     * @param request the request as the entity was routed
     * @param metric the outcome's name
     * @param value its value; NaN or infinite values are ignored
     * @throws NullPointerException if an argument is null
     */
    public void recordOutcome(RouteRequest request, String metric, double value) {
        Objects.requireNonNull(metric, "metric");
        String version = versionOf(request);
        if (version != null && Double.isFinite(value)) {
            window(request.model(), version).recordOutcome(metric, value);
        }
    }

    /**
     * Records a late label (the true value of a prediction), for the MAE of the version
     * {@code router.decide(RouteRequest.of(model, entityKey))} gives now.
     *
     * @param model the model
     * @param entityKey the entity
     * @param predicted what the model predicted
     * @param actual what happened
     * @throws NullPointerException if an argument is null
     */
    public void recordLabel(String model, String entityKey, double predicted, double actual) {
        recordLabel(RouteRequest.of(model, entityKey), predicted, actual);
    }

    /**
     * Records a late label for the version {@code router.decide(request)} gives now. Labels with
     * a NaN or infinite value are ignored; an unknown model counts in {@link #unattributed()}.
     *
     * @param request the request as the entity was routed
     * @param predicted what the model predicted
     * @param actual what happened
     * @throws NullPointerException if request is null
     */
    public void recordLabel(RouteRequest request, double predicted, double actual) {
        String version = versionOf(request);
        if (version != null && Double.isFinite(predicted) && Double.isFinite(actual)) {
            window(request.model(), version).recordLabel(predicted, actual);
        }
    }

    private @Nullable String versionOf(RouteRequest request) {
        RouteDecision d = router.decide(request);
        String version = d.version();
        if (version == null) {
            unattributed.increment();
        }
        return version;
    }

    private ArmWindow window(String model, String version) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
        ConcurrentHashMap<String, ArmSeries> versions = models.get(model);
        if (versions == null) {
            versions = models.computeIfAbsent(model, m -> new ConcurrentHashMap<>());
        }
        ArmSeries series = versions.get(version);
        if (series == null) {
            series = versions.computeIfAbsent(version, v -> new ArmSeries(retained));
        }
        return series.window(Math.floorDiv(clock.millis(), windowMillis));
    }

    /**
     * Per-version measurements of a model over the last {@code lookback}: the current window and
     * the windows before it, {@code ceil(lookback / window)} windows in all (at least 1, at most
     * {@code retainedWindows}).
     *
     * @param model the model
     * @param lookback how far back to look; positive
     * @return an immutable snapshot; empty (no versions) if nothing was recorded
     * @throws IllegalArgumentException if lookback is zero or negative
     * @throws NullPointerException if an argument is null
     */
    public MeasurementSnapshot snapshot(String model, Duration lookback) {
        Objects.requireNonNull(model, "model");
        if (lookback.isNegative() || lookback.isZero()) {
            throw new IllegalArgumentException("lookback must be positive, but was " + lookback);
        }
        long now = clock.millis();
        long current = Math.floorDiv(now, windowMillis);
        int count = retained;
        if (lookback.compareTo(Duration.ofMillis(windowMillis).multipliedBy(retained)) < 0) {
            long wanted = (lookback.toMillis() + windowMillis - 1) / windowMillis;
            count = (int) Math.max(1, wanted);
        }
        long first = current - count + 1;
        Instant from = Instant.ofEpochMilli(first * windowMillis);
        Instant to = Instant.ofEpochMilli(now);

        Map<String, ArmStats> arms = new TreeMap<>();
        Map<String, List<ArmStats>> perWindow = new TreeMap<>();
        ConcurrentHashMap<String, ArmSeries> versions = models.get(model);
        if (versions != null) {
            for (Map.Entry<String, ArmSeries> e : versions.entrySet()) {
                String version = e.getKey();
                ArmSeries series = e.getValue();
                if (series.expired(current - retained + 1)) {
                    // Nothing retained. The series is kept (a ring per version is small), so a
                    // writer that just looked it up never records into a discarded one.
                    continue;
                }
                ArmWindow.Merged total = new ArmWindow.Merged();
                List<ArmStats> list = new ArrayList<>(count);
                for (long i = first; i <= current; i++) {
                    Instant start = Instant.ofEpochMilli(i * windowMillis);
                    Instant end = i == current ? to : start.plusMillis(windowMillis);
                    ArmWindow w = series.peek(i);
                    ArmWindow.Merged one = EMPTY_WINDOW;
                    if (w != null) {
                        one = w.single();
                        w.mergeInto(one);
                        w.mergeInto(total);
                    }
                    list.add(stats(version, start, end, one));
                }
                if (total.windows > 0) {
                    arms.put(version, stats(version, from, to, total));
                    perWindow.put(version, List.copyOf(list));
                }
            }
        }
        return new MeasurementSnapshot(model, from, to, windowMillis, count, arms, perWindow);
    }

    private static ArmStats stats(String version, Instant from, Instant to, ArmWindow.Merged m) {
        ArmStats.Builder b = ArmStats.builder(version)
                .period(from, to)
                .windows(m.windows)
                .counts(m.requests, Math.min(m.errors, m.requests));
        if (m.latency.getTotalCount() > 0) {
            b.latencyMs(ms(m.latency.getValueAtPercentile(50)),
                    ms(m.latency.getValueAtPercentile(95)),
                    ms(m.latency.getValueAtPercentile(99)));
        }
        double[] bins = new double[ArmWindow.SCORE_BINS];
        for (int i = 0; i < bins.length; i++) {
            bins[i] = m.scoreBins[i];
        }
        b.scores(m.scoreCount == 0 ? Double.NaN : m.scoreSum / m.scoreCount, bins)
                .scoreVariance(ArmWindow.variance(m.scoreCount, m.scoreSum, m.scoreSumSq));
        b.cost(m.costCalls == 0 ? Double.NaN : m.costSum / m.costCalls * 1000.0,
                m.tokensWithCost > 0 ? m.costWithTokens / m.tokensWithCost * 1000.0
                        : Double.NaN)
                .costSamples(m.costCalls, m.tokenCalls);
        b.labels(m.labels == 0 ? Double.NaN : m.absErrorSum / m.labels, m.labels)
                .maeVariance(ArmWindow.variance(m.labels, m.absErrorSum, m.absErrorSumSq));
        for (Map.Entry<String, double[]> o : m.outcomes.entrySet()) {
            double[] sc = o.getValue();
            b.outcome(o.getKey(), sc[1] == 0 ? Double.NaN : sc[0] / sc[1], (long) sc[1],
                    ArmWindow.variance(sc[1], sc[0], sc[2]));
        }
        return b.build();
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    /** @return the length of one window in milliseconds */
    public long windowMillis() {
        return windowMillis;
    }

    /** @return how many windows are kept */
    public int retainedWindows() {
        return retained;
    }

    /** @return exceptions thrown by the {@link CallListener} (caught, never propagated) */
    public long listenerFailures() {
        return listenerFailures.sum();
    }

    /** @return outcomes and labels dropped because the router did not know their model */
    public long unattributed() {
        return unattributed.sum();
    }

    /** Builds {@link ArmMeasurements}. Not thread-safe. */
    public static final class Builder {
        private final Router router;
        private Clock clock = Clock.systemUTC();
        private Duration window = Duration.ofMinutes(1);
        private int retainedWindows = 60;
        private CallListener listener = CallListener.NONE;

        private Builder(Router router) {
            this.router = Objects.requireNonNull(router, "router");
        }

        /**
         * @param clock the clock windows are aligned to; defaults to the UTC system clock
         * @return this builder
         * @throws NullPointerException if clock is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param window length of one tumbling window, whole milliseconds, at least 1 ms;
         *     defaults to 1 minute
         * @return this builder
         * @throws IllegalArgumentException if shorter than 1 ms or not whole milliseconds
         * @throws NullPointerException if window is null
         */
        public Builder window(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.compareTo(Duration.ofMillis(1)) < 0
                    || !window.equals(Duration.ofMillis(window.toMillis()))) {
                throw new IllegalArgumentException(
                        "window must be whole milliseconds and at least 1 ms, but was " + window);
            }
            this.window = window;
            return this;
        }

        /**
         * @param retainedWindows how many windows to keep, between 1 and 100000; defaults to 60
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder retainedWindows(int retainedWindows) {
            if (retainedWindows < 1 || retainedWindows > 100_000) {
                throw new IllegalArgumentException(
                        "retainedWindows must be between 1 and 100000, but was "
                                + retainedWindows);
            }
            this.retainedWindows = retainedWindows;
            return this;
        }

        /**
         * @param listener told of every recorded call, e.g. {@code ArmMetrics}; defaults to
         *     {@link CallListener#NONE}
         * @return this builder
         * @throws NullPointerException if listener is null
         */
        public Builder listener(CallListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** @return the measurements */
        public ArmMeasurements build() {
            return new ArmMeasurements(this);
        }
    }
}

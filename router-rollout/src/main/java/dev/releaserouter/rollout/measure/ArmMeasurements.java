package dev.releaserouter.rollout.measure;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.HookContext;
import dev.releaserouter.api.hook.OutcomeEvent;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.api.hook.ShadowEvent;
import dev.releaserouter.api.shadow.ShadowOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-arm measurements: what each version of each model served, in tumbling windows aligned to
 * an injected clock, for policy gates and dashboards. A {@link RouteHook}: register it on the
 * router and every {@code route(...)} records itself, with no user code.
 *
 * <pre>{@code
 * ArmMeasurements arms = ArmMeasurements.builder().clock(clock)
 *         .window(Duration.ofMinutes(1)).build();
 * Router router = ReleaseRouter.builder().flagSource(...).model(churn).hook(arms).build();
 * router.route(request, features);                          // latency, errors, validity, shadow
 * router.recordOutcome("churn", customerId, "retained", 1.0); // days later, joined to its arm
 * MeasurementSnapshot s = arms.snapshot("churn", Duration.ofMinutes(30));
 * double p95 = s.arm("v2").value("p95_ms");
 * }</pre>
 *
 * <p>What each hook event records, per model and version:
 * <ul>
 *   <li>{@code afterCall}: a request of the served version, with its latency as the router's
 *       ticker measured it; an error if it threw or its validator rejected the output. After a
 *       fallback the canary that failed also counts a request and an error (with the latency
 *       of its failed attempt): a fallback is an error of the version that failed.
 *   <li>{@code afterShadow} (calls that ran): on the shadow version, the outcomes
 *       {@value #SHADOW_FAILED} (1 if the shadow call failed, timed out or was invalid, else 0),
 *       {@value #SHADOW_MATCH} (1 if the outputs matched, else 0: its mean is the match rate)
 *       and {@value #SHADOW_DELTA} (shadow minus stable score), so that gates read them as any
 *       other outcome.
 *   <li>{@code onOutcome}: business outcomes and labels recorded through
 *       {@code Router.recordOutcome} / {@code recordLabel}, on the arm the router resolved.
 * </ul>
 * Cost, tokens and scores are not seen by the router: record them with
 * {@link #recordCall(String, String, long, boolean, CallCost)} if you need them.
 *
 * <p>Window {@code n} covers {@code [n * window, (n + 1) * window)} in epoch milliseconds of the
 * clock; a call, outcome or label counts in the window of the instant it is recorded. Only the
 * last {@code retainedWindows} windows are kept. Nothing sleeps and no thread is started:
 * windows roll when a record or a snapshot reads the clock. Give it the router's clock.
 *
 * <p>Design (concurrency): thread-safe and lock-free on the record path. Series are found in
 * {@link ConcurrentHashMap}s (created once per model and version), windows are installed in a
 * ring by compare-and-set, and every figure is a {@link java.util.concurrent.atomic.LongAdder},
 * {@link java.util.concurrent.atomic.DoubleAdder} or HdrHistogram {@code AtomicHistogram}.
 * Nothing is logged on the record path. Snapshots merge windows while writers keep recording, so
 * a snapshot taken during a burst may miss calls recorded at that very moment; counts are exact
 * once writers are done.
 */
public final class ArmMeasurements implements RouteHook {

    /** Outcome name: 1 when a shadow call's output matched the served one, else 0. */
    public static final String SHADOW_MATCH = "shadow_match";
    /** Outcome name: shadow minus stable score, for comparators that give a delta. */
    public static final String SHADOW_DELTA = "shadow_delta";
    /** Outcome name: 1 when a shadow call failed, timed out or answered invalidly, else 0. */
    public static final String SHADOW_FAILED = "shadow_failed";

    /** What a window without data contributes (never written: nothing is merged into it). */
    private static final ArmWindow.Merged EMPTY_WINDOW = new ArmWindow.Merged();

    private final Clock clock;
    private final long windowMillis;
    private final int retained;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, ArmSeries>> models =
            new ConcurrentHashMap<>();

    private ArmMeasurements(Builder b) {
        this.clock = b.clock;
        this.windowMillis = b.window.toMillis();
        this.retained = b.retainedWindows;
    }

    /**
     * Starts measurements; register them with {@code ReleaseRouter.builder().hook(...)}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Records a routed call: see the class comment. Called by the router.
     *
     * @param context the call's context
     * @param call the call
     */
    @Override
    public void afterCall(HookContext context, CallEvent call) {
        String model = call.model();
        call.fallback().ifPresent(f -> window(model, f.version())
                .recordCall(f.latencyNanos(), true, Double.NaN, Double.NaN, Double.NaN));
        window(model, call.servedVersion()).recordCall(call.latencyNanos(), call.failed(),
                Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * Records a shadow call that ran, on the shadow version: see the class comment. Called by
     * the router, on a shadow worker thread.
     *
     * @param shadow the shadow event
     */
    @Override
    public void afterShadow(ShadowEvent shadow) {
        if (shadow.outcome().isEmpty()) {
            return; // not run: the router's shadow statistics count why
        }
        ArmWindow w = window(shadow.model(), shadow.shadowVersion());
        w.recordOutcome(SHADOW_FAILED, shadow.outcome().get() == ShadowOutcome.SUCCESS ? 0 : 1);
        shadow.match().ifPresent(m -> w.recordOutcome(SHADOW_MATCH, m ? 1 : 0));
        shadow.delta().ifPresent(d -> w.recordOutcome(SHADOW_DELTA, d));
    }

    /**
     * Records a business outcome or label on the arm the router resolved. NaN or infinite values
     * are ignored. Called by the router.
     *
     * @param outcome the outcome
     */
    @Override
    public void onOutcome(OutcomeEvent outcome) {
        ArmWindow w = window(outcome.model(), outcome.version());
        if (outcome.isLabel()) {
            double predicted = outcome.predicted().getAsDouble();
            if (Double.isFinite(predicted) && Double.isFinite(outcome.value())) {
                w.recordLabel(predicted, outcome.value());
            }
        } else if (Double.isFinite(outcome.value())) {
            w.recordOutcome(outcome.name(), outcome.value());
        }
    }

    /**
     * Records a served call by hand, for calls that do not go through {@code route(...)}.
     *
     * @param model the model
     * @param version the version that served it
     * @param latencyNanos latency in nanoseconds (negative counts as 0)
     * @param error whether it failed: exception, 5xx-like outcome, invalid output
     * @throws NullPointerException if model or version is null
     */
    public void recordCall(String model, String version, long latencyNanos, boolean error) {
        window(model, version).recordCall(latencyNanos, error, Double.NaN, Double.NaN,
                Double.NaN);
    }

    /**
     * Records a served call by hand, with what only the application knows: its cost, tokens and
     * score.
     *
     * @param model the model
     * @param version the version that served it
     * @param latencyNanos latency in nanoseconds (negative counts as 0)
     * @param error whether it failed
     * @param extras cost, tokens and score, each optional
     * @throws NullPointerException if an argument is null
     */
    public void recordCall(String model, String version, long latencyNanos, boolean error,
            CallCost extras) {
        Objects.requireNonNull(extras, "extras");
        window(model, version).recordCall(latencyNanos, error,
                extras.costUnits().orElse(Double.NaN), extras.tokens().orElse(Double.NaN),
                extras.score().orElse(Double.NaN));
    }

    /**
     * Records a served call by hand, with the request it served (its model is the call's model).
     *
     * @param request the request
     * @param version the version that served it
     * @param latencyNanos latency in nanoseconds (negative counts as 0)
     * @param error whether it failed
     * @param extras cost, tokens and score, each optional
     * @throws NullPointerException if an argument is null
     */
    public void recordCall(RouteRequest request, String version, long latencyNanos,
            boolean error, CallCost extras) {
        recordCall(request.model(), version, latencyNanos, error, extras);
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

    /** Builds {@link ArmMeasurements}. Not thread-safe. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Duration window = Duration.ofMinutes(1);
        private int retainedWindows = 60;

        private Builder() {}

        /**
         * @param clock the clock windows are aligned to; defaults to the UTC system clock. Use
         *     the router's clock, so that windows and rollout checkpoints agree
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

        /** @return the measurements */
        public ArmMeasurements build() {
            return new ArmMeasurements(this);
        }
    }
}

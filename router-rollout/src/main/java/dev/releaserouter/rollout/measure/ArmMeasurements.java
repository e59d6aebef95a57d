package dev.releaserouter.rollout.measure;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.HookContext;
import dev.releaserouter.api.hook.OutcomeEvent;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.api.hook.ShadowEvent;
import dev.releaserouter.api.shadow.PolicyViolation;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.spi.MeasurementWindowStore;
import dev.releaserouter.api.spi.WindowSummary;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *       of its failed attempt): a fallback is an error of the version that failed. The call
 *       also counts in its entity's bucket (the request's entity key hashed into one of
 *       {@link Builder#entityBuckets(int) 128 buckets}), from which {@link ArmStats#estimate}
 *       gives request-level metrics the delta method's standard error.
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
 * <p>Fleet-wide windows: when a window has closed (the clock has passed its end), it is
 * summarized once as a {@link WindowSummary} (counts, sums, the latency histogram's buckets,
 * score bins, per-outcome n, sum and sum of squares) and appended to the
 * {@link MeasurementWindowStore} under this instance's {@link Builder#source(String) source}.
 * A {@link #snapshot} judges every source's closed windows read back merged from the store, plus
 * this instance's open window. Several instances sharing one store (a fleet store, e.g. on Redis)
 * therefore judge the same closed windows; each instance's open window stays local until it
 * closes, so with the default 1-minute window a snapshot sees the other instances' data up to
 * one minute old. Closing is lazy: the first record (of any arm) or snapshot after a window's end
 * closes every window before it, on that thread; a window still being written when it closes is
 * handed to the store by the last writer leaving it. A failed append never fails a record: it is
 * counted ({@link #windowStoreFailures()}), logged (the first and every 100th), the window stays
 * in the local measurements (snapshots merge it in place of the missing part) and the append is
 * retried at each later close until it succeeds or the window is older than the retention.
 *
 * <p>Design (concurrency): thread-safe and lock-free on the record path. Series are found in
 * {@link ConcurrentHashMap}s (created once per model and version), windows are installed in a
 * ring by compare-and-set, and every figure is a {@link java.util.concurrent.atomic.LongAdder},
 * {@link java.util.concurrent.atomic.DoubleAdder}, HdrHistogram {@code AtomicHistogram} or an
 * entity bucket's {@link java.util.concurrent.atomic.AtomicLongArray} slot.
 * Nothing is logged on the record path. Snapshots merge windows while writers keep recording, so
 * a snapshot taken during a burst may miss calls recorded at that very moment; counts are exact
 * once writers are done. A writer enters and leaves its window (two atomic additions) so that the
 * window is summarized only after its last writer left and nobody records into it afterwards
 * (see {@code ArmWindow}); one atomic read per record checks whether windows need closing, and
 * only the thread that advances the close frontier (by compare-and-set) closes them, once per
 * window.
 */
public final class ArmMeasurements implements RouteHook {

    /** Outcome name: 1 when a shadow call's output matched the served one, else 0. */
    public static final String SHADOW_MATCH = "shadow_match";
    /** Outcome name: shadow minus stable score, for comparators that give a delta. */
    public static final String SHADOW_DELTA = "shadow_delta";
    /** Outcome name: 1 when a shadow call failed, timed out or answered invalidly, else 0. */
    public static final String SHADOW_FAILED = "shadow_failed";
    /**
     * Outcome name: 1 for each routed call the router assigned to this version by the weighted
     * split (decision reason {@code CANARY_BUCKET} or {@code STABLE_BUCKET}), on the decided
     * version even when a fallback served it: the units of a sample-ratio check, which leaves
     * out what deny and allow lists, kill switches and budgets send to stable.
     */
    public static final String ASSIGNED = "assigned";
    /**
     * Outcome name: the number of policy violations of one output that broke at least one
     * (seed 001 §4), on the version that produced it (served or shadow). Gates read the total
     * as {@code policy_violations} ({@link ArmStats#value}).
     */
    public static final String POLICY_VIOLATIONS = "policy_violations";
    /**
     * Outcome name: the number of critical policy violations of one output that broke at least
     * one policy. Gates read the total as {@code critical_policy_violations}: "0 critical
     * violations" is {@code candidate.critical_policy_violations <= 0}.
     */
    public static final String CRITICAL_POLICY_VIOLATIONS = "critical_policy_violations";

    /** What a window without data contributes (never written: nothing is merged into it). */
    private static final ArmWindow.Merged EMPTY_WINDOW = new ArmWindow.Merged();

    private static final Logger LOG = LoggerFactory.getLogger(ArmMeasurements.class);

    /** The close frontier before the first record or snapshot. */
    private static final long NOT_STARTED = Long.MIN_VALUE;

    private final Clock clock;
    private final long windowMillis;
    private final int retained;
    private final int entityBuckets;
    private final @Nullable MeasurementWindowStore store;
    private final String source;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, ArmSeries>> models =
            new ConcurrentHashMap<>();
    /** Every window numbered below this one is closed (or being closed). */
    private final AtomicLong frontier = new AtomicLong(NOT_STARTED);
    private final AtomicLong storeFailures = new AtomicLong();
    private final ConcurrentLinkedQueue<WindowSummary> pending = new ConcurrentLinkedQueue<>();

    private ArmMeasurements(Builder b) {
        this.clock = b.clock;
        this.windowMillis = b.window.toMillis();
        this.retained = b.retainedWindows;
        this.entityBuckets = b.entityBuckets;
        this.store = b.localOnly ? null : b.windowStore != null ? b.windowStore
                : MeasurementWindowStore.inMemory(b.retainedWindows);
        this.source = b.source != null ? b.source : defaultSource();
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
        int bucket = EntityBuckets.bucketOf(context.request().entityKey(), entityBuckets);
        // No capturing lambda: this runs on every routed call.
        if (call.fallback().isPresent()) {
            CallEvent.Fallback f = call.fallback().get();
            record(model, f.version(), f.latencyNanos(), true, Double.NaN, Double.NaN,
                    Double.NaN, bucket);
        }
        record(model, call.servedVersion(), call.latencyNanos(), call.failed(), Double.NaN,
                Double.NaN, Double.NaN, bucket);
        if (!call.violations().isEmpty()) {
            violations(model, call.servedVersion(), call.violations());
        }
        Reason reason = call.decision().reason();
        String decided = call.decision().version();
        if (decided != null && (reason == Reason.CANARY_BUCKET
                || reason == Reason.STABLE_BUCKET)) {
            ArmWindow w = enter(model, decided);
            try {
                w.recordOutcome(ASSIGNED, 1);
            } finally {
                w.exit();
            }
        }
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
        ArmWindow w = enter(shadow.model(), shadow.shadowVersion());
        try {
            w.recordOutcome(SHADOW_FAILED,
                    shadow.outcome().get() == ShadowOutcome.SUCCESS ? 0 : 1);
            shadow.match().ifPresent(m -> w.recordOutcome(SHADOW_MATCH, m ? 1 : 0));
            shadow.delta().ifPresent(d -> w.recordOutcome(SHADOW_DELTA, d));
        } finally {
            w.exit();
        }
        if (!shadow.violations().isEmpty()) {
            violations(shadow.model(), shadow.shadowVersion(), shadow.violations());
        }
    }

    /** Counts one output's policy violations (only outputs with some: clean calls cost none). */
    private void violations(String model, String version, List<PolicyViolation> violations) {
        int critical = 0;
        for (PolicyViolation v : violations) {
            if (v.isCritical()) {
                critical++;
            }
        }
        ArmWindow w = enter(model, version);
        try {
            w.recordOutcome(POLICY_VIOLATIONS, violations.size());
            w.recordOutcome(CRITICAL_POLICY_VIOLATIONS, critical);
        } finally {
            w.exit();
        }
    }

    /**
     * Records a business outcome or label on the arm the router resolved. NaN or infinite values
     * are ignored. Called by the router.
     *
     * @param outcome the outcome
     */
    @Override
    public void onOutcome(OutcomeEvent outcome) {
        if (outcome.isLabel()) {
            double predicted = outcome.predicted().getAsDouble();
            if (Double.isFinite(predicted) && Double.isFinite(outcome.value())) {
                ArmWindow w = enter(outcome.model(), outcome.version());
                try {
                    w.recordLabel(predicted, outcome.value());
                } finally {
                    w.exit();
                }
            }
        } else if (Double.isFinite(outcome.value())) {
            ArmWindow w = enter(outcome.model(), outcome.version());
            try {
                w.recordOutcome(outcome.name(), outcome.value());
            } finally {
                w.exit();
            }
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
        record(model, version, latencyNanos, error, Double.NaN, Double.NaN, Double.NaN, -1);
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
        record(model, version, latencyNanos, error, extras.costUnits().orElse(Double.NaN),
                extras.tokens().orElse(Double.NaN), extras.score().orElse(Double.NaN), -1);
    }

    /**
     * Records a served call by hand, with the request it served (its model is the call's model)
     * and so its entity key: the call counts in its entity's bucket, for the delta method.
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
        Objects.requireNonNull(extras, "extras");
        record(request.model(), version, latencyNanos, error,
                extras.costUnits().orElse(Double.NaN), extras.tokens().orElse(Double.NaN),
                extras.score().orElse(Double.NaN),
                EntityBuckets.bucketOf(request.entityKey(), entityBuckets));
    }

    private void record(String model, String version, long latencyNanos, boolean error,
            double cost, double tokens, double score, int bucket) {
        ArmWindow w = enter(model, version);
        try {
            w.recordCall(latencyNanos, error, cost, tokens, score, bucket);
        } finally {
            w.exit();
        }
    }

    /**
     * The window to record into, entered (the caller records, then {@link ArmWindow#exit()}s).
     * Closes the windows before the current one first if the clock has passed them. Lock-free.
     */
    private ArmWindow enter(String model, String version) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
        ConcurrentHashMap<String, ArmSeries> versions = models.get(model);
        if (versions == null) {
            versions = models.computeIfAbsent(model, m -> new ConcurrentHashMap<>());
        }
        ArmSeries series = versions.get(version);
        if (series == null) {
            series = versions.computeIfAbsent(version,
                    v -> new ArmSeries(model, v, retained, entityBuckets, this::publish));
        }
        long index = Math.floorDiv(clock.millis(), windowMillis);
        advance(index);
        // A clock read older than the frontier (another thread's clock ran ahead) records into
        // the oldest open window, as a window of the ring records into the newer one.
        long target = Math.max(index, frontier.get());
        while (true) {
            ArmWindow w = series.window(target);
            if (w.enter()) {
                if (w.index() >= frontier.get()) {
                    return w;
                }
                // Installed behind the frontier after the closer looked: close it ourselves
                // (nobody recorded into it: anyone entering sees the frontier as we do).
                w.exit();
                w.close();
            }
            target = Math.max(frontier.get(), w.index() + 1);
        }
    }

    /**
     * Moves the close frontier up to {@code index} (if it is below): the thread that moves it
     * closes the windows it passed, in every series, and retries pending appends. Otherwise one
     * atomic read.
     */
    private void advance(long index) {
        while (true) {
            long f = frontier.get();
            if (f >= index) {
                return;
            }
            if (frontier.compareAndSet(f, index)) {
                retryPending(index); // the earlier failures, before this close adds any
                closeBetween(f, index);
                return;
            }
        }
    }

    private void closeBetween(long from, long to) {
        for (ConcurrentHashMap<String, ArmSeries> versions : models.values()) {
            for (ArmSeries series : versions.values()) {
                long lo = from == NOT_STARTED ? to - series.retained()
                        : Math.max(from, to - series.retained());
                for (long i = lo; i < to; i++) {
                    ArmWindow w = series.peek(i);
                    if (w != null) {
                        w.close();
                    }
                }
            }
        }
    }

    /** Appends a closed, idle window to the store (once per window: see ArmWindow). */
    private void publish(ArmWindow w) {
        if (store != null && !w.isEmpty()) {
            append(w.summary(source, windowMillis));
        }
    }

    private void append(WindowSummary summary) {
        MeasurementWindowStore s = store;
        if (s == null) {
            return;
        }
        try {
            s.append(summary);
        } catch (Throwable t) {
            long n = storeFailures.incrementAndGet();
            pending.add(summary);
            if (n == 1 || n % 100 == 0) {
                LOG.warn("Release Router: measurement window {}/{} at {} could not be appended to "
                        + "the window store ({} failures so far); kept locally, retried at the "
                        + "next window close", summary.model(), summary.version(),
                        summary.start(), n, t);
            }
            rethrowIfFatal(t);
        }
    }

    /** Retries the appends that failed, dropping windows older than the retention. */
    private void retryPending(long current) {
        if (pending.isEmpty()) {
            return;
        }
        Instant oldest = Instant.ofEpochMilli((current - retained + 1) * windowMillis);
        for (int i = pending.size(); i > 0; i--) {
            WindowSummary s = pending.poll();
            if (s == null) {
                return;
            }
            if (!s.start().isBefore(oldest)) {
                append(s); // re-queued if it fails again
            }
        }
    }

    /** The same rule as the router's: only fatal VM errors pass (StackOverflowError does not). */
    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
            throw (VirtualMachineError) t;
        }
    }

    private static String defaultSource() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception | LinkageError e) {
                host = "instance";
            }
        }
        return host + "-" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    }

    /**
     * Per-version measurements of a model over the last {@code lookback}: the current window and
     * the windows before it, {@code ceil(lookback / window)} windows in all (at least 1, at most
     * {@code retainedWindows}). The closed windows are every source's, read merged from the
     * {@link MeasurementWindowStore} (with this instance's own window in place of its part when
     * that part is not in the store, e.g. after a failed append); the current window is this
     * instance's. Closes (and appends) the windows the clock has passed first.
     *
     * @param model the model
     * @param lookback how far back to look; positive
     * @return an immutable snapshot; empty (no versions) if nothing was recorded
     * @throws IllegalArgumentException if lookback is zero or negative
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the window store cannot be read (counted in
     *     {@link #windowStoreFailures()}; a rollout tick makes it a HOLD)
     */
    public MeasurementSnapshot snapshot(String model, Duration lookback) {
        Objects.requireNonNull(model, "model");
        if (lookback.isNegative() || lookback.isZero()) {
            throw new IllegalArgumentException("lookback must be positive, but was " + lookback);
        }
        long now = clock.millis();
        long current = Math.floorDiv(now, windowMillis);
        advance(current);
        int count = retained;
        if (lookback.compareTo(Duration.ofMillis(windowMillis).multipliedBy(retained)) < 0) {
            long wanted = (lookback.toMillis() + windowMillis - 1) / windowMillis;
            count = (int) Math.max(1, wanted);
        }
        long first = current - count + 1;
        Instant from = Instant.ofEpochMilli(first * windowMillis);
        Instant to = Instant.ofEpochMilli(now);

        // version -> window number -> every source's summary of that closed window
        Map<String, Map<Long, WindowSummary>> fleet = new TreeMap<>();
        for (WindowSummary w : readClosed(model, from, Instant.ofEpochMilli(current
                * windowMillis))) {
            if (w.length().toMillis() == windowMillis) {
                fleet.computeIfAbsent(w.version(), v -> new HashMap<>())
                        .put(Math.floorDiv(w.start().toEpochMilli(), windowMillis), w);
            }
        }
        Map<String, @Nullable ArmSeries> local = new TreeMap<>();
        ConcurrentHashMap<String, ArmSeries> versions = models.get(model);
        if (versions != null) {
            for (Map.Entry<String, ArmSeries> e : versions.entrySet()) {
                // An expired series is kept (a ring per version is small), so a writer that just
                // looked it up never records into a discarded one; it just has nothing to read.
                if (!e.getValue().expired(current - retained + 1)) {
                    local.put(e.getKey(), e.getValue());
                }
            }
        }
        for (String version : fleet.keySet()) {
            local.putIfAbsent(version, null);
        }

        Map<String, ArmStats> arms = new TreeMap<>();
        Map<String, List<ArmStats>> perWindow = new TreeMap<>();
        ArmWindow.Merged scratch = new ArmWindow.Merged();
        for (Map.Entry<String, @Nullable ArmSeries> e : local.entrySet()) {
            String version = e.getKey();
            ArmSeries series = e.getValue();
            Map<Long, WindowSummary> closed = fleet.getOrDefault(version, Map.of());
            ArmWindow.Merged total = new ArmWindow.Merged();
            List<ArmStats> list = new ArrayList<>(count);
            for (long i = first; i <= current; i++) {
                Instant start = Instant.ofEpochMilli(i * windowMillis);
                Instant end = i == current ? to : start.plusMillis(windowMillis);
                ArmWindow w = series == null ? null : series.peek(i);
                if (w != null && w.isEmpty()) {
                    w = null;
                }
                WindowSummary f = closed.get(i);
                ArmWindow.Merged one = EMPTY_WINDOW;
                if (f != null) {
                    one = scratch;
                    one.reset();
                    ArmWindow.mergeSummary(f, one);
                    ArmWindow.mergeSummary(f, total);
                    if (w != null && !f.sources().contains(source)) {
                        w.mergeInto(one); // our part is not in the store (yet): use ours
                        w.mergeInto(total);
                    }
                } else if (w != null) {
                    one = w.single();
                    w.mergeInto(one);
                    w.mergeInto(total);
                }
                if (one != EMPTY_WINDOW) {
                    one.windows = 1;
                    total.windows++;
                }
                list.add(stats(version, start, end, one));
            }
            if (total.windows > 0) {
                arms.put(version, stats(version, from, to, total));
                perWindow.put(version, List.copyOf(list));
            }
        }
        return new MeasurementSnapshot(model, from, to, windowMillis, count, arms, perWindow);
    }

    /**
     * Per-arm statistics of stored windows, one {@link ArmStats} per version and window, as a
     * snapshot's {@link MeasurementSnapshot#windowStats} gives them: for a report of what a
     * window store kept ({@link JsonlMeasurementWindowStore#readAll}, or any store's
     * {@link MeasurementWindowStore#read}). Summaries of the same version and window from
     * different sources are merged; windows nobody recorded are not invented.
     *
     * @param windows summaries, in any order, of one model
     * @return version to its windows' statistics in time order (sorted by version)
     * @throws IllegalArgumentException if the summaries are of more than one model
     * @throws NullPointerException if windows or an element is null
     */
    public static Map<String, List<ArmStats>> windowStats(List<WindowSummary> windows) {
        Map<String, TreeMap<Instant, WindowSummary>> byVersion = new TreeMap<>();
        String model = null;
        for (WindowSummary w : windows) {
            Objects.requireNonNull(w, "window");
            if (model != null && !model.equals(w.model())) {
                throw new IllegalArgumentException("windows of one model expected, but got "
                        + model + " and " + w.model());
            }
            model = w.model();
            byVersion.computeIfAbsent(w.version(), v -> new TreeMap<>()).merge(w.start(), w,
                    (a, b) -> a.sameWindow(b) ? a.merge(b)
                            : b.length().compareTo(a.length()) > 0 ? b : a);
        }
        Map<String, List<ArmStats>> out = new TreeMap<>();
        byVersion.forEach((version, series) -> {
            List<ArmStats> list = new ArrayList<>(series.size());
            for (WindowSummary w : series.values()) {
                ArmWindow.Merged one = new ArmWindow.Merged();
                ArmWindow.mergeSummary(w, one);
                one.windows = 1;
                list.add(stats(version, w.start(), w.end(), one));
            }
            out.put(version, List.copyOf(list));
        });
        return out;
    }

    /**
     * Closes the windows the clock has passed and appends them to the window store (retrying
     * earlier failed appends). Records and snapshots do this by themselves; call it on an
     * instance that may receive no traffic for a while (e.g. from a scheduler, once per window)
     * so that its last window reaches the fleet, or before shutdown. Thread-safe; never throws
     * (store failures are counted in {@link #windowStoreFailures()}) except fatal VM errors.
     */
    public void closeElapsedWindows() {
        advance(Math.floorDiv(clock.millis(), windowMillis));
    }

    private List<WindowSummary> readClosed(String model, Instant from, Instant to) {
        MeasurementWindowStore s = store;
        if (s == null || !from.isBefore(to)) {
            return List.of();
        }
        try {
            return s.read(model, from, to);
        } catch (Throwable t) {
            storeFailures.incrementAndGet();
            rethrowIfFatal(t);
            throw new IllegalStateException("the measurement window store could not be read for "
                    + model + " [" + from + ", " + to + "): " + t, t);
        }
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
        double errorRate = m.requests == 0 ? Double.NaN
                : (double) Math.min(m.errors, m.requests) / m.requests;
        b.estimate(ERROR_RATE, m.entities.estimate(EntityTotals.Ratio.ERROR_RATE, errorRate,
                m.requests, errorRate * (1 - errorRate)));
        b.entityRatio(ERROR_RATE, m.entities.ratio(EntityTotals.Ratio.ERROR_RATE));
        b.estimate(AVG_SCORE, m.entities.estimate(EntityTotals.Ratio.SCORE,
                m.scoreCount == 0 ? Double.NaN : m.scoreSum / m.scoreCount, m.scoreCount,
                ArmWindow.variance(m.scoreCount, m.scoreSum, m.scoreSumSq)));
        b.entityRatio(AVG_SCORE, m.entities.ratio(EntityTotals.Ratio.SCORE));
        b.estimate(COST_PER_CALL, m.entities.estimate(EntityTotals.Ratio.COST,
                m.costCalls == 0 ? Double.NaN : m.costSum / m.costCalls, m.costCalls,
                ArmWindow.variance(m.costCalls, m.costSum, m.costSumSq)));
        b.entityRatio(COST_PER_CALL, m.entities.ratio(EntityTotals.Ratio.COST));
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

    private static final String ERROR_RATE = "error_rate";
    private static final String AVG_SCORE = "avg_score";
    private static final String COST_PER_CALL = "cost_per_call";

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

    /**
     * @return this instance's id in the window store (the {@link WindowSummary#sources()} of
     *     what it appends)
     */
    public String source() {
        return source;
    }

    /**
     * For status and health checks: how many window store calls failed (appends, counted per
     * attempt, and reads) since these measurements were built. Thread-safe.
     *
     * @return the count
     */
    public long windowStoreFailures() {
        return storeFailures.get();
    }

    /**
     * For status and health checks: closed windows whose append failed and that wait for a
     * retry at the next window close (a window older than the retention is dropped). Thread-safe.
     *
     * @return how many windows wait
     */
    public int windowsPendingAppend() {
        return pending.size();
    }

    /** Builds {@link ArmMeasurements}. Not thread-safe. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Duration window = Duration.ofMinutes(1);
        private int retainedWindows = 60;
        private @Nullable MeasurementWindowStore windowStore;
        private @Nullable String source;
        private boolean localOnly;
        private int entityBuckets = EntityBuckets.DEFAULT_BUCKETS;

        private Builder() {}

        /**
         * How many buckets entity keys are hashed into, per arm and window, for the standard
         * errors of request-level metrics by the delta method (docs/measurements.md, "Entity
         * buckets"): more buckets estimate the variance with more degrees of freedom (each
         * bucket is one unit) and take more memory (16 bytes per bucket and window for requests
         * and errors, 32 more once a call reports a score or a cost). Every instance of a fleet
         * should use the same count; windows of different counts still merge (into the smaller
         * count). Defaults to 128.
         *
         * @param buckets a power of two between 16 and 65536
         * @return this builder
         * @throws IllegalArgumentException if not a power of two in that range
         */
        public Builder entityBuckets(int buckets) {
            if (buckets < 16 || buckets > 65_536 || Integer.bitCount(buckets) != 1) {
                throw new IllegalArgumentException("entityBuckets must be a power of two between"
                        + " 16 and 65536, but was " + buckets);
            }
            this.entityBuckets = buckets;
            return this;
        }

        /**
         * Where closed windows go and are read back merged from. Defaults to
         * {@code MeasurementWindowStore.inMemory(retainedWindows)}, private to these
         * measurements: for one instance its snapshots equal what they were without a store
         * (counts, quantiles, means and variances; a property test checks it), and every
         * snapshot takes the same path as with a fleet store, so that path is the one every
         * rollout test exercises. Give several instances one shared (fleet) store and their gates
         * judge the same merged closed windows. The measurements do not close the store.
         *
         * @param store the store, thread-safe; a remote one should bound its waits (it is called
         *     on the thread that closes a window: a recording thread once per arm and window,
         *     or a snapshot)
         * @return this builder
         * @throws NullPointerException if store is null
         */
        public Builder windowStore(MeasurementWindowStore store) {
            this.windowStore = Objects.requireNonNull(store, "store");
            this.localOnly = false;
            return this;
        }

        /**
         * @param instanceId this instance's id in the window store, unique in the fleet (e.g. the
         *     pod name). Defaults to the host name ({@code HOSTNAME}, else the local host's name)
         *     plus {@code -} and 6 random hex digits, so two processes on one host differ
         * @return this builder
         * @throws IllegalArgumentException if blank
         * @throws NullPointerException if instanceId is null
         */
        public Builder source(String instanceId) {
            if (Objects.requireNonNull(instanceId, "instanceId").isBlank()) {
                throw new IllegalArgumentException("source must not be blank");
            }
            this.source = instanceId;
            return this;
        }

        /** No window store at all: every window is read locally (for tests comparing paths). */
        Builder localOnly() {
            this.localOnly = true;
            this.windowStore = null;
            return this;
        }

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

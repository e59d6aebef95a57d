package dev.releaserouter.core.shadow.internal;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.shadow.Comparison;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.api.hook.ShadowEvent;
import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.api.shadow.OutputValidator;
import dev.releaserouter.api.shadow.PairStore;
import dev.releaserouter.api.shadow.Predictor;
import dev.releaserouter.api.shadow.ShadowComparator;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.api.shadow.ShadowStatistics;
import dev.releaserouter.api.shadow.PairMasker;
import dev.releaserouter.core.internal.Throwables;
import dev.releaserouter.core.shadow.ShadowSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs shadow calls off the request thread and makes sure none of them can hurt the primary call.
 *
 * <p>Design:
 * <ul>
 *   <li>Bulkhead and load shedding: a {@link ThreadPoolExecutor} with a fixed number of daemon
 *       threads and a bounded queue; {@code execute} never blocks, and a full queue rejects the
 *       call, which is counted as {@link ShadowDisposition#DROPPED}.
 *   <li>Hard timeout: a single timer thread interrupts a call that runs past the timeout. A small
 *       state machine per call ({@code RUNNING -> DONE} by the worker, or
 *       {@code RUNNING -> TIMING_OUT -> TIMED_OUT} by the timer) makes sure the interrupt lands
 *       only on the call it was meant for: a worker that finishes as the timer fires waits for
 *       the interrupt to be delivered and clears it before taking the next call. A call that
 *       ignores interruption keeps its thread until it returns; the bulkhead bounds how many
 *       threads that can cost, and the circuit breaker stops sending more.
 *   <li>Everything user code can throw on a worker thread (the candidate, comparator,
 *       validator, hook, masker, pair store), any {@link Throwable} including
 *       {@code OutOfMemoryError}, is caught and counted, and the worker carries on: a background
 *       safety thread never dies of user code (see {@link Throwables}). On the request thread
 *       ({@link #skipped}, {@link #fallback}, {@link #submit}) only the fatal errors that
 *       {@link Throwables#isFatal} names are rethrown. Comparison, validation, masking and
 *       storing run on the worker thread.
 *   <li>Worker threads are always daemon threads (a factory's non-daemon threads are made
 *       daemon) and are remembered, so that {@link #close()} can name the ones that outlive it
 *       (stragglers: calls that ignore interruption) and {@link #stragglers()} can count them.
 * </ul>
 */
public final class ShadowRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowRunner.class);
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int TIMING_OUT = 2;
    private static final int TIMED_OUT = 3;

    private final ShadowSettings settings;
    private final Clock clock;
    private final LongSupplier ticker;
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timer;
    private final long timeoutNanos;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, VersionStats>> stats =
            new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, CircuitBreaker>> breakers =
            new ConcurrentHashMap<>();
    private final AtomicLong pairErrors = new AtomicLong();
    private final AtomicLong internalErrors = new AtomicLong();
    private final AtomicLong droppedAtClose = new AtomicLong();
    private final AtomicLong listenerErrors = new AtomicLong();
    private final AtomicLong closeErrors = new AtomicLong();
    private final RouteHook[] hooks;
    private final boolean storing;
    // Every worker thread made; dead ones are pruned when a new one is made.
    private final Set<Thread> workerThreads = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    // Set when close() gave up waiting: from then on, live workers are stragglers.
    private volatile boolean closeWaitExpired;

    /**
     * @param settings executor, timeout, breaker and store settings
     * @param clock wall clock for pair timestamps
     */
    public ShadowRunner(ShadowSettings settings, Clock clock) {
        this(settings, clock, List.of());
    }

    /**
     * @param settings executor, timeout, breaker and store settings
     * @param clock wall clock for pair timestamps
     * @param hooks told of every shadow disposition and ended call ({@code afterShadow}), in
     *     this order
     */
    public ShadowRunner(ShadowSettings settings, Clock clock, List<RouteHook> hooks) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ticker = settings.ticker();
        this.timeoutNanos = settings.timeout().toNanos();
        this.hooks = hooks.toArray(new RouteHook[0]);
        this.storing = settings.pairStore() != null && settings.masker() != null;
        BlockingQueue<Runnable> queue = settings.queueCapacity() == 0
                ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(settings.queueCapacity());
        ThreadFactory factory = settings.threadFactory() != null
                ? settings.threadFactory() : daemon("release-router-shadow-");
        this.workers = new ThreadPoolExecutor(settings.threads(), settings.threads(), 0,
                TimeUnit.MILLISECONDS, queue, tracked(factory),
                (r, executor) -> {
                    throw QueueFull.INSTANCE;
                });
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("release-router-shadow-timer-"));
        this.timer.setRemoveOnCancelPolicy(true); // cancelled timeouts must not pile up
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Makes every worker a daemon thread (a straggler must never keep the JVM alive) and
     * remembers it, so that close() can name the ones still alive.
     */
    private ThreadFactory tracked(ThreadFactory factory) {
        return r -> {
            Thread t = factory.newThread(r);
            if (t == null) {
                return null;
            }
            if (!t.isDaemon()) {
                t.setDaemon(true); // virtual threads are daemon already and are left alone
            }
            workerThreads.removeIf(w -> w.getState() == Thread.State.TERMINATED);
            workerThreads.add(t);
            return t;
        };
    }

    /** @return the statistics of a (model, version), created on first use */
    VersionStats stats(String model, String version) {
        ConcurrentHashMap<String, VersionStats> m = stats.get(model);
        if (m == null) {
            m = stats.computeIfAbsent(model, k -> new ConcurrentHashMap<>());
        }
        VersionStats s = m.get(version);
        return s != null ? s : m.computeIfAbsent(version, v -> new VersionStats(model, v));
    }

    private CircuitBreaker breaker(String model, String version) {
        ConcurrentHashMap<String, CircuitBreaker> m = breakers.get(model);
        if (m == null) {
            m = breakers.computeIfAbsent(model, k -> new ConcurrentHashMap<>());
        }
        CircuitBreaker b = m.get(version);
        return b != null ? b : m.computeIfAbsent(version, v -> new CircuitBreaker(
                settings.breakerWindow(), settings.breakerMinimumCalls(),
                settings.breakerFailureRate(), settings.breakerOpenFor().toNanos(), ticker));
    }

    /**
     * Counts a request's shadow disposition that is not a scheduled call.
     *
     * @param request the routed request (its model is the shadowed one)
     * @param stableVersion the version that served the request
     * @param version the shadow version
     * @param disposition why it was not shadowed
     * @param stableNanos latency of the served call, or 0 if it failed
     */
    public void skipped(RouteRequest request, String stableVersion, String version,
            ShadowDisposition disposition, long stableNanos) {
        stats(request.model(), version).disposition(disposition);
        if (hooks.length > 0) {
            emit(notRun(request, stableVersion, version, disposition, stableNanos), true);
        }
    }

    private static ShadowEvent notRun(RouteRequest request, String stableVersion,
            String version, ShadowDisposition disposition, long stableNanos) {
        return new ShadowEvent(request, stableVersion, version, disposition, Optional.empty(),
                stableNanos, OptionalLong.empty(), Optional.empty(), OptionalDouble.empty());
    }

    /**
     * Tells every hook; a failing hook is counted, never propagated, and the others still run.
     * On a request thread a fatal VM error is rethrown (see {@link Throwables}); on a worker,
     * nothing is. Callers check {@code hooks.length} first so that without hooks no event object
     * is built.
     */
    private void emit(ShadowEvent event, boolean onRequestThread) {
        Throwable fatal = null;
        for (RouteHook hook : hooks) {
            try {
                hook.afterShadow(event);
            } catch (Throwable t) {
                hookFailed(t);
                if (onRequestThread && fatal == null && Throwables.isFatal(t)) {
                    fatal = t;
                }
            }
        }
        if (fatal != null) {
            Throwables.rethrowIfFatal(fatal);
        }
    }

    private void hookFailed(Throwable t) {
        if (listenerErrors.getAndIncrement() == 0) {
            LOG.warn("Release Router: a route hook failed in afterShadow ({}); further failures"
                    + " are only counted", t.getClass().getName());
        }
    }

    /** @return exceptions thrown by hooks' {@code afterShadow} */
    public long listenerErrors() {
        return listenerErrors.get();
    }

    /**
     * Counts a primary-path fallback.
     *
     * @param model the model
     * @param version the canary that failed
     * @param cause why
     */
    public void fallback(String model, String version, FallbackCause cause) {
        stats(model, version).fallback(cause);
    }

    /**
     * Counts a primary-path output its validator rejected (it was served: nothing else was left).
     *
     * @param model the model
     * @param version the version that produced it
     */
    public void primaryInvalid(String model, String version) {
        stats(model, version).primaryInvalid();
    }

    /** @return the nanosecond ticker */
    public LongSupplier ticker() {
        return ticker;
    }

    /**
     * Schedules a shadow call, never blocking.
     *
     * @return {@link ShadowDisposition#SCHEDULED}, or why it was not scheduled
     */
    public <I, O> ShadowDisposition submit(String model, String stableVersion,
            String candidateVersion, Predictor<I, O> candidate, I input, @Nullable O stableOutput,
            long stableNanos, RouteRequest request, ShadowComparator<O> comparator,
            @Nullable OutputValidator<O> validator) {
        VersionStats vs = stats(model, candidateVersion);
        ShadowDisposition d;
        if (closed) {
            d = ShadowDisposition.CLOSED;
        } else {
            CircuitBreaker breaker = breaker(model, candidateVersion);
            if (!breaker.tryAcquire()) {
                d = ShadowDisposition.CIRCUIT_OPEN;
            } else {
                try {
                    workers.execute(new Call<>(vs, breaker, stableVersion, candidate, input,
                            stableOutput, stableNanos, request, comparator, validator));
                    d = ShadowDisposition.SCHEDULED;
                } catch (RejectedExecutionException e) {
                    breaker.release();
                    d = closed ? ShadowDisposition.CLOSED : ShadowDisposition.DROPPED;
                }
            }
        }
        vs.disposition(d);
        if (hooks.length > 0 && d != ShadowDisposition.SCHEDULED) {
            emit(notRun(request, stableVersion, candidateVersion, d, stableNanos), true);
        }
        return d;
    }

    /**
     * Thrown by the executor when the queue is full. One shared instance without a stack trace:
     * load shedding happens exactly when the system is busiest, so a drop must cost nothing.
     */
    private static final class QueueFull extends RejectedExecutionException {
        private static final long serialVersionUID = 1L;
        static final QueueFull INSTANCE = new QueueFull();

        private QueueFull() {
            super("shadow queue full");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** One shadow call; runs on a worker thread. */
    private final class Call<I, O> implements Runnable {
        private final VersionStats vs;
        private final CircuitBreaker breaker;
        private final String stableVersion;
        private final Predictor<I, O> candidate;
        private final I input;
        private final @Nullable O stableOutput;
        private final long stableNanos;
        private final RouteRequest request;
        private final ShadowComparator<O> comparator;
        private final @Nullable OutputValidator<O> validator;
        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private boolean recorded; // whether the breaker has this call's outcome; worker only

        Call(VersionStats vs, CircuitBreaker breaker, String stableVersion,
                Predictor<I, O> candidate, I input, @Nullable O stableOutput, long stableNanos,
                RouteRequest request, ShadowComparator<O> comparator,
                @Nullable OutputValidator<O> validator) {
            this.vs = vs;
            this.breaker = breaker;
            this.stableVersion = stableVersion;
            this.candidate = candidate;
            this.input = input;
            this.stableOutput = stableOutput;
            this.stableNanos = stableNanos;
            this.request = request;
            this.comparator = comparator;
            this.validator = validator;
        }

        /** Never throws: a worker thread must survive whatever the call does. */
        @Override
        public void run() {
            try {
                call();
            } catch (Throwable t) {
                internalErrors.incrementAndGet();
                if (!recorded) {
                    breaker.record(true); // never leave a half-open breaker waiting forever
                }
                LOG.warn("Release Router: shadow bookkeeping failed for {}/{}: {}", vs.model,
                        vs.version, t.getClass().getName());
            }
        }

        private void call() {
            Thread worker = Thread.currentThread();
            Thread.interrupted(); // start clean
            // Masked before the candidate runs: a candidate that mutates its input must not
            // change what is stored (replay must use the input that was served).
            MaskedInput masked = storing ? maskInput() : null;
            ScheduledFuture<?> deadline = timer.schedule(() -> {
                if (state.compareAndSet(RUNNING, TIMING_OUT)) {
                    worker.interrupt();
                    state.set(TIMED_OUT);
                }
            }, timeoutNanos, TimeUnit.NANOSECONDS);
            long start = ticker.getAsLong();
            O output = null;
            Throwable failure = null;
            try {
                output = candidate.predict(input);
            } catch (Throwable t) {
                failure = t; // even OutOfMemoryError: counted, and the worker carries on
            }
            long took = ticker.getAsLong() - start;
            boolean timedOut = !state.compareAndSet(RUNNING, DONE);
            if (timedOut) {
                while (state.get() != TIMED_OUT) {
                    Thread.onSpinWait(); // the timer is delivering its interrupt
                }
                Thread.interrupted();
            } else {
                deadline.cancel(false);
            }
            finish(output, failure, timedOut, took, masked);
        }

        /** The masked input, or why it could not be masked (the pair is then not stored). */
        private MaskedInput maskInput() {
            try {
                return new MaskedInput(mask(settings.masker(), input), null);
            } catch (Throwable t) {
                return new MaskedInput(null, t);
            }
        }

        private void finish(@Nullable O output, @Nullable Throwable failure, boolean timedOut,
                long took, @Nullable MaskedInput masked) {
            ShadowOutcome outcome;
            String error = null;
            Comparison comparison = null;
            if (timedOut) {
                outcome = ShadowOutcome.TIMEOUT;
                error = "timeout after " + settings.timeout();
            } else if (failure != null) {
                outcome = ShadowOutcome.ERROR;
                error = failure.getClass().getName(); // the type only: messages may hold data
            } else {
                String problem = validate(output);
                if (problem != null) {
                    outcome = ShadowOutcome.INVALID_OUTPUT;
                    error = problem;
                } else {
                    outcome = ShadowOutcome.SUCCESS;
                    comparison = compare(output);
                }
            }
            long candidateNanos = timedOut ? -1 : took;
            // The comparison and the breaker are updated before the outcome is counted: a
            // reader that sees the outcome (LongAdder cells are volatile) also sees them.
            if (comparison != null) {
                vs.comparison(comparison.match(), comparison.delta().orElse(Double.NaN));
            }
            breaker.record(outcome != ShadowOutcome.SUCCESS);
            recorded = true;
            vs.outcome(outcome, stableNanos, candidateNanos);
            if (hooks.length > 0) {
                emit(new ShadowEvent(request, stableVersion, vs.version,
                        ShadowDisposition.SCHEDULED, Optional.of(outcome), stableNanos,
                        timedOut ? OptionalLong.empty() : OptionalLong.of(took),
                        comparison == null ? Optional.empty()
                                : Optional.of(comparison.match()),
                        comparison == null ? OptionalDouble.empty() : comparison.delta()),
                        false);
            }
            if (masked != null) {
                store(masked, outcome, timedOut ? null : output, comparison,
                        timedOut ? -1 : took, error);
            }
        }

        /** A validator that throws rejects the output: it could not be shown to be valid. */
        private @Nullable String validate(@Nullable O output) {
            if (validator == null) {
                return null;
            }
            try {
                return validator.problem(output);
            } catch (Throwable t) {
                return "validator failed: " + t.getClass().getName();
            }
        }

        /**
         * A comparator that throws leaves the call a success without a comparison (the candidate
         * answered); the failure is counted in {@link #internalErrors()}, logged once.
         */
        private @Nullable Comparison compare(@Nullable O output) {
            try {
                return comparator.compare(stableOutput, output);
            } catch (Throwable t) {
                if (internalErrors.getAndIncrement() == 0) {
                    LOG.warn("Release Router: a shadow comparator failed for {}/{} ({}); further"
                            + " failures are only counted", vs.model, vs.version,
                            t.getClass().getName());
                }
                return null;
            }
        }

        private void store(MaskedInput masked, ShadowOutcome outcome, @Nullable O output,
                @Nullable Comparison comparison, long took, @Nullable String error) {
            PairStore store = settings.pairStore();
            PairMasker masker = settings.masker();
            try {
                if (masked.failure != null) {
                    throw masked.failure;
                }
                ShadowPair pair = ShadowPair.builder()
                        .time(clock.instant())
                        .model(vs.model)
                        .stableVersion(stableVersion)
                        .candidateVersion(vs.version)
                        .entityKeyHash(masker.hashEntityKey(request.entityKey()))
                        .inputJson(masked.json)
                        .stableOutputJson(mask(masker, stableOutput))
                        .candidateOutputJson(outcome == ShadowOutcome.SUCCESS
                                || outcome == ShadowOutcome.INVALID_OUTPUT
                                ? mask(masker, output) : null)
                        .outcome(outcome)
                        .match(comparison == null ? null : comparison.match())
                        .delta(comparison == null ? Double.NaN
                                : comparison.delta().orElse(Double.NaN))
                        .stableLatencyNanos(stableNanos)
                        .candidateLatencyNanos(took)
                        .error(error)
                        .build();
                store.append(pair);
            } catch (Throwable t) {
                if (pairErrors.getAndIncrement() == 0) {
                    LOG.warn("Release Router: a shadow pair could not be stored ({}); further "
                            + "failures are only counted", t.getClass().getName());
                }
            }
        }
    }

    /** An input masked before the candidate ran, or the masker's failure. */
    private record MaskedInput(@Nullable String json, @Nullable Throwable failure) {}

    private static String mask(PairMasker masker, @Nullable Object value) {
        return value == null ? "null" : masker.maskValue(value);
    }

    /** @return shadow pairs that could not be built or stored */
    public long pairErrors() {
        return pairErrors.get();
    }

    /** @return failures of the runner's own bookkeeping (never of the candidate) */
    public long internalErrors() {
        return internalErrors.get();
    }

    /** @return statistics of every (model, version) seen */
    public List<ShadowStatistics> statistics() {
        List<ShadowStatistics> list = new ArrayList<>();
        stats.values().forEach(m -> m.values().forEach(v -> list.add(v.snapshot())));
        return list;
    }

    /** @return timeouts still scheduled (one per running call; cancelled ones are removed) */
    int pendingTimeouts() {
        return timer.getQueue().size();
    }

    /** @return queued shadow calls dropped because the router closed before they ran */
    public long droppedAtClose() {
        return droppedAtClose.get();
    }

    /**
     * @return every failure of a hook the runner calls that did not fail a request: route
     *     hook, comparator, masker or pair store (append and close), and the runner's own
     *     bookkeeping
     */
    public long hookErrors() {
        return internalErrors.get() + listenerErrors.get() + pairErrors.get() + closeErrors.get();
    }

    /**
     * @return shadow worker threads still alive although {@link #close()} gave up waiting for
     *     them (calls that ignore interruption); 0 before that, and falls as they end
     */
    public int stragglers() {
        if (!closeWaitExpired || workers.isTerminated()) {
            return 0;
        }
        return (int) workerThreads.stream().filter(Thread::isAlive).count();
    }

    /**
     * Stops accepting calls and waits at most {@link ShadowSettings#closeTimeout()}: queued and
     * running calls get the first half to finish; then calls still queued are dropped and
     * counted, running ones are interrupted, and they get the second half to stop. Threads still
     * alive after that are stragglers: logged once (WARN, with their names) and counted by
     * {@link #stragglers()}. Then closes the pair store, which flushes every pair it accepted.
     * Never throws because of the pair store, except a fatal VM error, rethrown after closing.
     * Restores the interrupt status if interrupted (it then stops waiting).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long half = Math.max(1, settings.closeTimeout().toNanos() / 2);
        boolean interrupted = false;
        workers.shutdown();
        try {
            if (!workers.awaitTermination(half, TimeUnit.NANOSECONDS)) {
                List<Runnable> left = workers.shutdownNow(); // interrupts running calls
                droppedAtClose.addAndGet(left.size());
                if (!left.isEmpty()) {
                    LOG.warn("Release Router: {} queued shadow calls dropped at close",
                            left.size());
                }
                workers.awaitTermination(half, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            droppedAtClose.addAndGet(workers.shutdownNow().size());
        }
        timer.shutdownNow();
        if (!workers.isTerminated()) {
            closeWaitExpired = true;
            reportStragglers();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        closeStore();
    }

    private void reportStragglers() {
        List<String> names = workerThreads.stream().filter(Thread::isAlive)
                .map(Thread::getName).sorted().collect(Collectors.toList());
        if (!names.isEmpty()) {
            LOG.warn("Release Router: {} shadow threads still running after close waited {} "
                    + "(their calls ignore interruption; daemon threads, they end when the calls "
                    + "return): {}", names.size(), settings.closeTimeout(), names);
        }
    }

    private void closeStore() {
        PairStore store = settings.pairStore();
        if (store == null) {
            return;
        }
        try {
            store.close();
        } catch (Throwable t) {
            closeErrors.incrementAndGet();
            LOG.warn("Release Router: the shadow pair store failed to close ({})",
                    t.getClass().getName());
            Throwables.rethrowIfFatal(t);
        }
    }
}

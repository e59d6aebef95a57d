package dev.releaserouter.core.shadow.internal;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.api.hook.ShadowEvent;
import dev.releaserouter.api.shadow.Comparison;
import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.api.shadow.OutputValidator;
import dev.releaserouter.api.shadow.PairMasker;
import dev.releaserouter.api.shadow.PairStore;
import dev.releaserouter.api.shadow.PolicyViolation;
import dev.releaserouter.api.shadow.Predictor;
import dev.releaserouter.api.shadow.ShadowComparator;
import dev.releaserouter.api.shadow.ShadowContext;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowExecution;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.api.shadow.ShadowStatistics;
import dev.releaserouter.core.internal.Throwables;
import dev.releaserouter.core.shadow.ShadowSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs shadow calls off the request thread and makes sure none of them can hurt the primary call.
 *
 * <p>Design:
 * <ul>
 *   <li>Hand-off without allocation: the request thread writes the call's fields into a
 *       preallocated slot of a {@link HandOffRing} (one CAS and plain writes, published by one
 *       volatile write) and returns; no task object, no executor. Up to
 *       {@code threads + queueCapacity} calls are in flight (queued or running), counted by
 *       {@link #inFlight}; beyond it, or beyond the {@link AdaptiveLimit adaptive limit}, a call
 *       is shed and counted as {@link ShadowDisposition#DROPPED}. The caller never blocks.
 *   <li>Workers: {@code threads} daemon threads made by the configured factory, started with the
 *       runner (on the first shadow call). An idle worker spins briefly, then yields, then
 *       announces itself ({@link Worker#parked}, {@link #idleWorkers}) and parks; a producer
 *       unparks one only if one is announced, so under steady load the hand-off makes no system
 *       call. The announcement (a sequentially consistent increment, then a read of the ring)
 *       and the publication (a volatile write, then a read of {@link #idleWorkers}) form a
 *       Dekker pair: either the worker sees the call or the producer sees the worker. A timed
 *       park bounds the wait anyway.
 *   <li>Hard timeout: one watchdog thread sleeps until the earliest deadline of a running call
 *       (every call has the same timeout, so a call that starts later cannot have an earlier
 *       deadline) and interrupts the calls past it. A state word per worker, the call's sequence
 *       number and its phase ({@code RUNNING -> DONE} by the worker, or
 *       {@code RUNNING -> TIMING_OUT -> TIMED_OUT} by the watchdog), makes sure the interrupt
 *       lands only on the call it was meant for: a worker that finishes as the watchdog fires
 *       waits for the interrupt to be delivered and clears it before taking the next call. A call
 *       that ignores interruption keeps its thread until it returns; the bulkhead bounds how many
 *       threads that can cost, and the circuit breaker stops sending more.
 *   <li>Everything user code can throw on a worker thread (the candidate, comparator,
 *       validator, hook, masker, pair store), any {@link Throwable} including
 *       {@code OutOfMemoryError}, is caught and counted, and the worker carries on: a background
 *       safety thread never dies of user code (see {@link Throwables}). A worker that could not
 *       be made or started, or that ended before {@link #close()}, is reported by
 *       {@link #status()}. On the request thread ({@link #skipped}, {@link #fallback},
 *       {@link #submit}) only the fatal errors that {@link Throwables#isFatal} names are
 *       rethrown. Comparison, validation, masking and storing run on the worker thread.
 *   <li>Worker threads are always daemon threads (a factory's non-daemon threads are made
 *       daemon), so that {@link #close()} can leave the ones that ignore interruption
 *       (stragglers, counted by {@link #stragglers()}) without keeping the JVM alive.
 * </ul>
 */
public final class ShadowRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowRunner.class);
    // Phases of a worker's state word; the call's sequence number is in the bits above them.
    private static final long RUNNING = 0;
    private static final long DONE = 1;
    private static final long TIMING_OUT = 2;
    private static final long TIMED_OUT = 3;
    private static final long PHASE = 3;
    /** Idle polls of the ring before yielding: a few microseconds. */
    private static final int SPINS = 256;
    /** Idle yields before parking. */
    private static final int YIELDS = 64;
    /** The longest an idle worker parks before it looks at the ring again (a safety net). */
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ShadowSettings settings;
    private final Clock clock;
    private final LongSupplier ticker;
    private final long timeoutNanos;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Lane>> lanes =
            new ConcurrentHashMap<>();
    private final AtomicLong pairErrors = new AtomicLong();
    private final AtomicLong internalErrors = new AtomicLong();
    private final AtomicLong droppedAtClose = new AtomicLong();
    private final AtomicLong listenerErrors = new AtomicLong();
    private final AtomicLong closeErrors = new AtomicLong();
    private final AtomicLong shedByLimit = new AtomicLong();
    private final RouteHook[] hooks;
    private final boolean storing;
    private final @Nullable TelemetryQueue telemetry;
    private final HandOffRing ring;
    private final int maxInFlight;
    /** Calls accepted and not yet finished (queued or running). */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger idleWorkers = new AtomicInteger();
    private final @Nullable AdaptiveLimit limit;
    private final Worker[] workers;
    /** Workers whose thread started. */
    private final int started;
    private final AtomicLong workerFailures = new AtomicLong();
    private volatile @Nullable String lastWorkerFailure;
    private final Thread watchdog;
    private volatile boolean closed;
    /** Set when close() gave up waiting: workers end after their call, queued calls drop. */
    private volatile boolean abandoned;
    /** Set when the workers are gone: a producer that raced with close() drains its call. */
    private volatile boolean stopped;
    // Set when close() gave up waiting: from then on, live workers are stragglers.
    private volatile boolean closeWaitExpired;

    /**
     * @param settings threads, queue, timeout, breaker, limit and store settings
     * @param clock wall clock for pair timestamps
     */
    public ShadowRunner(ShadowSettings settings, Clock clock) {
        this(settings, clock, List.of());
    }

    /**
     * Starts the worker threads and the watchdog.
     *
     * @param settings threads, queue, timeout, breaker, limit and store settings
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
        this.telemetry = settings.telemetrySink() != null && settings.telemetryMasker() != null
                ? new TelemetryQueue(settings.telemetrySink(), settings.telemetryQueueCapacity())
                : null;
        this.maxInFlight = settings.threads() + settings.queueCapacity();
        this.ring = new HandOffRing(maxInFlight);
        this.limit = settings.adaptiveLimit()
                ? new AdaptiveLimit(maxInFlight, settings.callerLatencyTolerance(),
                        AdaptiveLimit.WINDOW_NANOS, AdaptiveLimit.SAMPLE_EVERY, ticker)
                : null;
        ThreadFactory factory = settings.threadFactory() != null
                ? settings.threadFactory() : daemon("release-router-shadow-");
        this.workers = new Worker[settings.threads()];
        int ok = 0;
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker();
            if (start(factory, workers[i])) {
                ok++;
            }
        }
        this.started = ok;
        this.watchdog = new Thread(this::watch, "release-router-shadow-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
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
     * Makes a worker's thread with the factory (user code: whatever it does is contained and
     * reported), makes it a daemon thread (a straggler must never keep the JVM alive) and starts
     * it.
     *
     * @return whether the worker's thread started
     */
    private boolean start(ThreadFactory factory, Worker w) {
        try {
            Thread t = factory.newThread(w);
            if (t == null) {
                workerFailed("the thread factory returned null");
                return false;
            }
            if (!t.isDaemon()) {
                t.setDaemon(true); // virtual threads are daemon already and are left alone
            }
            w.thread = t;
            t.start();
            return true;
        } catch (Throwable t) {
            workerFailed("the thread factory failed: " + t);
            return false;
        }
    }

    private void workerFailed(String why) {
        workerFailures.incrementAndGet();
        lastWorkerFailure = why;
        LOG.error("Release Router: a shadow worker is not running ({}); status() reports it",
                why);
    }

    /** @return the lane of a (model, version), created on first use */
    private Lane lane(String model, String version) {
        ConcurrentHashMap<String, Lane> m = lanes.get(model);
        if (m == null) {
            m = lanes.computeIfAbsent(model, k -> new ConcurrentHashMap<>());
        }
        Lane l = m.get(version);
        return l != null ? l : m.computeIfAbsent(version, v -> new Lane(
                new VersionStats(model, v),
                new CircuitBreaker(settings.breakerWindow(), settings.breakerMinimumCalls(),
                        settings.breakerFailureRate(), settings.breakerOpenFor().toNanos(),
                        ticker)));
    }

    /** @return the statistics of a (model, version), created on first use */
    VersionStats stats(String model, String version) {
        return lane(model, version).stats;
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
     * Hands a shadow call to the workers, never blocking and, once the (model, version) was
     * seen, without allocating.
     *
     * @return {@link ShadowDisposition#SCHEDULED}, or why it was not scheduled
     */
    public <I, O> ShadowDisposition submit(String model, String stableVersion,
            String candidateVersion, Predictor<I, O> candidate, I input, @Nullable O stableOutput,
            long stableNanos, RouteRequest request, ShadowComparator<O> comparator,
            @Nullable OutputValidator<O> validator) {
        Lane lane = lane(model, candidateVersion);
        ShadowDisposition d;
        if (closed) {
            d = ShadowDisposition.CLOSED;
        } else {
            AdaptiveLimit l = limit;
            if (l != null) {
                l.record(stableNanos);
            }
            d = handOff(lane, stableVersion, candidate, input, stableOutput, stableNanos,
                    request, comparator, validator);
        }
        lane.stats.disposition(d);
        if (hooks.length > 0 && d != ShadowDisposition.SCHEDULED) {
            emit(notRun(request, stableVersion, candidateVersion, d, stableNanos), true);
        }
        return d;
    }

    @SuppressWarnings("unchecked") // the slot holds the call's own types; the worker keeps them
    private <I, O> ShadowDisposition handOff(Lane lane, String stableVersion,
            Predictor<I, O> candidate, I input, @Nullable O stableOutput, long stableNanos,
            RouteRequest request, ShadowComparator<O> comparator,
            @Nullable OutputValidator<O> validator) {
        CircuitBreaker breaker = lane.breaker;
        if (!breaker.tryAcquire()) {
            return ShadowDisposition.CIRCUIT_OPEN;
        }
        AdaptiveLimit l = limit;
        int bound = l == null ? maxInFlight : l.limit();
        if (started == 0) {
            breaker.release();
            return ShadowDisposition.DROPPED; // no worker: status() says why
        }
        if (inFlight.getAndIncrement() >= bound) {
            inFlight.decrementAndGet();
            breaker.release();
            if (bound < maxInFlight) {
                shedByLimit.incrementAndGet();
            }
            return ShadowDisposition.DROPPED;
        }
        long pos = ring.claim();
        if (pos < 0) { // cannot happen while inFlight bounds the ring; refused all the same
            inFlight.decrementAndGet();
            breaker.release();
            return ShadowDisposition.DROPPED;
        }
        HandOffRing.Slot s = ring.slot(pos);
        s.lane = lane;
        s.stableVersion = stableVersion;
        s.candidate = (Predictor<Object, Object>) candidate;
        s.input = input;
        s.stableOutput = stableOutput;
        s.stableNanos = stableNanos;
        s.request = request;
        s.comparator = (ShadowComparator<Object>) comparator;
        s.validator = (OutputValidator<Object>) validator;
        ring.publish(pos);
        wakeOne();
        if (stopped) {
            drain(); // raced with close(): nobody else will take it
        }
        return ShadowDisposition.SCHEDULED;
    }

    /** Unparks one announced idle worker, if any (one volatile read when none is idle). */
    private void wakeOne() {
        if (idleWorkers.get() == 0) {
            return;
        }
        for (Worker w : workers) {
            if (w.parked.get() && w.parked.compareAndSet(true, false)) {
                idleWorkers.decrementAndGet();
                LockSupport.unpark(w.thread);
                return;
            }
        }
    }

    private void wakeAll() {
        for (Worker w : workers) {
            if (w.parked.compareAndSet(true, false)) {
                idleWorkers.decrementAndGet();
            }
            Thread t = w.thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /**
     * Drops the calls still queued (at close, or a call that raced with it): counted, their
     * breaker permits given back.
     *
     * @return how many
     */
    private int drain() {
        int n = 0;
        for (long pos = ring.take(); pos >= 0; pos = ring.take()) {
            Lane lane = ring.slot(pos).lane;
            ring.free(pos);
            if (lane != null) {
                lane.breaker.release();
            }
            inFlight.decrementAndGet();
            droppedAtClose.incrementAndGet();
            n++;
        }
        return n;
    }

    /**
     * The watchdog: sleeps until the earliest deadline of a running call and interrupts the
     * calls past theirs. Never dies of an error: it counts it and carries on.
     */
    private void watch() {
        while (!stopped) {
            try {
                long now = System.nanoTime();
                long next = now + timeoutNanos;
                for (Worker w : workers) {
                    long s = w.state.get();
                    if ((s & PHASE) != RUNNING) {
                        continue;
                    }
                    long deadline = w.deadline; // written before the state: this call's or later
                    if (deadline - now <= 0) {
                        w.timeOut(s);
                    } else if (deadline - next < 0) {
                        next = deadline;
                    }
                }
                LockSupport.parkNanos(this, Math.max(next - now, 1_000L));
            } catch (Throwable t) {
                internalErrors.incrementAndGet();
            }
        }
    }

    /**
     * A shadow worker: takes calls from the ring and runs them until the runner closes. Its
     * fields other than {@link #state}, {@link #deadline}, {@link #parked} and {@link #thread}
     * are the current call's, used by the worker's thread only.
     */
    private final class Worker implements Runnable {
        /** The current call's sequence number (bits 2 and up) and phase (bits 0-1). */
        final AtomicLong state = new AtomicLong(DONE);
        /** When the current call times out ({@link System#nanoTime()}); written before state. */
        volatile long deadline;
        /** Whether the worker announced itself idle and waits for an unpark. */
        final AtomicBoolean parked = new AtomicBoolean();
        volatile @Nullable Thread thread;
        private long calls;
        private @Nullable Lane lane;
        private @Nullable String stableVersion;
        private @Nullable Predictor<Object, Object> candidate;
        private @Nullable Object input;
        private @Nullable Object stableOutput;
        private long stableNanos;
        private @Nullable RouteRequest request;
        private @Nullable ShadowComparator<Object> comparator;
        private @Nullable OutputValidator<Object> validator;
        private boolean recorded; // whether the breaker has this call's outcome

        /** Runs calls until close; contains everything, so it ends only when told to. */
        @Override
        public void run() {
            thread = Thread.currentThread();
            try {
                while (!abandoned) {
                    try {
                        long pos = ring.take();
                        if (pos >= 0) {
                            load(pos);
                            runCall();
                        } else if (closed) {
                            return; // queue drained
                        } else {
                            idle();
                        }
                    } catch (Throwable t) {
                        internalErrors.incrementAndGet(); // never dies of its own bookkeeping
                    }
                }
            } finally {
                if (!closed) {
                    workerFailed("worker " + Thread.currentThread().getName() + " ended");
                }
            }
        }

        /** Copies the call out of its slot and frees the slot. */
        private void load(long pos) {
            HandOffRing.Slot s = ring.slot(pos);
            lane = s.lane;
            stableVersion = s.stableVersion;
            candidate = s.candidate;
            input = s.input;
            stableOutput = s.stableOutput;
            stableNanos = s.stableNanos;
            request = s.request;
            comparator = s.comparator;
            validator = s.validator;
            recorded = false;
            ring.free(pos);
        }

        /** Spins, then yields, then announces itself and parks, until a call or close. */
        private void idle() {
            for (int i = 0; i < SPINS; i++) {
                if (ring.hasWork() || closed) {
                    return;
                }
                Thread.onSpinWait();
            }
            for (int i = 0; i < YIELDS; i++) {
                if (ring.hasWork() || closed) {
                    return;
                }
                Thread.yield();
            }
            parked.set(true);
            idleWorkers.incrementAndGet();
            try {
                while (parked.get() && !ring.hasWork() && !closed) {
                    LockSupport.parkNanos(ShadowRunner.this, PARK_NANOS);
                }
            } finally {
                if (parked.compareAndSet(true, false)) {
                    idleWorkers.decrementAndGet();
                }
            }
        }

        /** Runs the loaded call; never throws, and always frees its place in flight. */
        private void runCall() {
            Lane l = lane;
            try {
                call();
            } catch (Throwable t) {
                internalErrors.incrementAndGet();
                if (!recorded && l != null) {
                    l.breaker.record(true); // never leave a half-open breaker waiting forever
                }
                if (l != null) {
                    LOG.warn("Release Router: shadow bookkeeping failed for {}/{}: {}",
                            l.stats.model, l.stats.version, t.getClass().getName());
                }
            } finally {
                lane = null;
                stableVersion = null;
                candidate = null;
                input = null;
                stableOutput = null;
                request = null;
                comparator = null;
                validator = null;
                inFlight.decrementAndGet();
            }
        }

        /** Called by the watchdog: interrupts the call in state {@code s} if still running. */
        void timeOut(long s) {
            long call = s & ~PHASE;
            if (state.compareAndSet(s, call | TIMING_OUT)) {
                Thread t = thread;
                try {
                    if (t != null) {
                        t.interrupt();
                    }
                } finally {
                    state.set(call | TIMED_OUT);
                }
            }
        }

        private void call() {
            Thread.interrupted(); // start clean
            // Masked before the candidate runs: a candidate that mutates its input must not
            // change what is stored (replay must use the input that was served).
            MaskedInput masked = storing ? maskInput(settings.masker()) : null;
            MaskedInput told = telemetry == null ? null
                    : masked != null && settings.telemetryMasker() == settings.masker() ? masked
                    : maskInput(settings.telemetryMasker());
            long call = ++calls << 2;
            deadline = System.nanoTime() + timeoutNanos;
            state.set(call | RUNNING);
            long start = ticker.getAsLong();
            Object output = null;
            Throwable failure = null;
            try {
                // Candidate code can ask ShadowContext.isShadow() to skip its side effects.
                output = ShadowContext.predictAsShadow(candidate, input);
            } catch (Throwable t) {
                failure = t; // even OutOfMemoryError: counted, and the worker carries on
            }
            long took = ticker.getAsLong() - start;
            boolean timedOut = !state.compareAndSet(call | RUNNING, call | DONE);
            if (timedOut) {
                while (state.get() != (call | TIMED_OUT)) {
                    Thread.onSpinWait(); // the watchdog is delivering its interrupt
                }
                Thread.interrupted();
                state.set(call | DONE);
            }
            finish(output, failure, timedOut, took, masked, told);
        }

        /** The masked input, or why it could not be masked (the pair is then not stored). */
        private MaskedInput maskInput(PairMasker masker) {
            try {
                return new MaskedInput(mask(masker, input), null);
            } catch (Throwable t) {
                return new MaskedInput(null, t);
            }
        }

        private void finish(@Nullable Object output, @Nullable Throwable failure,
                boolean timedOut, long took, @Nullable MaskedInput masked,
                @Nullable MaskedInput told) {
            VersionStats vs = lane.stats;
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
            boolean answered = !timedOut && failure == null;
            List<PolicyViolation> violations = answered ? violations(output) : List.of();
            // The comparison and the breaker are updated before the outcome is counted: a
            // reader that sees the outcome (LongAdder cells are volatile) also sees them.
            if (comparison != null) {
                vs.comparison(comparison.match(), comparison.delta().orElse(Double.NaN));
            }
            lane.breaker.record(outcome != ShadowOutcome.SUCCESS);
            recorded = true;
            vs.outcome(outcome, stableNanos, candidateNanos);
            if (hooks.length > 0) {
                emit(new ShadowEvent(request, stableVersion, vs.version,
                        ShadowDisposition.SCHEDULED, Optional.of(outcome), stableNanos,
                        timedOut ? OptionalLong.empty() : OptionalLong.of(took),
                        comparison == null ? Optional.empty()
                                : Optional.of(comparison.match()),
                        comparison == null ? OptionalDouble.empty() : comparison.delta(),
                        violations), false);
            }
            if (masked != null) {
                store(masked, outcome, timedOut ? null : output, comparison,
                        timedOut ? -1 : took, error,
                        answered && validator != null ? violations : null);
            }
            if (told != null) {
                tell(told, outcome, answered ? output : null, comparison, candidateNanos,
                        violations);
            }
        }

        /**
         * The policies the output broke; a validator that throws reports none (counted in
         * {@link #internalErrors()}, logged once): violations are evidence, not validity.
         */
        private List<PolicyViolation> violations(@Nullable Object output) {
            return violationsOf(validator, output, this::violationsFailed);
        }

        private void violationsFailed(Throwable t) {
            if (internalErrors.getAndIncrement() == 0) {
                LOG.warn("Release Router: a validator failed to report policy violations for"
                        + " {}/{} ({}); further failures are only counted", lane.stats.model,
                        lane.stats.version, t.getClass().getName());
            }
        }

        /** Hands seed 002's telemetry of this call to the telemetry queue; never throws. */
        private void tell(MaskedInput told, ShadowOutcome outcome, @Nullable Object output,
                @Nullable Comparison comparison, long candidateNanos,
                List<PolicyViolation> violations) {
            TelemetryQueue q = telemetry;
            PairMasker masker = settings.telemetryMasker();
            try {
                if (told.failure != null) {
                    throw told.failure;
                }
                String session = request.attributes().get("session_id");
                String message = masker.hashEntityKey(told.json);
                q.offer(new ShadowExecution(
                        masker.hashEntityKey(session != null ? session : request.entityKey()),
                        message.length() > 16 ? message.substring(0, 16) : message,
                        lane.stats.model, stableVersion, lane.stats.version, outcome,
                        candidateNanos < 0 ? OptionalDouble.empty()
                                : OptionalDouble.of(candidateNanos / 1e6),
                        mask(masker, stableOutput),
                        output == null ? null : mask(masker, output),
                        comparison == null ? null : comparison.match(),
                        violations, clock.instant()));
            } catch (Throwable t) {
                if (pairErrors.getAndIncrement() == 0) {
                    LOG.warn("Release Router: shadow telemetry could not be built ({}); further "
                            + "failures are only counted", t.getClass().getName());
                }
            }
        }

        /** A validator that throws rejects the output: it could not be shown to be valid. */
        private @Nullable String validate(@Nullable Object output) {
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
        private @Nullable Comparison compare(@Nullable Object output) {
            try {
                return comparator.compare(stableOutput, output);
            } catch (Throwable t) {
                if (internalErrors.getAndIncrement() == 0) {
                    LOG.warn("Release Router: a shadow comparator failed for {}/{} ({}); further"
                            + " failures are only counted", lane.stats.model,
                            lane.stats.version, t.getClass().getName());
                }
                return null;
            }
        }

        private void store(MaskedInput masked, ShadowOutcome outcome, @Nullable Object output,
                @Nullable Comparison comparison, long took, @Nullable String error,
                @Nullable List<PolicyViolation> violations) {
            PairStore store = settings.pairStore();
            PairMasker masker = settings.masker();
            try {
                if (masked.failure != null) {
                    throw masked.failure;
                }
                ShadowPair pair = ShadowPair.builder()
                        .time(clock.instant())
                        .model(lane.stats.model)
                        .stableVersion(stableVersion)
                        .candidateVersion(lane.stats.version)
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
                        .tenant(request.tenant())
                        .region(request.region())
                        .channel(request.channel())
                        .violations(violations)
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

    /**
     * The policies an output broke, as its validator reports them: none without a validator, or
     * when the validator returns null or throws (user code: whatever it throws goes to
     * {@code failed}, which may rethrow a fatal error; the caller counts it).
     *
     * @param validator the binding's validator, or null
     * @param output the output
     * @param failed told of what the validator threw
     * @param <O> output type
     * @return the violations, never null
     */
    public static <O> List<PolicyViolation> violationsOf(@Nullable OutputValidator<O> validator,
            @Nullable O output, Consumer<Throwable> failed) {
        if (validator == null) {
            return List.of();
        }
        try {
            List<PolicyViolation> v = validator.violations(output);
            return v == null ? List.of() : v;
        } catch (Throwable t) {
            failed.accept(t);
            return List.of();
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
        lanes.values().forEach(m -> m.values().forEach(l -> list.add(l.stats.snapshot())));
        return list;
    }

    /** @return calls running now (a worker between start and end of a candidate call) */
    int runningCalls() {
        int n = 0;
        for (Worker w : workers) {
            if ((w.state.get() & PHASE) == RUNNING) {
                n++;
            }
        }
        return n;
    }

    /** @return workers parked for want of calls */
    int idleWorkers() {
        return idleWorkers.get();
    }

    /** @return calls accepted and not yet finished (queued or running) */
    int inFlight() {
        return inFlight.get();
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
     * The runner's health for {@code RouterStatus.components()} (component {@code shadow}):
     * degraded while fewer workers run than configured (the thread factory failed, or a worker
     * ended before close), with what happened last. Details: {@code threads} (configured),
     * {@code workers} (alive), {@code inFlight} (queued and running calls), {@code limit} (the
     * adaptive limit of calls in flight, or the fixed {@code threads + queueCapacity}),
     * {@code shedByLimit} (calls the adaptive limit dropped), {@code workerFailures}.
     *
     * @return the status; never null
     */
    public ComponentStatus status() {
        int alive = 0;
        for (Worker w : workers) {
            Thread t = w.thread;
            if (t != null && t.isAlive()) {
                alive++;
            }
        }
        AdaptiveLimit l = limit;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("threads", workers.length);
        details.put("workers", alive);
        details.put("inFlight", inFlight.get());
        details.put("limit", l == null ? maxInFlight : l.limit());
        details.put("shedByLimit", shedByLimit.get());
        details.put("workerFailures", workerFailures.get());
        TelemetryQueue q = telemetry;
        if (q != null) {
            details.put("telemetryDelivered", q.delivered());
            details.put("telemetryDropped", q.dropped());
            details.put("telemetryFailures", q.failures());
        }
        String failure = lastWorkerFailure;
        if (!closed && (alive < workers.length || failure != null)) {
            return ComponentStatus.degraded(alive + " of " + workers.length
                    + " shadow workers running" + (failure == null ? "" : "; last: " + failure),
                    details);
        }
        return ComponentStatus.up(details);
    }

    /** @return shadow executions the telemetry queue dropped (full, or after close); 0 without */
    public long telemetryDropped() {
        TelemetryQueue q = telemetry;
        return q == null ? 0 : q.dropped();
    }

    /** @return failures of the telemetry sink (record and close); 0 without telemetry */
    public long telemetryFailures() {
        TelemetryQueue q = telemetry;
        return q == null ? 0 : q.failures();
    }

    /** @return shadow executions the telemetry sink accepted; 0 without telemetry */
    public long telemetryDelivered() {
        TelemetryQueue q = telemetry;
        return q == null ? 0 : q.delivered();
    }

    /** @return calls the adaptive limit dropped */
    public long shedByLimit() {
        return shedByLimit.get();
    }

    /**
     * @return shadow worker threads still alive although {@link #close()} gave up waiting for
     *     them (calls that ignore interruption); 0 before that, and falls as they end
     */
    public int stragglers() {
        if (!closeWaitExpired) {
            return 0;
        }
        int n = 0;
        for (Worker w : workers) {
            Thread t = w.thread;
            if (t != null && t.isAlive()) {
                n++;
            }
        }
        return n;
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
        wakeAll(); // idle workers see closed, drain the queue and end
        try {
            if (!awaitWorkers(System.nanoTime() + half)) {
                abandoned = true;
                int left = drain();
                if (left > 0) {
                    LOG.warn("Release Router: {} queued shadow calls dropped at close", left);
                }
                interruptWorkers();
                awaitWorkers(System.nanoTime() + half);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            abandoned = true;
            interruptWorkers();
        }
        stopped = true;
        drain(); // calls published while the workers ended
        LockSupport.unpark(watchdog);
        try {
            watchdog.join(1_000); // it ends at once: it only parks and scans
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (!allEnded()) {
            closeWaitExpired = true;
            reportStragglers();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        closeStore();
        TelemetryQueue q = telemetry;
        if (q != null) {
            q.close(Math.max(1, settings.closeTimeout().toNanos() / 2));
        }
    }

    /** @return whether every worker ended by the deadline ({@link System#nanoTime()}) */
    private boolean awaitWorkers(long deadline) throws InterruptedException {
        for (Worker w : workers) {
            Thread t = w.thread;
            if (t == null) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return allEnded();
            }
            TimeUnit.NANOSECONDS.timedJoin(t, left);
        }
        return allEnded();
    }

    private boolean allEnded() {
        for (Worker w : workers) {
            Thread t = w.thread;
            if (t != null && t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    private void interruptWorkers() {
        for (Worker w : workers) {
            Thread t = w.thread;
            if (t != null && t.isAlive()) {
                try {
                    t.interrupt();
                } catch (Throwable e) {
                    internalErrors.incrementAndGet(); // e.g. a security manager refused
                }
            }
        }
    }

    private void reportStragglers() {
        List<String> names = new ArrayList<>();
        for (Worker w : workers) {
            Thread t = w.thread;
            if (t != null && t.isAlive()) {
                names.add(t.getName());
            }
        }
        Collections.sort(names);
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

package dev.releaserouter.core.shadow;

import dev.releaserouter.api.shadow.PairStore;
import dev.releaserouter.api.shadow.PairMasker;
import dev.releaserouter.api.shadow.ShadowTelemetrySink;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * How shadow calls run: the router-owned executor (bulkhead threads, bounded queue), the hard
 * timeout, the circuit breaker, and where PII-free pairs go. Immutable; see {@link #builder()}.
 *
 * <p>Defaults: {@link #defaultThreads()} threads (the cores the machine can spare: one less
 * than it has, at least 1), a queue of 256, a 5-second timeout (seed 002's V2_TIMEOUT_MS), a
 * breaker that opens for 30 s when at least half of the last 20 calls (and at least 10) failed or
 * timed out, the adaptive limit on with a caller-latency tolerance of 1.5, no pair store, and
 * {@code close()} waiting at most 5 s for shadow threads.
 */
public final class ShadowSettings {

    /** The defaults. */
    public static final ShadowSettings DEFAULTS = builder().build();

    private final int threads;
    private final int queueCapacity;
    private final Duration timeout;
    private final int breakerWindow;
    private final int breakerMinimumCalls;
    private final double breakerFailureRate;
    private final Duration breakerOpenFor;
    private final @Nullable PairStore pairStore;
    private final @Nullable PairMasker masker;
    private final LongSupplier ticker;
    private final @Nullable ThreadFactory threadFactory;
    private final Duration closeTimeout;
    private final boolean adaptiveLimit;
    private final double callerLatencyTolerance;
    private final @Nullable ShadowTelemetrySink telemetrySink;
    private final @Nullable PairMasker telemetryMasker;
    private final int telemetryQueueCapacity;

    private ShadowSettings(Builder b) {
        this.threads = b.threads;
        this.queueCapacity = b.queueCapacity;
        this.timeout = b.timeout;
        this.breakerWindow = b.breakerWindow;
        this.breakerMinimumCalls = b.breakerMinimumCalls;
        this.breakerFailureRate = b.breakerFailureRate;
        this.breakerOpenFor = b.breakerOpenFor;
        this.pairStore = b.pairStore;
        this.masker = b.masker;
        this.ticker = b.ticker;
        this.threadFactory = b.threadFactory;
        this.closeTimeout = b.closeTimeout;
        this.adaptiveLimit = b.adaptiveLimit;
        this.callerLatencyTolerance = b.callerLatencyTolerance;
        this.telemetrySink = b.telemetrySink;
        this.telemetryMasker = b.telemetryMasker;
        this.telemetryQueueCapacity = b.telemetryQueueCapacity;
    }

    /** @return where per-call shadow telemetry goes, or null for none */
    public @Nullable ShadowTelemetrySink telemetrySink() {
        return telemetrySink;
    }

    /** @return the masker that hashes and masks telemetry fields, or null without telemetry */
    public @Nullable PairMasker telemetryMasker() {
        return telemetryMasker;
    }

    /** @return executions that may wait for the telemetry sink; more are dropped and counted */
    public int telemetryQueueCapacity() {
        return telemetryQueueCapacity;
    }

    /**
     * The default number of shadow threads: what the machine can spare for work nobody waits
     * for, one less than {@link Runtime#availableProcessors()} (which honours container CPU
     * limits), at least 1. Shadow workers that outnumber the cores compete with the request
     * threads for CPU, and the callers feel it at the tail.
     *
     * @return {@code max(1, availableProcessors - 1)}, read on every call
     */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the most shadow calls running at once (bulkhead) */
    public int threads() {
        return threads;
    }

    /** @return the most shadow calls waiting; beyond it calls are dropped */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** @return the hard timeout of one shadow call */
    public Duration timeout() {
        return timeout;
    }

    /** @return how many recent calls the breaker looks at */
    public int breakerWindow() {
        return breakerWindow;
    }

    /** @return the fewest calls in the window before the breaker may open */
    public int breakerMinimumCalls() {
        return breakerMinimumCalls;
    }

    /** @return the failure (error, timeout, invalid output) rate that opens the breaker */
    public double breakerFailureRate() {
        return breakerFailureRate;
    }

    /** @return how long the breaker stays open before one trial call */
    public Duration breakerOpenFor() {
        return breakerOpenFor;
    }

    /** @return where masked pairs go, or null to keep none */
    public @Nullable PairStore pairStore() {
        return pairStore;
    }

    /** @return the masker applied before a pair is stored, or null when there is no store */
    public @Nullable PairMasker masker() {
        return masker;
    }

    /** @return the nanosecond ticker for latencies and the breaker */
    public LongSupplier ticker() {
        return ticker;
    }

    /**
     * @return the factory of the shadow worker threads, or null for the default (daemon platform
     *     threads named {@code release-router-shadow-<n>})
     */
    public @Nullable ThreadFactory threadFactory() {
        return threadFactory;
    }

    /**
     * @return the longest the router's {@code close()} waits for shadow threads: the first half
     *     for queued and running calls to finish, the second for interrupted ones to stop
     */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /**
     * @return whether the adaptive limit sheds shadow calls when the callers' own latency rises
     *     (see {@link Builder#adaptiveLimit(boolean)})
     */
    public boolean adaptiveLimit() {
        return adaptiveLimit;
    }

    /**
     * @return how many times its recent baseline the callers' mean latency may reach before the
     *     adaptive limit sheds shadow calls
     */
    public double callerLatencyTolerance() {
        return callerLatencyTolerance;
    }

    /** Builds {@link ShadowSettings}. Not thread-safe. */
    public static final class Builder {
        private int threads = defaultThreads();
        private int queueCapacity = 256;
        private Duration timeout = Duration.ofSeconds(5);
        private int breakerWindow = 20;
        private int breakerMinimumCalls = 10;
        private double breakerFailureRate = 0.5;
        private Duration breakerOpenFor = Duration.ofSeconds(30);
        private @Nullable PairStore pairStore;
        private @Nullable PairMasker masker;
        private LongSupplier ticker = System::nanoTime;
        private @Nullable ThreadFactory threadFactory;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private boolean adaptiveLimit = true;
        private double callerLatencyTolerance = 1.5;
        private @Nullable ShadowTelemetrySink telemetrySink;
        private @Nullable PairMasker telemetryMasker;
        private int telemetryQueueCapacity = 10_000;

        private Builder() {}

        /**
         * @param threads the most shadow calls at once, 1 to 1024; default
         *     {@link ShadowSettings#defaultThreads()}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 1024) {
                throw new IllegalArgumentException(
                        "threads must be between 1 and 1024, but was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * @param capacity the most queued calls, 0 (no queue: drop when all threads are busy) to
         *     1,000,000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder queueCapacity(int capacity) {
            if (capacity < 0 || capacity > 1_000_000) {
                throw new IllegalArgumentException(
                        "queueCapacity must be between 0 and 1000000, but was " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * @param timeout the hard limit of one shadow call; it is interrupted after it
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /**
         * Circuit breaker: opens for {@code openFor} when at least {@code minimumCalls} of the
         * last {@code window} calls were made and {@code failureRate} of them failed.
         *
         * @param window calls looked at, 1 to 1000
         * @param minimumCalls calls needed before it may open, 1 to window
         * @param failureRate in (0, 1]
         * @param openFor how long it stays open before a trial call
         * @return this builder
         * @throws IllegalArgumentException if a value is out of range
         */
        public Builder circuitBreaker(int window, int minimumCalls, double failureRate,
                Duration openFor) {
            if (window < 1 || window > 1000) {
                throw new IllegalArgumentException(
                        "breaker window must be between 1 and 1000, but was " + window);
            }
            if (minimumCalls < 1 || minimumCalls > window) {
                throw new IllegalArgumentException("breaker minimumCalls must be between 1 and "
                        + window + ", but was " + minimumCalls);
            }
            if (!(failureRate > 0 && failureRate <= 1)) {
                throw new IllegalArgumentException(
                        "breaker failureRate must be in (0, 1], but was " + failureRate);
            }
            this.breakerWindow = window;
            this.breakerMinimumCalls = minimumCalls;
            this.breakerFailureRate = failureRate;
            this.breakerOpenFor = positive(openFor, "openFor");
            return this;
        }

        /**
         * Stores a masked pair for every shadow call that ran.
         *
         * @param store the store; the router closes it on close
         * @param masker masks inputs and outputs and hashes entity keys before storing (e.g.
         *     {@code Masker})
         * @return this builder
         */
        public Builder pairStore(PairStore store, PairMasker masker) {
            this.pairStore = Objects.requireNonNull(store, "store");
            this.masker = Objects.requireNonNull(masker, "masker");
            return this;
        }

        /**
         * Sends seed 002's structured telemetry of every shadow call that ran
         * ({@code event_type=shadow_v2_execution}) to a sink, through a bounded queue and one
         * delivery thread: never on a request thread or a shadow worker.
         *
         * @param sink the sink (e.g. {@link Slf4jShadowTelemetrySink}); the router closes it on
         *     close
         * @param masker hashes the session and the message and masks the outputs written as
         *     targets (e.g. {@code Masker}): nothing raw is sent
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder telemetry(ShadowTelemetrySink sink, PairMasker masker) {
            this.telemetrySink = Objects.requireNonNull(sink, "sink");
            this.telemetryMasker = Objects.requireNonNull(masker, "masker");
            return this;
        }

        /**
         * @param capacity executions that may wait for the telemetry sink, 1 to 1,000,000;
         *     default 10,000; when full, an execution is dropped and counted
         * @return this builder
         * @throws IllegalArgumentException if capacity is out of range
         */
        public Builder telemetryQueueCapacity(int capacity) {
            if (capacity < 1 || capacity > 1_000_000) {
                throw new IllegalArgumentException("telemetryQueueCapacity must be between 1 and"
                        + " 1000000, but was " + capacity);
            }
            this.telemetryQueueCapacity = capacity;
            return this;
        }

        /**
         * @param ticker nanosecond time source (inject a manual one in tests)
         * @return this builder
         */
        public Builder ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Sets the factory of the shadow worker threads. The bulkhead, queue and timeout are
         * unchanged: at most {@link #threads(int)} of them run at once. On Java 21 and later,
         * virtual threads may be used:
         * {@code threadFactory(Thread.ofVirtual().name("release-router-shadow-", 1).factory())}.
         * The default (Java 17) makes daemon platform threads named
         * {@code release-router-shadow-<n>}. The timeout timer always uses its own daemon
         * platform thread.
         *
         * @param factory makes the worker threads; a thread it returns that is not a daemon
         *     thread is made one, so that a candidate that ignores interruption can never keep
         *     the JVM alive
         * @return this builder
         * @throws NullPointerException if factory is null
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Bounds how long the router's {@code close()} waits for shadow threads. It stops
         * accepting calls and gives queued and running ones the first half of this time to
         * finish; then it drops (and counts) the calls still queued, interrupts the running ones
         * and waits up to the second half for them to stop. Threads still alive after that (a
         * candidate that ignores interruption) are reported in one WARN log line and in
         * {@code RouterStatus.shadowStragglers()}; they are daemon threads and end when their
         * call returns.
         *
         * @param closeTimeout the longest wait, 1 ms to 10 minutes; default 5 s
         * @return this builder
         * @throws IllegalArgumentException if out of range
         * @throws NullPointerException if closeTimeout is null
         */
        public Builder closeTimeout(Duration closeTimeout) {
            positive(closeTimeout, "closeTimeout");
            if (closeTimeout.compareTo(Duration.ofMillis(1)) < 0
                    || closeTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException(
                        "closeTimeout must be between 1 ms and 10 minutes, but was "
                                + closeTimeout);
            }
            this.closeTimeout = closeTimeout;
            return this;
        }

        /**
         * Turns the adaptive limit on (the default) or off. While it is on, the runner watches
         * the callers' own latency (the served version's call that {@code route} times, or the
         * {@code primaryNanos} given to {@code shadow}) in windows of at least 100 ms and 64
         * sampled calls (about one call in 16 is sampled), and limits the shadow calls in
         * flight (queued and running): a window whose mean exceeds
         * {@link #callerLatencyTolerance(double) the tolerance} times the baseline (the lowest
         * window mean of the last 50 windows) halves the limit, down to 0; any other window
         * raises it by a quarter (at least 1), up to {@code threads + queueCapacity}. A sample
         * counts at most 10 times the baseline, so one pause (a GC) cannot shed by itself.
         * Calls it sheds are {@code DROPPED}, like a full queue, and counted apart in the
         * {@code shadow} status component ({@code shedByLimit}). Off, only the threads and the
         * queue bound shadow work.
         *
         * @param on whether to adapt
         * @return this builder
         */
        public Builder adaptiveLimit(boolean on) {
            this.adaptiveLimit = on;
            return this;
        }

        /**
         * @param tolerance how many times its baseline the callers' mean latency in a window may
         *     be before the adaptive limit sheds shadow calls, 1.05 to 100; default 1.5
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder callerLatencyTolerance(double tolerance) {
            if (!(tolerance >= 1.05 && tolerance <= 100)) {
                throw new IllegalArgumentException(
                        "callerLatencyTolerance must be between 1.05 and 100, but was "
                                + tolerance);
            }
            this.callerLatencyTolerance = tolerance;
            return this;
        }

        /** @return the settings */
        public ShadowSettings build() {
            return new ShadowSettings(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, but was " + d);
            }
            return d;
        }
    }
}

package dev.releaserouter.core.shadow.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How many shadow calls may be in flight (queued and running), adapted to the callers' own
 * latency: shadow work is shed when the callers get slower than they were.
 *
 * <p>Policy (documented in docs/shadow.md, "Adaptive limit"):
 * <ul>
 *   <li>The callers' latency (the served version's call time) is sampled on about one call in
 *       {@code sampleEvery}; a window closes when it holds at least {@link #MIN_SAMPLES}
 *       samples and lasted at least the window time.
 *   <li>The baseline is the lowest window mean of the last {@link #HISTORY} windows. A sample
 *       counts at most {@link #CAP} times the baseline, so one long pause (a GC, a preempted
 *       thread) cannot shed by itself.
 *   <li>A window whose mean exceeds {@code tolerance} times the baseline halves the limit (down
 *       to 0); any other window raises it by a quarter, at least 1, up to the maximum. The first
 *       window only sets the baseline.
 *   <li>When the callers stay slow with nothing left to shed, the slow windows become the
 *       baseline after {@link #HISTORY} windows (the slowness was not the shadows'), and the
 *       limit grows back.
 * </ul>
 *
 * <p>Design: the request path ({@link #record}) draws a thread-local random number and, on a
 * sampled call, adds to two atomic counters; it never locks or allocates. One thread at a time
 * (whichever sampled caller finds the window over, by a CAS on {@link #closing}) closes a
 * window: it takes the counters, updates the history and the baseline (guarded by the CAS) and
 * publishes the new limit with one volatile write. Samples that land while a window closes may
 * count in the next one: harmless for a mean over many samples. Time comes from an injected
 * ticker, so tests drive windows without sleeping.
 */
final class AdaptiveLimit {

    /** The fewest samples a window needs before it closes. */
    static final int MIN_SAMPLES = 64;
    /** Windows whose lowest mean is the baseline. */
    static final int HISTORY = 50;
    /** A sample counts at most this many times the baseline. */
    static final long CAP = 10;
    /** The least time a window lasts, in ticker nanoseconds. */
    static final long WINDOW_NANOS = 100_000_000L;
    /** About one call in this many is sampled on the request path. */
    static final int SAMPLE_EVERY = 16;

    private final int max;
    private final double tolerance;
    private final long windowNanos;
    private final int sampleEvery;
    private final LongSupplier ticker;
    private final AtomicLong sum = new AtomicLong();
    private final AtomicLong count = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicLong shrinks = new AtomicLong();
    private volatile int limit;
    private volatile long windowStart;
    /** 0 until the first window closed, then the lowest mean of {@link #history}, at least 1. */
    private volatile long baseline;
    // Guarded by closing.
    private final long[] history = new long[HISTORY];
    private int historySize;
    private int historyNext;

    /**
     * @param max the most calls in flight (threads plus queue capacity)
     * @param tolerance a window slower than this many times the baseline halves the limit
     * @param windowNanos the least time a window lasts
     * @param sampleEvery about one call in this many is sampled (1: every call)
     * @param ticker the nanosecond time source
     */
    AdaptiveLimit(int max, double tolerance, long windowNanos, int sampleEvery,
            LongSupplier ticker) {
        this.max = max;
        this.tolerance = tolerance;
        this.windowNanos = windowNanos;
        this.sampleEvery = sampleEvery;
        this.ticker = ticker;
        this.limit = max;
        this.windowStart = ticker.getAsLong();
    }

    /** @return how many shadow calls may be in flight now, 0 to the maximum */
    int limit() {
        return limit;
    }

    /** @return the baseline in nanoseconds, or 0 before the first window closed */
    long baseline() {
        return baseline;
    }

    /** @return how many windows halved the limit */
    long shrinks() {
        return shrinks.get();
    }

    /**
     * Takes one caller's latency into account (maybe: about one call in {@code sampleEvery}).
     * Lock-free and allocation-free; never throws.
     *
     * @param callerNanos the served version's call time, not negative
     */
    void record(long callerNanos) {
        if (sampleEvery > 1 && ThreadLocalRandom.current().nextInt(sampleEvery) != 0) {
            return;
        }
        long b = baseline;
        long sample = b > 0 && callerNanos > CAP * b ? CAP * b : callerNanos;
        sum.addAndGet(sample);
        if (count.incrementAndGet() < MIN_SAMPLES) {
            return;
        }
        long now = ticker.getAsLong();
        if (now - windowStart >= windowNanos && closing.compareAndSet(false, true)) {
            try {
                if (now - windowStart >= windowNanos) { // not closed meanwhile
                    close(now);
                }
            } finally {
                closing.set(false);
            }
        }
    }

    private void close(long now) {
        long n = count.getAndSet(0);
        long s = sum.getAndSet(0);
        windowStart = now;
        if (n <= 0) {
            return;
        }
        long mean = Math.max(1, s / n);
        long b = baseline;
        if (b > 0) {
            int current = limit;
            if (mean > tolerance * b) {
                limit = current / 2;
                shrinks.incrementAndGet();
            } else {
                limit = (int) Math.min(max, (long) current + Math.max(1, current / 4));
            }
        }
        history[historyNext] = mean;
        historyNext = (historyNext + 1) % HISTORY;
        historySize = Math.min(HISTORY, historySize + 1);
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < historySize; i++) {
            lowest = Math.min(lowest, history[i]);
        }
        baseline = lowest;
    }
}

package dev.releaserouter.samples.quickstart;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the demo moves by hand, so that forty minutes of rollout take milliseconds and every
 * run prints the same timeline. The router, the measurements and the rollout controller all read
 * it. Not thread-safe: the demo drives it from one thread.
 */
final class SimulatedClock extends Clock {

    private Instant now;
    private long nanos;

    SimulatedClock(Instant start) {
        this.now = start;
    }

    /** Moves wall time (the next request arrives) and the ticker with it. */
    void advance(Duration d) {
        now = now.plus(d);
        nanos += d.toNanos();
    }

    /**
     * A simulated model call "takes" its latency: the ticker the router times calls with moves
     * on, wall time does not (requests keep arriving on schedule).
     */
    void take(Duration d) {
        nanos += d.toNanos();
    }

    /** The simulated {@code System.nanoTime()}: the router's ticker. */
    long nanoTime() {
        return nanos;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public long millis() {
        return now.toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the demo clock is always UTC");
    }
}

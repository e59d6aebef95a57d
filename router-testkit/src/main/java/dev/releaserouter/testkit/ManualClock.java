package dev.releaserouter.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that moves only when a test moves it: inject it with
 * {@code ReleaseRouter.builder().clock(clock)} (budget windows, audit timestamps) or into your own
 * code, then {@link #advance(Duration)} instead of sleeping.
 *
 * <p>Thread-safe: the instant is held in an atomic reference, so readers on other threads always
 * see a value that was set, and concurrent {@code advance} calls all take effect. Clocks obtained
 * with {@link #withZone(ZoneId)} share this clock's instant: advancing one advances all of them.
 */
public final class ManualClock extends Clock {

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * A clock at the given instant, in UTC.
     *
     * @param start the initial instant
     * @return a new clock
     * @throws NullPointerException if {@code start} is null
     */
    public static ManualClock at(Instant start) {
        return new ManualClock(new AtomicReference<>(Objects.requireNonNull(start, "start")),
                ZoneOffset.UTC);
    }

    /**
     * A clock at {@code 2026-01-01T00:00:00Z}, in UTC: a fixed, recognisable start for tests.
     *
     * @return a new clock
     */
    public static ManualClock create() {
        return at(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /**
     * Moves the clock forward (or, with a negative duration, back).
     *
     * @param duration how far to move
     * @return the new instant
     * @throws NullPointerException if {@code duration} is null
     * @throws java.time.DateTimeException if the result is outside the supported instants
     */
    public Instant advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        return now.updateAndGet(i -> i.plus(duration));
    }

    /**
     * Moves the clock forward by a number of milliseconds.
     *
     * @param millis how far to move, may be negative
     * @return the new instant
     */
    public Instant advanceMillis(long millis) {
        return advance(Duration.ofMillis(millis));
    }

    /**
     * Sets the clock to an instant, which may be before the current one.
     *
     * @param instant the new instant
     * @throws NullPointerException if {@code instant} is null
     */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    /** @return the current instant of this clock */
    @Override
    public Instant instant() {
        return now.get();
    }

    /** @return the current instant in milliseconds since the epoch */
    @Override
    public long millis() {
        return now.get().toEpochMilli();
    }

    /** @return the zone of this view of the clock */
    @Override
    public ZoneId getZone() {
        return zone;
    }

    /**
     * A view of this clock in another zone, sharing the same instant.
     *
     * @param zone the zone
     * @return a clock that moves with this one
     * @throws NullPointerException if {@code zone} is null
     */
    @Override
    public ManualClock withZone(ZoneId zone) {
        return new ManualClock(now, Objects.requireNonNull(zone, "zone"));
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + ", " + zone + "]";
    }
}

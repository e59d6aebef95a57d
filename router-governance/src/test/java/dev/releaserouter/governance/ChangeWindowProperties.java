package dev.releaserouter.governance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** Invariants of time-of-day windows, in zones with and without daylight saving time. */
class ChangeWindowProperties {

    @Provide
    Arbitrary<LocalTime> times() {
        return Arbitraries.integers().between(0, 24 * 60 - 1)
                .map(m -> LocalTime.of(m / 60, m % 60));
    }

    @Provide
    Arbitrary<ZoneId> zones() {
        return Arbitraries.of("UTC", "America/Sao_Paulo", "Europe/Berlin", "America/New_York",
                "Asia/Kolkata").map(ZoneId::of);
    }

    /** A daily window from a to b and the one from b to a split every instant between them. */
    @Property(tries = 500)
    void aWindowAndItsComplement_coverEveryInstantExactlyOnce(
            @ForAll("times") LocalTime a, @ForAll("times") LocalTime b,
            @ForAll("zones") ZoneId zone,
            @ForAll @LongRange(min = 1_700_000_000L, max = 1_900_000_000L) long epochSecond) {
        if (a.equals(b)) {
            return;
        }
        Instant t = Instant.ofEpochSecond(epochSecond);
        boolean in = ChangeWindow.daily("w", a, b, zone).covers(t);
        boolean out = ChangeWindow.daily("c", b, a, zone).covers(t);
        assertThat(in ^ out).isTrue();
        assertThat(in).isEqualTo(FreezeWindow.daily("w", a, b, zone).covers(t));
    }

    /** A calendar with a change window blocks exactly the instants the window does not cover. */
    @Property(tries = 300)
    void aCalendarBlocksExactlyOutsideItsChangeWindow(
            @ForAll("times") LocalTime a, @ForAll("times") LocalTime b,
            @ForAll("zones") ZoneId zone,
            @ForAll @LongRange(min = 1_700_000_000L, max = 1_900_000_000L) long epochSecond) {
        if (a.equals(b)) {
            return;
        }
        Instant t = Instant.ofEpochSecond(epochSecond);
        ChangeWindow w = ChangeWindow.daily("off-peak", a, b, zone);
        ChangeCalendar c = ChangeCalendar.NONE.withChangeWindows(w);
        assertThat(c.blockedAt(t).isPresent()).isEqualTo(!w.covers(t));
        assertThat(c.frozenAt(t).isPresent()).isEqualTo(!w.covers(t));
    }
}

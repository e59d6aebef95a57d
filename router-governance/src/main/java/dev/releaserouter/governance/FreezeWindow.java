package dev.releaserouter.governance;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Set;

/**
 * A period in which normal and standard changes are frozen (seed 004 section 9: month-end close,
 * holidays, peak hours). Immutable and thread-safe.
 */
public abstract class FreezeWindow {

    private final String name;

    private FreezeWindow(String name) {
        this.name = ReleaseGovernance.requireText(name, "name");
    }

    /** @return the window's name, e.g. {@code month-end close} */
    public final String name() {
        return name;
    }

    /**
     * @param t an instant
     * @return whether changes are frozen at t
     */
    public abstract boolean covers(Instant t);

    /**
     * A one-off window, e.g. a product launch.
     *
     * @param name the name
     * @param from start, inclusive
     * @param until end, exclusive
     * @return the window
     * @throws IllegalArgumentException if until is not after from
     */
    public static FreezeWindow between(String name, Instant from, Instant until) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        if (!until.isAfter(from)) {
            throw new IllegalArgumentException("until must be after from, but was " + until
                    + " <= " + from);
        }
        return new FreezeWindow(name) {
            @Override
            public boolean covers(Instant t) {
                return !t.isBefore(from) && t.isBefore(until);
            }

            @Override
            public String toString() {
                return name + " [" + from + ", " + until + ")";
            }
        };
    }

    /**
     * The last days of every month and the first days of the next (the accounting close).
     *
     * @param name the name
     * @param lastDays how many days at the end of each month, 0 to 15
     * @param firstDays how many days at the start of each month, 0 to 15
     * @param zone the time zone the days are counted in
     * @return the window
     * @throws IllegalArgumentException if a day count is out of range, or both are 0
     */
    public static FreezeWindow monthEnd(String name, int lastDays, int firstDays, ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        if (lastDays < 0 || lastDays > 15 || firstDays < 0 || firstDays > 15
                || lastDays + firstDays == 0) {
            throw new IllegalArgumentException("lastDays and firstDays must be 0 to 15 and not "
                    + "both 0, but were " + lastDays + " and " + firstDays);
        }
        return new FreezeWindow(name) {
            @Override
            public boolean covers(Instant t) {
                LocalDate d = t.atZone(zone).toLocalDate();
                int fromEnd = YearMonth.from(d).lengthOfMonth() - d.getDayOfMonth();
                return fromEnd < lastDays || d.getDayOfMonth() <= firstDays;
            }

            @Override
            public String toString() {
                return name + " (last " + lastDays + " and first " + firstDays
                        + " days of each month, " + zone + ")";
            }
        };
    }

    /**
     * Whole days, e.g. holidays.
     *
     * @param name the name
     * @param days the days
     * @param zone the time zone the days are in
     * @return the window
     */
    public static FreezeWindow days(String name, Set<LocalDate> days, ZoneId zone) {
        Set<LocalDate> copy = Set.copyOf(days);
        Objects.requireNonNull(zone, "zone");
        return new FreezeWindow(name) {
            @Override
            public boolean covers(Instant t) {
                return copy.contains(t.atZone(zone).toLocalDate());
            }

            @Override
            public String toString() {
                return name + " " + copy;
            }
        };
    }

    /**
     * Recurring days of the week, e.g. weekends.
     *
     * @param name the name
     * @param daysOfWeek the days
     * @param zone the time zone
     * @return the window
     */
    public static FreezeWindow weekly(String name, Set<DayOfWeek> daysOfWeek, ZoneId zone) {
        Set<DayOfWeek> copy = Set.copyOf(daysOfWeek);
        Objects.requireNonNull(zone, "zone");
        return new FreezeWindow(name) {
            @Override
            public boolean covers(Instant t) {
                ZonedDateTime z = t.atZone(zone);
                return copy.contains(z.getDayOfWeek());
            }

            @Override
            public String toString() {
                return name + " " + copy;
            }
        };
    }

    /**
     * A recurring time of day, every day, e.g. the peak hours 09:00 to 18:00 (seed 004 section
     * 9: production changes off-peak only). A window whose end is before its start wraps past
     * midnight.
     *
     * @param name the name, e.g. {@code peak hours}
     * @param from start, inclusive (local time in the zone)
     * @param until end, exclusive
     * @param zone the time zone the times are in
     * @return the window
     * @throws IllegalArgumentException if from equals until
     */
    public static FreezeWindow daily(String name, LocalTime from, LocalTime until, ZoneId zone) {
        ChangeWindow hours = ChangeWindow.daily(name, from, until, zone);
        return new FreezeWindow(name) {
            @Override
            public boolean covers(Instant t) {
                return hours.covers(t);
            }

            @Override
            public String toString() {
                return hours.toString();
            }
        };
    }
}

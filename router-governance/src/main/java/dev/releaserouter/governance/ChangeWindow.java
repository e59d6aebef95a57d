package dev.releaserouter.governance;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A recurring time of day in which production changes are allowed (seed 004 section 9: changes
 * only off-peak), e.g. 22:00 to 06:00 in {@code America/Sao_Paulo}. A window whose end is before
 * its start wraps past midnight; its days are the days it starts on. Give windows to a
 * {@link ChangeCalendar} with {@link ChangeCalendar#withChangeWindows}: forward changes outside
 * every window are then refused like changes in a freeze. Immutable and thread-safe.
 */
public final class ChangeWindow {

    private final String name;
    private final LocalTime from;
    private final LocalTime until;
    private final Set<DayOfWeek> days;
    private final ZoneId zone;

    private ChangeWindow(String name, LocalTime from, LocalTime until, Set<DayOfWeek> days,
            ZoneId zone) {
        this.name = ReleaseGovernance.requireText(name, "name");
        this.from = Objects.requireNonNull(from, "from");
        this.until = Objects.requireNonNull(until, "until");
        Objects.requireNonNull(days, "days");
        if (days.isEmpty()) {
            throw new IllegalArgumentException("change window '" + name + "' needs at least one "
                    + "day, but days was empty");
        }
        if (from.equals(until)) {
            throw new IllegalArgumentException("change window '" + name + "': from and until "
                    + "must differ, but both were " + from);
        }
        this.days = Set.copyOf(days);
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /**
     * Every day, from one time of day to another.
     *
     * @param name the name, e.g. {@code off-peak}
     * @param from start, inclusive (local time in the zone)
     * @param until end, exclusive; before {@code from} to wrap past midnight
     * @param zone the time zone the times are in
     * @return the window
     * @throws IllegalArgumentException if from equals until
     */
    public static ChangeWindow daily(String name, LocalTime from, LocalTime until, ZoneId zone) {
        return new ChangeWindow(name, from, until, EnumSet.allOf(DayOfWeek.class), zone);
    }

    /**
     * On some days of the week, from one time of day to another.
     *
     * @param name the name
     * @param days the days the window starts on
     * @param from start, inclusive
     * @param until end, exclusive; before {@code from} to wrap past midnight
     * @param zone the time zone
     * @return the window
     * @throws IllegalArgumentException if days is empty or from equals until
     */
    public static ChangeWindow weekly(String name, Set<DayOfWeek> days, LocalTime from,
            LocalTime until, ZoneId zone) {
        return new ChangeWindow(name, from, until, days, zone);
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /**
     * @param t an instant
     * @return whether changes are allowed at t by this window
     */
    public boolean covers(Instant t) {
        ZonedDateTime z = t.atZone(zone);
        LocalTime time = z.toLocalTime();
        if (from.isBefore(until)) {
            return days.contains(z.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(until);
        }
        // Wraps past midnight: the evening part belongs to today, the morning part to the
        // window that started yesterday.
        return (!time.isBefore(from) && days.contains(z.getDayOfWeek()))
                || (time.isBefore(until) && days.contains(z.getDayOfWeek().minus(1)));
    }

    @Override
    public String toString() {
        return name + " " + from + "-" + until + " " + zone
                + (days.size() == 7 ? "" : " " + new java.util.TreeSet<>(days));
    }
}

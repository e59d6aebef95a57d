package dev.releaserouter.governance;

import dev.releaserouter.rollout.ChangeGuard;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The freeze windows and the change windows in force (seed 004 section 9). Forward changes (a
 * promotion, an alias moved to a newer version, a rollout stage advanced) of type
 * {@link dev.releaserouter.rollout.ChangeType#STANDARD} or
 * {@link dev.releaserouter.rollout.ChangeType#NORMAL} are refused inside a freeze window and,
 * when change windows are given ({@link #withChangeWindows}: off-peak hours), outside every
 * change window. Backouts (rollback, revocation, abort) are always allowed;
 * {@link dev.releaserouter.rollout.ChangeType#EMERGENCY} changes then need an executive approver
 * ({@link ReleaseGovernance}). Immutable and thread-safe.
 */
public final class ChangeCalendar implements ChangeGuard {

    /** No freeze windows, no change windows: changes may happen at any time. */
    public static final ChangeCalendar NONE = new ChangeCalendar(List.of(), List.of());

    private final List<FreezeWindow> windows;
    private final List<ChangeWindow> changeWindows;

    private ChangeCalendar(List<FreezeWindow> windows, List<ChangeWindow> changeWindows) {
        this.windows = windows;
        this.changeWindows = changeWindows;
    }

    /**
     * @param windows the freeze windows
     * @return the calendar, without change windows (changes allowed whenever not frozen)
     * @throws NullPointerException if windows or one of them is null
     */
    public static ChangeCalendar of(FreezeWindow... windows) {
        return new ChangeCalendar(List.of(windows), List.of());
    }

    /**
     * @param allowed the windows in which forward changes are allowed (e.g. off-peak hours);
     *     outside all of them forward changes are refused as in a freeze. Replaces the
     *     calendar's change windows; none means no restriction
     * @return a calendar with these freeze windows and these change windows
     * @throws NullPointerException if allowed or one of them is null
     */
    public ChangeCalendar withChangeWindows(ChangeWindow... allowed) {
        return new ChangeCalendar(windows, List.of(allowed));
    }

    /** @return the freeze windows */
    public List<FreezeWindow> windows() {
        return windows;
    }

    /** @return the change windows; empty if changes are not restricted to windows */
    public List<ChangeWindow> changeWindows() {
        return changeWindows;
    }

    /**
     * @param t an instant
     * @return the first freeze window covering t, or empty if no freeze window covers t (changes
     *     may still be outside every change window: see {@link #blockedAt})
     */
    public Optional<FreezeWindow> freezeAt(Instant t) {
        Objects.requireNonNull(t, "t");
        for (FreezeWindow w : windows) {
            if (w.covers(t)) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }

    /**
     * @param t an instant
     * @return whether t is inside a change window; true when the calendar has none
     */
    public boolean inChangeWindow(Instant t) {
        Objects.requireNonNull(t, "t");
        if (changeWindows.isEmpty()) {
            return true;
        }
        for (ChangeWindow w : changeWindows) {
            if (w.covers(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param t an instant
     * @return why forward changes are refused at t ({@code freeze window 'month-end close'} or
     *     {@code outside the change windows [off-peak 22:00-06:00 UTC]}), or empty if they may
     *     happen
     */
    public Optional<String> blockedAt(Instant t) {
        Optional<FreezeWindow> f = freezeAt(t);
        if (f.isPresent()) {
            return Optional.of("freeze window '" + f.get().name() + "'");
        }
        if (!inChangeWindow(t)) {
            List<String> names = new ArrayList<>();
            changeWindows.forEach(w -> names.add(w.toString()));
            return Optional.of("outside the change windows " + names);
        }
        return Optional.empty();
    }

    /**
     * What a rollout's {@link ChangeGuard} asks: a stage does not advance at t if this returns a
     * value.
     *
     * @param t an instant
     * @return the name of the first freeze window covering t, or, outside every change window,
     *     {@code outside the change windows [...]}; empty if changes may happen at t
     */
    @Override
    public Optional<String> frozenAt(Instant t) {
        Optional<FreezeWindow> f = freezeAt(t);
        if (f.isPresent()) {
            return Optional.of(f.get().name());
        }
        return blockedAt(t);
    }
}

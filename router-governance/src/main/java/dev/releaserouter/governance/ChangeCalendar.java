package dev.releaserouter.governance;

import dev.releaserouter.rollout.ChangeGuard;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The freeze windows in force. Forward changes (a promotion, an alias moved to a newer version,
 * a rollout stage advanced) of type {@link dev.releaserouter.rollout.ChangeType#STANDARD}
 * or {@link dev.releaserouter.rollout.ChangeType#NORMAL} are refused inside a window;
 * backouts (rollback, revocation, abort) and {@link
 * dev.releaserouter.rollout.ChangeType#EMERGENCY} changes are always allowed. Immutable and
 * thread-safe.
 */
public final class ChangeCalendar implements ChangeGuard {

    /** No freeze windows. */
    public static final ChangeCalendar NONE = new ChangeCalendar(List.of());

    private final List<FreezeWindow> windows;

    private ChangeCalendar(List<FreezeWindow> windows) {
        this.windows = windows;
    }

    /**
     * @param windows the freeze windows
     * @return the calendar
     * @throws NullPointerException if windows or one of them is null
     */
    public static ChangeCalendar of(FreezeWindow... windows) {
        return new ChangeCalendar(List.of(windows));
    }

    /** @return the windows */
    public List<FreezeWindow> windows() {
        return windows;
    }

    /**
     * @param t an instant
     * @return the first window covering t, or empty if changes are not frozen at t
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
     * @return the name of the first window covering t, or empty if changes are not frozen at t
     */
    @Override
    public Optional<String> frozenAt(Instant t) {
        return freezeAt(t).map(FreezeWindow::name);
    }
}

package dev.releaserouter.rollout;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether a forward change (a stage advanced, a promotion) may happen at a given instant. A
 * rollout asks its plan's guard before advancing; inside a freeze a PROCEED holds, and a manual
 * promotion is refused unless it is an {@link ChangeType#EMERGENCY} change. Backouts (rollback,
 * abort) are never guarded.
 *
 * <p>The governance calendar ({@code dev.releaserouter.governance.ChangeCalendar}, freeze
 * windows) implements it. Implementations must be thread-safe and should be cheap: the
 * controller calls it at every checkpoint.
 */
@FunctionalInterface
public interface ChangeGuard {

    /** Never frozen. */
    ChangeGuard NONE = t -> Optional.empty();

    /**
     * @param t an instant
     * @return the name of the freeze in force at t (forward changes other than emergencies are
     *     refused), or empty if changes may happen at t
     */
    Optional<String> frozenAt(Instant t);
}

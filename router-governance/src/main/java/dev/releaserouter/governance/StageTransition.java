package dev.releaserouter.governance;

import dev.releaserouter.api.Stage;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One step of a version's lifecycle, as kept in the registry.
 *
 * @param time when
 * @param actor who made the change
 * @param from the stage before, null when the version was registered
 * @param to the stage after
 * @param reason why
 * @param ticket the change ticket, if any
 */
public record StageTransition(Instant time, String actor, @Nullable Stage from, Stage to,
        String reason, @Nullable String ticket) {

    /** @throws NullPointerException if a required argument is null */
    public StageTransition {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
    }
}

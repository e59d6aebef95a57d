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
 * @param ticket the change ticket's id, if any
 * @param changeTicket the full change ticket handed in with the transition, if any
 */
public record StageTransition(Instant time, String actor, @Nullable Stage from, Stage to,
        String reason, @Nullable String ticket, @Nullable ChangeTicket changeTicket) {

    /** @throws NullPointerException if a required argument is null */
    public StageTransition {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
        if (ticket == null && changeTicket != null) {
            ticket = changeTicket.id();
        }
    }

    /**
     * A transition without a full change ticket.
     *
     * @param time when
     * @param actor who made the change
     * @param from the stage before, null when the version was registered
     * @param to the stage after
     * @param reason why
     * @param ticket the change ticket's id, if any
     * @throws NullPointerException if a required argument is null
     */
    public StageTransition(Instant time, String actor, @Nullable Stage from, Stage to,
            String reason, @Nullable String ticket) {
        this(time, actor, from, to, reason, ticket, null);
    }
}

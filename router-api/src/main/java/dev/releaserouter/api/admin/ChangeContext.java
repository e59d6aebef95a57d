package dev.releaserouter.api.admin;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Who makes a change and why: required by every {@link RouterAdmin} operation and recorded in the
 * audit trail. Immutable.
 */
public final class ChangeContext {

    private final String actor;
    private final String reason;
    private final @Nullable String ticket;

    private ChangeContext(String actor, String reason, @Nullable String ticket) {
        this.actor = actor;
        this.reason = reason;
        this.ticket = ticket;
    }

    /**
     * @param actor who makes the change (a person or a system), non-blank
     * @param reason why, in free text, non-blank
     * @return a context without a ticket
     * @throws IllegalArgumentException if actor or reason is null or blank
     */
    public static ChangeContext of(String actor, String reason) {
        return of(actor, reason, null);
    }

    /**
     * @param actor who makes the change, non-blank
     * @param reason why, non-blank
     * @param ticket a change, incident or ADR id such as {@code CHG-10234}, or null
     * @return a context
     * @throws IllegalArgumentException if actor or reason is null or blank
     */
    public static ChangeContext of(String actor, String reason, @Nullable String ticket) {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("a change needs an actor, but actor was "
                    + (actor == null ? "null" : "blank"));
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a change needs a reason, but reason was "
                    + (reason == null ? "null" : "blank"));
        }
        if (ticket != null && ticket.isBlank()) {
            ticket = null;
        }
        return new ChangeContext(actor.strip(), reason.strip(), ticket);
    }

    /** @return who makes the change */
    public String actor() {
        return actor;
    }

    /** @return why */
    public String reason() {
        return reason;
    }

    /** @return the ticket id, or null */
    public @Nullable String ticket() {
        return ticket;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof ChangeContext)) {
            return false;
        }
        ChangeContext c = (ChangeContext) o;
        return actor.equals(c.actor) && reason.equals(c.reason) && Objects.equals(ticket, c.ticket);
    }

    @Override
    public int hashCode() {
        return Objects.hash(actor, reason, ticket);
    }

    @Override
    public String toString() {
        return "ChangeContext{actor=" + actor + ", reason=" + reason
                + (ticket != null ? ", ticket=" + ticket : "") + "}";
    }
}

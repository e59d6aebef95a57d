package dev.releaserouter.api.audit;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One change to the routing configuration: who, when, what before and after, and why. Immutable.
 *
 * <p>{@code action} is a lowercase dotted name such as {@code weight.set}, {@code kill.on},
 * {@code config.reload}; {@code target} names what changed, e.g. {@code churn/v2}. {@code before}
 * and {@code after} are short JSON texts of the changed values.
 */
public final class AuditEvent {

    private final Instant time;
    private final String actor;
    private final String action;
    private final String target;
    private final @Nullable String before;
    private final @Nullable String after;
    private final String reason;
    private final @Nullable String ticket;
    private final long revision;

    /**
     * @param time when the change was made
     * @param actor who made it (a person, a system, or {@code file:<path>} for reloads)
     * @param action lowercase dotted action name
     * @param target what changed
     * @param before the value before, as JSON text, or null if none
     * @param after the value after, as JSON text, or null if none
     * @param reason why
     * @param ticket change/incident/ADR id, or null
     * @param revision the configuration revision the change produces
     * @throws NullPointerException if a non-null argument is null
     */
    public AuditEvent(
            Instant time,
            String actor,
            String action,
            String target,
            @Nullable String before,
            @Nullable String after,
            String reason,
            @Nullable String ticket,
            long revision) {
        this.time = Objects.requireNonNull(time, "time");
        this.actor = Objects.requireNonNull(actor, "actor");
        this.action = Objects.requireNonNull(action, "action");
        this.target = Objects.requireNonNull(target, "target");
        this.before = before;
        this.after = after;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.ticket = ticket;
        this.revision = revision;
    }

    /** @return when */
    public Instant time() {
        return time;
    }

    /** @return who */
    public String actor() {
        return actor;
    }

    /** @return the action, e.g. {@code weight.set} */
    public String action() {
        return action;
    }

    /** @return what changed, e.g. {@code churn/v2} */
    public String target() {
        return target;
    }

    /** @return the value before (JSON text), or null */
    public @Nullable String before() {
        return before;
    }

    /** @return the value after (JSON text), or null */
    public @Nullable String after() {
        return after;
    }

    /** @return why */
    public String reason() {
        return reason;
    }

    /** @return the ticket id, or null */
    public @Nullable String ticket() {
        return ticket;
    }

    /** @return the configuration revision the change produces */
    public long revision() {
        return revision;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof AuditEvent)) {
            return false;
        }
        AuditEvent e = (AuditEvent) o;
        return revision == e.revision && time.equals(e.time) && actor.equals(e.actor)
                && action.equals(e.action) && target.equals(e.target)
                && Objects.equals(before, e.before) && Objects.equals(after, e.after)
                && reason.equals(e.reason) && Objects.equals(ticket, e.ticket);
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, actor, action, target, before, after, reason, ticket, revision);
    }

    @Override
    public String toString() {
        return time + " " + actor + " " + action + " " + target + " " + before + " -> " + after
                + " (" + reason + (ticket != null ? ", " + ticket : "") + ") rev " + revision;
    }
}

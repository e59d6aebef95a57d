package dev.releaserouter.api.admin;

import dev.releaserouter.api.spi.LeaseGrant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Who makes a change and why: required by every {@link RouterAdmin} operation and recorded in the
 * audit trail. Immutable.
 *
 * <p>A change made by a lease holder (the rollout controller leading a fleet's rollout) carries
 * its {@linkplain #withFence lease grant}: an override store that shares the lease's backend
 * (fleet mode) then accepts the change only while that grant is still the lease's current one,
 * so an ex-leader that was paused past its lease cannot change routing afterwards.
 */
public final class ChangeContext {

    private final String actor;
    private final String reason;
    private final @Nullable String ticket;
    private final @Nullable LeaseGrant fence;

    private ChangeContext(String actor, String reason, @Nullable String ticket,
            @Nullable LeaseGrant fence) {
        this.actor = actor;
        this.reason = reason;
        this.ticket = ticket;
        this.fence = fence;
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
        return new ChangeContext(actor.strip(), reason.strip(), ticket, null);
    }

    /**
     * The same change, made under a lease: the override store refuses it (with an exception
     * from the store) unless {@code grant} is still the lease's current grant, where the store
     * can check it (see {@code OverrideStore.compareAndSet(long, String, LeaseGrant)}).
     *
     * @param grant the lease grant the change is made under
     * @return a new context with the fence
     * @throws NullPointerException if grant is null
     */
    public ChangeContext withFence(LeaseGrant grant) {
        return new ChangeContext(actor, reason, ticket, Objects.requireNonNull(grant, "grant"));
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

    /** @return the lease grant this change is fenced by, if any (not recorded in the audit) */
    public Optional<LeaseGrant> fence() {
        return Optional.ofNullable(fence);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof ChangeContext)) {
            return false;
        }
        ChangeContext c = (ChangeContext) o;
        return actor.equals(c.actor) && reason.equals(c.reason) && Objects.equals(ticket, c.ticket)
                && Objects.equals(fence, c.fence);
    }

    @Override
    public int hashCode() {
        return Objects.hash(actor, reason, ticket, fence);
    }

    @Override
    public String toString() {
        return "ChangeContext{actor=" + actor + ", reason=" + reason
                + (ticket != null ? ", ticket=" + ticket : "")
                + (fence != null ? ", fence=" + fence.name() + "#" + fence.fencingToken() : "")
                + "}";
    }
}

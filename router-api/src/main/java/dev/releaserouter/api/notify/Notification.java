package dev.releaserouter.api.notify;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One release event to tell people about (seed 004 §8): what happened ({@link Type}), to which
 * model and version, who did it, why, under which change ticket, when, and details such as the
 * stages before and after or the rollout stage.
 *
 * <p>Immutable and thread-safe; details keep the order they were given in.
 */
public final class Notification {

    /**
     * What happened. The wire name ({@link #wireName()}) is the lowercase name, e.g.
     * {@code alias_update}; seed 004 §8 names {@code promotion}, {@code alias_update},
     * {@code rollback} and {@code revocation}.
     */
    public enum Type {
        /** A version was registered as Candidate. */
        VERSION_REGISTERED,
        /** A version moved between stages other than to Approved or Revoked. */
        STAGE_TRANSITION,
        /** One person approved a version in one role. */
        APPROVAL,
        /** A version was promoted to Approved (four-eyes passed). */
        PROMOTION,
        /** An alias (e.g. {@code production}) was pointed at a version. */
        ALIAS_UPDATE,
        /** An alias was moved back, or a rollout rolled the candidate back. */
        ROLLBACK,
        /** A version was revoked: no traffic, no shadow. */
        REVOCATION,
        /** New promotions of a version were held, e.g. for a critical CVE (seed 004 §10). */
        PROMOTION_HOLD,
        /** A promotion hold was released. */
        HOLD_RELEASED,
        /** A version's approval passed its {@code revalidate_by}: it is not routable. */
        APPROVAL_EXPIRED,
        /** A release manifest or its signature did not match: the version was killed. */
        MANIFEST_MISMATCH,
        /** The release artifacts of a version were published. */
        RELEASE_PUBLISHED,
        /** A rollout decision other than a rollback: start, proceed, hold, promote, ... */
        ROLLOUT_DECISION,
        /** A message from a person: a change window, post-change validation, ... */
        ANNOUNCEMENT;

        /** @return the lowercase name, e.g. {@code alias_update} */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param name a wire name or constant name, any case
         * @return the type
         * @throws IllegalArgumentException naming the value and the known types if unknown
         */
        public static Type of(String name) {
            Objects.requireNonNull(name, "name");
            try {
                return valueOf(name.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                StringBuilder known = new StringBuilder();
                for (Type t : values()) {
                    known.append(known.length() == 0 ? "" : ", ").append(t.wireName());
                }
                throw new IllegalArgumentException("notification type must be one of " + known
                        + ", but was '" + name + "'", e);
            }
        }
    }

    private final Type type;
    private final String model;
    private final @Nullable String version;
    private final String actor;
    private final String reason;
    private final @Nullable String ticket;
    private final Instant time;
    private final Map<String, String> details;

    private Notification(Builder b) {
        this.type = Objects.requireNonNull(b.type, "type");
        this.model = text(b.model, "model");
        this.version = b.version;
        this.actor = text(b.actor, "actor");
        this.reason = text(b.reason, "reason");
        this.ticket = b.ticket == null || b.ticket.isBlank() ? null : b.ticket;
        this.time = Objects.requireNonNull(b.time, "time");
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(b.details));
    }

    private static String text(@Nullable String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank, but was '" + value
                    + "'");
        }
        return value;
    }

    /**
     * @param type what happened
     * @param model the model
     * @return a builder; version, ticket and details are optional, actor, reason and time are
     *     required
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(Type type, String model) {
        return new Builder(Objects.requireNonNull(type, "type"),
                Objects.requireNonNull(model, "model"));
    }

    /** @return what happened */
    public Type type() {
        return type;
    }

    /** @return the model */
    public String model() {
        return model;
    }

    /** @return the version, or null if the event is about the model as a whole */
    public @Nullable String version() {
        return version;
    }

    /** @return who did it: a person, or the controller's actor */
    public String actor() {
        return actor;
    }

    /** @return why, in free text */
    public String reason() {
        return reason;
    }

    /** @return the change ticket (the CHG-ID of seed 004 §8), or null */
    public @Nullable String ticket() {
        return ticket;
    }

    /** @return when it happened */
    public Instant time() {
        return time;
    }

    /** @return details by name, in the order given; unmodifiable, possibly empty */
    public Map<String, String> details() {
        return details;
    }

    /**
     * @param o another object, or null
     * @return whether o is a notification with equal fields (details compared as maps)
     */
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Notification n && type == n.type && model.equals(n.model)
                && Objects.equals(version, n.version) && actor.equals(n.actor)
                && reason.equals(n.reason) && Objects.equals(ticket, n.ticket)
                && time.equals(n.time) && details.equals(n.details);
    }

    /** @return a hash consistent with {@link #equals(Object)} */
    @Override
    public int hashCode() {
        return Objects.hash(type, model, version, actor, reason, ticket, time, details);
    }

    /** @return type, model, version, actor and ticket, for logs */
    @Override
    public String toString() {
        return "Notification[" + type.wireName() + " " + model + (version == null ? ""
                : "/" + version) + " by " + actor + (ticket == null ? "" : ", " + ticket) + "]";
    }

    /** Builds a {@link Notification}. Not thread-safe. */
    public static final class Builder {
        private final Type type;
        private final String model;
        private @Nullable String version;
        private @Nullable String actor;
        private @Nullable String reason;
        private @Nullable String ticket;
        private @Nullable Instant time;
        private final Map<String, String> details = new LinkedHashMap<>();

        private Builder(Type type, String model) {
            this.type = type;
            this.model = model;
        }

        /**
         * @param version the version, or null (the default) for a model-wide event
         * @return this builder
         */
        public Builder version(@Nullable String version) {
            this.version = version;
            return this;
        }

        /**
         * @param actor who did it; required, not blank
         * @param reason why; required, not blank
         * @param ticket the change ticket, or null (blank counts as none)
         * @return this builder
         */
        public Builder change(String actor, String reason, @Nullable String ticket) {
            this.actor = actor;
            this.reason = reason;
            this.ticket = ticket;
            return this;
        }

        /**
         * @param time when it happened; required
         * @return this builder
         */
        public Builder time(Instant time) {
            this.time = time;
            return this;
        }

        /**
         * Adds a detail (replacing an earlier one of the same name).
         *
         * @param name e.g. {@code from_stage}
         * @param value e.g. {@code staging}
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder detail(String name, String value) {
            details.put(Objects.requireNonNull(name, "detail name"),
                    Objects.requireNonNull(value, () -> "detail '" + name + "' is null"));
            return this;
        }

        /**
         * @return the notification
         * @throws NullPointerException if actor, reason or time was not given
         * @throws IllegalArgumentException if the model, actor or reason is blank
         */
        public Notification build() {
            return new Notification(this);
        }
    }
}

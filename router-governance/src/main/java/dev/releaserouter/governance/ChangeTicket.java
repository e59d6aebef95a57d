package dev.releaserouter.governance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A change ticket with the fields seed 004 section 3 asks of every promotion: scope, risks,
 * impact, window, steps, backout plan, post-change validation and owners. Attach one to a
 * transition with {@link ChangeRequest.Builder#ticket}; {@link ReleaseGovernance} checks that
 * the change happens inside the ticket's window and under its id, records it on the
 * {@link StageTransition} and in the audit trail. Immutable; built by {@link #builder}, which
 * validates every field.
 */
public final class ChangeTicket {

    private final String id;
    private final String scope;
    private final String risk;
    private final String impact;
    private final Instant windowStart;
    private final Instant windowEnd;
    private final List<String> steps;
    private final String backout;
    private final String validation;
    private final List<String> owners;

    private ChangeTicket(Builder b) {
        this.id = field(b.id, "id");
        this.scope = field(b.scope, "scope");
        this.risk = field(b.risk, "risk");
        this.impact = field(b.impact, "impact");
        if (b.windowStart == null || b.windowEnd == null) {
            throw new IllegalArgumentException("change ticket " + id + ": window is required, "
                    + "but was " + b.windowStart + " to " + b.windowEnd);
        }
        if (!b.windowEnd.isAfter(b.windowStart)) {
            throw new IllegalArgumentException("change ticket " + id + ": window end must be "
                    + "after its start, but was " + b.windowStart + " to " + b.windowEnd);
        }
        this.windowStart = b.windowStart;
        this.windowEnd = b.windowEnd;
        this.steps = list(b.steps, "steps");
        this.backout = field(b.backout, "backout");
        this.validation = field(b.validation, "validation");
        this.owners = list(b.owners, "owners");
    }

    private String field(@Nullable String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("change ticket " + (name.equals("id") ? ""
                    : id + " ") + "field '" + name + "' must be a non-blank string, but was "
                    + (value == null ? "missing" : "'" + value + "'"));
        }
        return value.strip();
    }

    private List<String> list(List<String> values, String name) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("change ticket " + id + " field '" + name
                    + "' must list at least one entry, but was empty");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            out.add(field(values.get(i), name + "[" + i + "]"));
        }
        return List.copyOf(out);
    }

    /**
     * @param id the ticket's id, e.g. {@code CHG-10234}
     * @return a builder
     */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** @return the id, e.g. {@code CHG-10234} */
    public String id() {
        return id;
    }

    /** @return what changes */
    public String scope() {
        return scope;
    }

    /** @return the risks */
    public String risk() {
        return risk;
    }

    /** @return who and what is affected */
    public String impact() {
        return impact;
    }

    /** @return the start of the change window, inclusive */
    public Instant windowStart() {
        return windowStart;
    }

    /** @return the end of the change window, exclusive */
    public Instant windowEnd() {
        return windowEnd;
    }

    /**
     * @param t an instant
     * @return whether t is inside the ticket's window
     */
    public boolean windowCovers(Instant t) {
        return !t.isBefore(windowStart) && t.isBefore(windowEnd);
    }

    /** @return the steps, in order */
    public List<String> steps() {
        return steps;
    }

    /** @return the backout plan */
    public String backout() {
        return backout;
    }

    /** @return the post-change validation */
    public String validation() {
        return validation;
    }

    /** @return the people responsible */
    public List<String> owners() {
        return owners;
    }

    /** @return the ticket as one JSON object (the audit trail's form) */
    public String toJson() {
        StringBuilder b = new StringBuilder("{\"id\":").append(Json.quote(id))
                .append(",\"scope\":").append(Json.quote(scope))
                .append(",\"risk\":").append(Json.quote(risk))
                .append(",\"impact\":").append(Json.quote(impact))
                .append(",\"window\":{\"start\":").append(Json.quote(windowStart.toString()))
                .append(",\"end\":").append(Json.quote(windowEnd.toString())).append('}')
                .append(",\"steps\":").append(Json.array(steps))
                .append(",\"backout\":").append(Json.quote(backout))
                .append(",\"validation\":").append(Json.quote(validation))
                .append(",\"owners\":").append(Json.array(owners));
        return b.append('}').toString();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ChangeTicket && ((ChangeTicket) o).toJson().equals(toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "ChangeTicket" + toJson();
    }

    /** Builds a {@link ChangeTicket}. Not thread-safe. */
    public static final class Builder {
        private final @Nullable String id;
        private @Nullable String scope;
        private @Nullable String risk;
        private @Nullable String impact;
        private @Nullable Instant windowStart;
        private @Nullable Instant windowEnd;
        private List<String> steps = List.of();
        private @Nullable String backout;
        private @Nullable String validation;
        private List<String> owners = List.of();

        private Builder(@Nullable String id) {
            this.id = id;
        }

        /**
         * @param scope what changes
         * @return this builder
         */
        public Builder scope(String scope) {
            this.scope = scope;
            return this;
        }

        /**
         * @param risk the risks
         * @return this builder
         */
        public Builder risk(String risk) {
            this.risk = risk;
            return this;
        }

        /**
         * @param impact who and what is affected
         * @return this builder
         */
        public Builder impact(String impact) {
            this.impact = impact;
            return this;
        }

        /**
         * @param start the start of the change window, inclusive
         * @param end the end, exclusive
         * @return this builder
         */
        public Builder window(Instant start, Instant end) {
            this.windowStart = start;
            this.windowEnd = end;
            return this;
        }

        /**
         * @param steps the steps, in order
         * @return this builder
         */
        public Builder steps(List<String> steps) {
            this.steps = new ArrayList<>(Objects.requireNonNull(steps, "steps"));
            return this;
        }

        /**
         * @param backout the backout plan
         * @return this builder
         */
        public Builder backout(String backout) {
            this.backout = backout;
            return this;
        }

        /**
         * @param validation the post-change validation
         * @return this builder
         */
        public Builder validation(String validation) {
            this.validation = validation;
            return this;
        }

        /**
         * @param owners the people responsible
         * @return this builder
         */
        public Builder owners(List<String> owners) {
            this.owners = new ArrayList<>(Objects.requireNonNull(owners, "owners"));
            return this;
        }

        /**
         * @return the ticket
         * @throws IllegalArgumentException naming the field and its value if a field is missing
         *     or blank, a list is empty, or the window's end is not after its start
         */
        public ChangeTicket build() {
            return new ChangeTicket(this);
        }
    }
}

package dev.releaserouter.api;

import java.util.Objects;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@link Router#decide(RouteRequest)}: which version serves the request, in which
 * role, why, from which bucket, and on which configuration revision.
 *
 * <p>Immutable and thread-safe. The router caches and reuses decisions, so compare them with
 * {@link #equals(Object)}, never by identity.
 */
public final class RouteDecision {

    /** Internal encoding of "no bucket"; never returned: {@link #bucket()} is empty instead. */
    private static final int NO_BUCKET = -1;

    private final @Nullable String version;
    private final Role role;
    private final Reason reason;
    private final int bucket;
    private final long configRevision;
    private final @Nullable String rule;

    private RouteDecision(@Nullable String version, Role role, Reason reason, int bucket,
            long configRevision, @Nullable String rule) {
        this.version = version;
        this.role = role;
        this.reason = reason;
        this.bucket = bucket;
        this.configRevision = configRevision;
        this.rule = rule;
    }

    /**
     * Creates a decision made from the entity's bucket. Meant for routers and test doubles;
     * applications read decisions.
     *
     * @param version the chosen version; null only with {@link Reason#UNKNOWN_MODEL}
     * @param role the version's role
     * @param reason why it was chosen
     * @param bucket the entity's bucket in {@code [0, 10000)}
     * @param configRevision the revision of the configuration the decision was made on
     * @return a decision whose {@link #bucket()} is present
     * @throws IllegalArgumentException if the bucket is out of range, or the version is null for
     *     another reason than {@link Reason#UNKNOWN_MODEL}
     * @throws NullPointerException if role or reason is null
     */
    public static RouteDecision of(
            @Nullable String version, Role role, Reason reason, int bucket, long configRevision) {
        return of(version, role, reason, bucket, configRevision, null);
    }

    /**
     * Creates a decision made from the entity's bucket with the weights of a targeting rule.
     * Meant for routers and test doubles; applications read decisions.
     *
     * @param version the chosen version; null only with {@link Reason#UNKNOWN_MODEL}
     * @param role the version's role
     * @param reason why it was chosen
     * @param bucket the entity's bucket in {@code [0, 10000)}
     * @param configRevision the revision of the configuration the decision was made on
     * @param rule the id of the targeting rule whose weights applied, or null for the model's
     *     own weights
     * @return a decision whose {@link #bucket()} is present
     * @throws IllegalArgumentException if the bucket is out of range, or the version is null for
     *     another reason than {@link Reason#UNKNOWN_MODEL}
     * @throws NullPointerException if role or reason is null
     */
    public static RouteDecision of(@Nullable String version, Role role, Reason reason,
            int bucket, long configRevision, @Nullable String rule) {
        if (bucket < 0 || bucket >= 10_000) {
            throw new IllegalArgumentException(
                    "bucket must be in [0, 10000), but was " + bucket);
        }
        return create(version, role, reason, bucket, configRevision, rule);
    }

    /**
     * Creates a decision made before hashing (kill switch, deny or allow list, unknown model,
     * ...). Meant for routers and test doubles; applications read decisions.
     *
     * @param version the chosen version; null only with {@link Reason#UNKNOWN_MODEL}
     * @param role the version's role
     * @param reason why it was chosen
     * @param configRevision the revision of the configuration the decision was made on
     * @return a decision whose {@link #bucket()} is empty
     * @throws IllegalArgumentException if the version is null for another reason than
     *     {@link Reason#UNKNOWN_MODEL}
     * @throws NullPointerException if role or reason is null
     */
    public static RouteDecision withoutBucket(
            @Nullable String version, Role role, Reason reason, long configRevision) {
        return create(version, role, reason, NO_BUCKET, configRevision, null);
    }

    private static RouteDecision create(@Nullable String version, Role role, Reason reason,
            int bucket, long configRevision, @Nullable String rule) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(reason, "reason");
        if (version == null && reason != Reason.UNKNOWN_MODEL) {
            throw new IllegalArgumentException("version may be null only for UNKNOWN_MODEL");
        }
        return new RouteDecision(version, role, reason, bucket, configRevision, rule);
    }

    /**
     * The version that serves the request.
     *
     * @return the version id; null only when {@link #reason()} is {@link Reason#UNKNOWN_MODEL}
     */
    public @Nullable String version() {
        return version;
    }

    /** @return the chosen version's role */
    public Role role() {
        return role;
    }

    /** @return why this version was chosen */
    public Reason reason() {
        return reason;
    }

    /** @return whether the request goes to a candidate version */
    public boolean isCandidate() {
        return role == Role.CANDIDATE;
    }

    /**
     * The entity's bucket. Empty when a rule decided before hashing (kill switch, deny or allow
     * list, unknown model, ...). Decisions are cached and reused, so this allocates only when
     * called; {@link #hasBucket()} does not allocate.
     *
     * @return the bucket in {@code [0, 10000)}, or empty
     */
    public OptionalInt bucket() {
        return bucket == NO_BUCKET ? OptionalInt.empty() : OptionalInt.of(bucket);
    }

    /** @return whether the decision was made from the entity's bucket */
    public boolean hasBucket() {
        return bucket != NO_BUCKET;
    }

    /** @return the revision of the configuration snapshot the decision was made on */
    public long configRevision() {
        return configRevision;
    }

    /**
     * Which targeting rule decided the weights: set when the entity's bucket was read against a
     * rule's weights (reasons {@link Reason#CANARY_BUCKET}, {@link Reason#STABLE_BUCKET}, and
     * {@link Reason#KILL_SWITCH}, {@link Reason#VERSION_NOT_APPROVED} or
     * {@link Reason#BUDGET_EXHAUSTED} for a bucket in that candidate's range); null when the
     * model's own weights applied or an earlier rule (kill switch, deny or allow list...) decided
     * before the bucket was read. See {@code docs/targeting.md}.
     *
     * @return the rule's id, or null
     */
    public @Nullable String rule() {
        return rule;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RouteDecision)) {
            return false;
        }
        RouteDecision d = (RouteDecision) o;
        return bucket == d.bucket
                && configRevision == d.configRevision
                && Objects.equals(version, d.version)
                && role == d.role
                && reason == d.reason
                && Objects.equals(rule, d.rule);
    }

    @Override
    public int hashCode() {
        return rule == null ? Objects.hash(version, role, reason, bucket, configRevision)
                : Objects.hash(version, role, reason, bucket, configRevision, rule);
    }

    @Override
    public String toString() {
        return "RouteDecision{version=" + version + ", role=" + role + ", reason=" + reason
                + (hasBucket() ? ", bucket=" + bucket : "") + ", configRevision=" + configRevision
                + (rule != null ? ", rule=" + rule : "") + "}";
    }
}

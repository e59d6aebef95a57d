package dev.releaserouter.rollout;

import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import java.time.Clock;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Starts a rollout from the router's admin (a rollout changes routing, so it takes the
 * {@link RouterAdmin} capability, not the evaluation-only {@code Router}), which already knows
 * everything else it needs: the {@link ArmMeasurements} hook registered on the router, its clock,
 * a default audit actor ({@value #DEFAULT_ACTOR}) and an in-memory state store.
 *
 * <pre>{@code
 * ArmMeasurements arms = ArmMeasurements.builder().clock(clock).build();
 * RouterAdmin admin = ReleaseRouter.builder().flagSource(...).model(churn).hook(arms)
 *         .buildWithAdmin();
 * RolloutController rollout = Rollouts.start(admin, plan);
 * // or, to keep state across restarts and name the actor:
 * RolloutController rollout = Rollouts.builder(admin, plan)
 *         .stateStore(new FileRolloutStateStore(dir)).actor("release-bot").start();
 * }</pre>
 *
 * <p>Stateless; thread-safe.
 */
public final class Rollouts {

    /** Who the controller's changes are attributed to unless {@link Builder#actor} says. */
    public static final String DEFAULT_ACTOR = "rollout-controller";

    private Rollouts() {}

    /**
     * Starts (or resumes) a rollout with the defaults: see the class comment.
     *
     * @param admin the admin of the router to change; an {@link ArmMeasurements} must be
     *     registered on the router
     * @param plan the plan
     * @return the controller
     * @throws IllegalStateException if no {@link ArmMeasurements} hook is registered on the
     *     router (the message says which line to add)
     * @throws NullPointerException if an argument is null
     * @see RolloutController#start
     */
    public static RolloutController start(RouterAdmin admin, RolloutPlan plan) {
        return builder(admin, plan).start();
    }

    /**
     * @param admin the admin of the router to change; an {@link ArmMeasurements} must be
     *     registered on the router
     * @param plan the plan
     * @return a builder to override the state store or the actor
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(RouterAdmin admin, RolloutPlan plan) {
        return new Builder(admin, plan);
    }

    /** Overrides of {@link Rollouts#start}'s defaults. Not thread-safe. */
    public static final class Builder {
        private final RouterAdmin admin;
        private final RolloutPlan plan;
        private RolloutStateStore store = RolloutStateStore.inMemory();
        private String actor = DEFAULT_ACTOR;
        private @Nullable RolloutLease lease;
        private @Nullable AuditSink audit;

        private Builder(RouterAdmin admin, RolloutPlan plan) {
            this.admin = Objects.requireNonNull(admin, "admin");
            this.plan = Objects.requireNonNull(plan, "plan");
        }

        /**
         * @param store where state and decisions are kept; defaults to an in-memory store
         *     (a restart starts over)
         * @return this builder
         * @throws NullPointerException if store is null
         */
        public Builder stateStore(RolloutStateStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * @param actor who the controller's changes are attributed to in the audit trail;
         *     defaults to {@value Rollouts#DEFAULT_ACTOR}
         * @return this builder
         * @throws NullPointerException if actor is null
         */
        public Builder actor(String actor) {
            this.actor = Objects.requireNonNull(actor, "actor");
            return this;
        }

        /**
         * Makes the controller act only while it holds the lease {@code rollout/<model>}
         * (one controller per model among all that share the lease; see
         * {@link RolloutController#start(RouterAdmin, ArmMeasurements, RolloutPlan,
         * RolloutStateStore, Clock, String, RolloutLease)}). Share the state store too, so the
         * next holder resumes the rollout.
         *
         * @param lease the lease settings; null (the default) acts without a lease
         * @return this builder
         */
        public Builder lease(@Nullable RolloutLease lease) {
            this.lease = lease;
            return this;
        }

        /**
         * @param sink where the chain's own events go (normally the router's audit sink):
         *     {@code rollout.shadow_verdict}, {@code rollout.incident} and
         *     {@code rollout.backout_verification}; the routing changes are audited by the
         *     router itself. Null (the default) for none: the decisions are still in the
         *     state store's decision log
         * @return this builder
         */
        public Builder auditSink(@Nullable AuditSink sink) {
            this.audit = sink;
            return this;
        }

        /**
         * @return the controller, started or resumed
         * @throws IllegalStateException if no {@link ArmMeasurements} hook is registered
         * @throws IllegalArgumentException if the actor is blank
         */
        public RolloutController start() {
            ArmMeasurements arms = admin.hook(ArmMeasurements.class).orElseThrow(() ->
                    new IllegalStateException("the router has no ArmMeasurements hook, so a "
                            + "rollout of '" + plan.model() + "' has nothing to judge: build "
                            + "the router with .hook(ArmMeasurements.builder().clock(clock)"
                            + ".build()) on ReleaseRouter.builder()"));
            return RolloutController.start(admin, arms, plan, store, admin.clock(), actor,
                    lease, audit);
        }
    }
}

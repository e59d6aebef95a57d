package dev.releaserouter.rollout;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import java.util.Objects;

/**
 * Starts a rollout from the router, which already knows everything else it needs: the
 * {@link ArmMeasurements} hook registered on it, its clock, a default audit actor
 * ({@value #DEFAULT_ACTOR}) and an in-memory state store.
 *
 * <pre>{@code
 * ArmMeasurements arms = ArmMeasurements.builder().clock(clock).build();
 * Router router = ReleaseRouter.builder().flagSource(...).model(churn).hook(arms).build();
 * RolloutController rollout = Rollouts.start(router, plan);
 * // or, to keep state across restarts and name the actor:
 * RolloutController rollout = Rollouts.builder(router, plan)
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
     * @param router the router to change; an {@link ArmMeasurements} must be registered on it
     * @param plan the plan
     * @return the controller
     * @throws IllegalStateException if no {@link ArmMeasurements} hook is registered on the
     *     router (the message says which line to add)
     * @throws NullPointerException if an argument is null
     * @see RolloutController#start
     */
    public static RolloutController start(Router router, RolloutPlan plan) {
        return builder(router, plan).start();
    }

    /**
     * @param router the router to change; an {@link ArmMeasurements} must be registered on it
     * @param plan the plan
     * @return a builder to override the state store or the actor
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(Router router, RolloutPlan plan) {
        return new Builder(router, plan);
    }

    /** Overrides of {@link Rollouts#start}'s defaults. Not thread-safe. */
    public static final class Builder {
        private final Router router;
        private final RolloutPlan plan;
        private RolloutStateStore store = RolloutStateStore.inMemory();
        private String actor = DEFAULT_ACTOR;

        private Builder(Router router, RolloutPlan plan) {
            this.router = Objects.requireNonNull(router, "router");
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
         * @return the controller, started or resumed
         * @throws IllegalStateException if no {@link ArmMeasurements} hook is registered
         * @throws IllegalArgumentException if the actor is blank
         */
        public RolloutController start() {
            RouterAdmin admin = router.admin();
            ArmMeasurements arms = admin.hook(ArmMeasurements.class).orElseThrow(() ->
                    new IllegalStateException("the router has no ArmMeasurements hook, so a "
                            + "rollout of '" + plan.model() + "' has nothing to judge: build "
                            + "the router with .hook(ArmMeasurements.builder().clock(clock)"
                            + ".build()) on ReleaseRouter.builder()"));
            return RolloutController.start(router, arms, plan, store, admin.clock(), actor);
        }
    }
}

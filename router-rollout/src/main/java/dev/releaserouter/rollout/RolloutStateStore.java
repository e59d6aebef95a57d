package dev.releaserouter.rollout;

import java.util.Optional;

/**
 * Where a {@link RolloutController} keeps its state and decisions, so a rollout survives a
 * restart. {@link FileRolloutStateStore} is the default.
 *
 * <p>Implementations must be thread-safe; the controller calls them under its own lock.
 */
public interface RolloutStateStore {

    /**
     * A store that keeps states in memory and keeps no decision log (the controller's
     * {@link RolloutController#decisions()} still has them): for tests, demos and rollouts that
     * need not survive a restart.
     *
     * @return a new, empty, thread-safe store
     */
    static RolloutStateStore inMemory() {
        return new RolloutStateStore() {
            private final java.util.Map<String, RolloutState> states =
                    new java.util.concurrent.ConcurrentHashMap<>();

            @Override
            public Optional<RolloutState> load(String model) {
                return Optional.ofNullable(states.get(model));
            }

            @Override
            public void save(RolloutState state) {
                states.put(state.model(), state);
            }

            @Override
            public void append(RolloutDecision decision) {
                // No log: see the method's documentation.
            }
        };
    }

    /**
     * The last saved state of a model's rollout.
     *
     * @param model the model
     * @return the state, or empty if none was saved
     * @throws java.io.UncheckedIOException if the store cannot be read
     */
    Optional<RolloutState> load(String model);

    /**
     * Replaces the saved state of the state's model.
     *
     * @param state the state
     * @throws java.io.UncheckedIOException if the store cannot be written
     */
    void save(RolloutState state);

    /**
     * Appends a decision to the decision log.
     *
     * @param decision the decision
     * @throws java.io.UncheckedIOException if the store cannot be written
     */
    void append(RolloutDecision decision);
}

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

    /**
     * Replaces the saved state as {@link #save(RolloutState)} does, on behalf of the holder of
     * a lease: a <em>fenced</em> store (a fleet store) writes only if the grant's fencing token
     * is still the lease's current one, checked atomically with the write, so that a paused
     * ex-leader cannot overwrite its successor's state. A {@link RolloutController} started with
     * a {@link RolloutLease} writes through this method. The default ignores the grant (a store
     * of one JVM has nothing to fence).
     *
     * @param state the state
     * @param grant the writer's lease grant (the lease {@code rollout/<model>})
     * @throws FencedWriteException if the grant is no longer current (nothing was written)
     * @throws java.io.UncheckedIOException if the store cannot be written
     */
    default void save(RolloutState state, dev.releaserouter.api.spi.LeaseGrant grant) {
        save(state);
    }

    /**
     * Appends a decision as {@link #append(RolloutDecision)} does, fenced by the writer's lease
     * grant like {@link #save(RolloutState, dev.releaserouter.api.spi.LeaseGrant)}. The default
     * ignores the grant.
     *
     * @param decision the decision
     * @param grant the writer's lease grant
     * @throws FencedWriteException if the grant is no longer current (nothing was written)
     * @throws java.io.UncheckedIOException if the store cannot be written
     */
    default void append(RolloutDecision decision, dev.releaserouter.api.spi.LeaseGrant grant) {
        append(decision);
    }

    /**
     * Keeps the incident record of a rollback next to the rollout's state (seed 000 §3.1, §6).
     * Called again with the same model and candidate when the post-rollback verification has
     * run: the new record replaces the old one. The default keeps nothing (the controller's
     * {@link RolloutController#incident()} still has it); {@link FileRolloutStateStore} writes
     * JSON and Markdown files.
     *
     * @param incident the record
     * @throws java.io.UncheckedIOException if the store cannot be written
     */
    default void writeIncident(IncidentRecord incident) {
        // Nothing kept: see the method's documentation.
    }

    /**
     * The evidence on record for a model's version (seed 004 §1, "no evidence, no promotion"):
     * the last canary verdict and the shadow verdict of the stored rollout of that version,
     * read through {@link #load(String)}.
     *
     * @param model the model
     * @param version the candidate version the rollout walked
     * @return the evidence, or empty if the store holds no rollout of that version (none, or
     *     the model's stored rollout is of another candidate)
     * @throws java.io.UncheckedIOException if the store cannot be read
     */
    default java.util.Optional<RolloutEvidence> evidence(String model, String version) {
        java.util.Objects.requireNonNull(version, "version");
        return load(model).filter(s -> s.candidate().equals(version)).map(RolloutEvidence::of);
    }
}

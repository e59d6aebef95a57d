package dev.releaserouter.samples.quickstart;

import dev.releaserouter.core.rollout.RolloutDecision;
import dev.releaserouter.core.rollout.RolloutState;
import dev.releaserouter.core.rollout.RolloutStateStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps rollout state in memory and drops the decision log: enough for a demo that never
 * restarts. A real application uses {@code FileRolloutStateStore} (or its own store) so that a
 * rollout survives a restart.
 */
final class InMemoryRolloutStateStore implements RolloutStateStore {

    private final Map<String, RolloutState> states = new ConcurrentHashMap<>();

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
        // Nothing to keep: the demo reads RolloutController.decisions().
    }
}

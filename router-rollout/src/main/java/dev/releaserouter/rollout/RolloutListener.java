package dev.releaserouter.rollout;

import dev.releaserouter.rollout.gates.GateVerdict;
import org.jspecify.annotations.Nullable;

/**
 * Told of every {@link RolloutDecision} a {@link RolloutController} records: checkpoints
 * (PROCEED, HOLD, ROLLBACK) with the gate verdict behind them, and the manual operations.
 * {@code dev.releaserouter.micrometer.RolloutMetrics} is one; alerting hooks are another.
 *
 * <p>Called on the thread that ticks or operates the controller, while it holds the controller's
 * lock, after the decision was stored: keep it fast and do not call the controller back. An
 * exception it throws is caught and counted in {@link RolloutController#listenerFailures()}.
 */
@FunctionalInterface
public interface RolloutListener {

    /**
     * @param decision the decision just recorded (never null)
     * @param verdict the gate verdict it was based on, or null for a start or a manual operation
     */
    void onDecision(RolloutDecision decision, @Nullable GateVerdict verdict);
}

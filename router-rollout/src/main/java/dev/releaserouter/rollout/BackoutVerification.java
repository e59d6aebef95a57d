package dev.releaserouter.rollout;

import java.time.Duration;
import java.util.Objects;

/**
 * The post-rollback verification of a {@link RolloutPlan} (seed 004 §6, "verificação
 * pós-rollback"): a delay after a rollback, abort or failed shadow phase, a controller tick
 * checks that the candidate is out of the routing (killed or at weight 0), that it served no
 * request in the measurement windows wholly after the backout, and that the stable version's
 * error rate over those windows is at most {@link #maxErrorRate()}. The result is kept in the
 * rollout state ({@link RolloutState#backoutVerification()}), recorded as a
 * {@link RolloutAction#VERIFY} decision, written to the audit trail when the controller has one,
 * and added to the incident record.
 *
 * <p>Immutable and thread-safe.
 *
 * @param delay how long after the backout the check runs; positive, at least one measurement
 *     window for the traffic check to see a whole window
 * @param maxErrorRate the largest error rate of the stable version after the backout that
 *     passes, 0..1 (seed 003's {@code checkpoint_error_rate_threshold}, 0.001)
 */
public record BackoutVerification(Duration delay, double maxErrorRate) {

    /** The outcome of a post-rollback verification. */
    public enum Result {
        /** Due after the plan's delay; a tick will run it. */
        PENDING,
        /** The candidate serves nothing and the error rate is back within the limit. */
        PASSED,
        /**
         * The candidate still served requests, is still routable, or the error rate is above
         * the limit (or could not be measured: no stable traffic after the backout).
         */
        FAILED
    }

    /**
     * Validates.
     *
     * @param delay as described on the record
     * @param maxErrorRate as described on the record
     * @throws IllegalArgumentException if delay is not positive or maxErrorRate is outside 0..1
     * @throws NullPointerException if delay is null
     */
    public BackoutVerification {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.isZero()) {
            throw new IllegalArgumentException("backoutVerification.delay must be positive, "
                    + "but was " + delay);
        }
        if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
            throw new IllegalArgumentException("backoutVerification.maxErrorRate must be "
                    + "between 0 and 1, but was " + maxErrorRate);
        }
    }
}

/**
 * Progressive rollout: a {@link dev.releaserouter.rollout.RolloutController} walks a
 * candidate version through the stages of a {@link dev.releaserouter.rollout.RolloutPlan},
 * advancing, holding or rolling back on the verdicts of a policy gate. See {@code docs/rollout.md}.
 */
@NullMarked
package dev.releaserouter.rollout;

import org.jspecify.annotations.NullMarked;

/**
 * Progressive rollout: a {@link dev.releaserouter.core.rollout.RolloutController} walks a
 * candidate version through the stages of a {@link dev.releaserouter.core.rollout.RolloutPlan},
 * advancing, holding or rolling back on the verdicts of a policy gate. See {@code docs/rollout.md}.
 */
@NullMarked
package dev.releaserouter.core.rollout;

import org.jspecify.annotations.NullMarked;

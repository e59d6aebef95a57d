/**
 * Policy gates: a JSON policy file of criteria over per-arm measurements and router-stats tests,
 * evaluated into a PROCEED / HOLD / ROLLBACK {@link dev.releaserouter.rollout.gates.GateVerdict}.
 *
 * <p>Start with {@link dev.releaserouter.rollout.gates.Policy#parse} or
 * {@link dev.releaserouter.rollout.gates.Policy#load}, feed measurements through
 * {@link dev.releaserouter.rollout.gates.GateInput} and call
 * {@link dev.releaserouter.rollout.gates.PolicyEvaluator#evaluate}. The file format, the expression
 * language and the verdict rules are described in {@code docs/gates.md}.
 */
@NullMarked
package dev.releaserouter.rollout.gates;

import org.jspecify.annotations.NullMarked;

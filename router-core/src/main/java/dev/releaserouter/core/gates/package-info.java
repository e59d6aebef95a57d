/**
 * Policy gates: a JSON policy file of criteria over per-arm measurements and router-stats tests,
 * evaluated into a PROCEED / HOLD / ROLLBACK {@link dev.releaserouter.core.gates.GateVerdict}.
 *
 * <p>Start with {@link dev.releaserouter.core.gates.Policy#parse} or
 * {@link dev.releaserouter.core.gates.Policy#load}, feed measurements through
 * {@link dev.releaserouter.core.gates.GateInput} and call
 * {@link dev.releaserouter.core.gates.PolicyEvaluator#evaluate}. The file format, the expression
 * language and the verdict rules are described in {@code docs/gates.md}.
 */
@NullMarked
package dev.releaserouter.core.gates;

import org.jspecify.annotations.NullMarked;

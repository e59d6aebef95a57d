/**
 * Shadow evaluation: the SLA criteria a candidate version must meet before it may serve traffic
 * ({@link dev.releaserouter.replay.eval.ShadowCriteria}), the numbers they are judged on
 * ({@link dev.releaserouter.replay.eval.ShadowMeasurements}, from router metrics or from
 * stored {@link dev.releaserouter.api.shadow.ShadowPair}s) and the verdict with one line per
 * criterion ({@link dev.releaserouter.replay.eval.ShadowEvaluation}), written as
 * {@code shadow_eval.json}.
 *
 * <p>The default criteria are those of the shadow SLA: decisions match at least 95% of the time,
 * failures and fallbacks at most 3% of the calls, the candidate's p95 latency at most 15% above
 * the stable version's, a PSI of the two score distributions of at most 0.2, and no answer ever
 * served from a shadow call. The file format is a contract described in {@code docs/shadow.md}.
 */
@NullMarked
package dev.releaserouter.replay.eval;

import org.jspecify.annotations.NullMarked;

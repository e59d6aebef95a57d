/**
 * A churn scoring service: {@link dev.releaserouter.samples.churn.ChurnModelV1} answers, and
 * {@link dev.releaserouter.samples.churn.ChurnModelV2} is shadowed behind it with
 * {@code @ShadowV2}.
 */
@NullMarked
package dev.releaserouter.samples.churn;

import org.jspecify.annotations.NullMarked;

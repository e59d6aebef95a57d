/**
 * Per-arm measurement windows: what each version of a model served (requests, errors, latency
 * quantiles, cost, score distribution), late business outcomes and labels attributed to the arm
 * the router's deterministic assignment gives, in tumbling windows driven by an injected clock.
 * Policy gates read {@link dev.releaserouter.rollout.measure.MeasurementSnapshot}s.
 */
@NullMarked
package dev.releaserouter.rollout.measure;

import org.jspecify.annotations.NullMarked;

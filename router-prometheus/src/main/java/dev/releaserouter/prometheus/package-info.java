/**
 * Gate criteria from PromQL: {@link dev.releaserouter.prometheus.PrometheusMetricSource} reads a
 * rollout policy's {@code metrics} entries whose {@code source} is {@code prometheus} from
 * Prometheus's HTTP query API, so that a plan judges a candidate on what the whole fleet's
 * meters say, mixed with the router's own measurements. See {@code docs/ops.md}.
 */
@NullMarked
package dev.releaserouter.prometheus;

import org.jspecify.annotations.NullMarked;

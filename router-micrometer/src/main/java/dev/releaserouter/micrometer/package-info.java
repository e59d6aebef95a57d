/**
 * Micrometer bindings: meters for the router ({@link dev.releaserouter.micrometer.RouterMetrics}),
 * the shadow runner ({@link dev.releaserouter.micrometer.ShadowMetrics}), per-arm measurements
 * ({@link dev.releaserouter.micrometer.ArmMetrics}) and rollouts ({@link
 * dev.releaserouter.micrometer.RolloutMetrics}), and {@code router.route} observations ({@link
 * dev.releaserouter.micrometer.RouteObservations}). Meter names are in {@link
 * dev.releaserouter.micrometer.MetricNames}. The only module besides the Spring Boot module that
 * imports Micrometer.
 */
@NullMarked
package dev.releaserouter.micrometer;

import org.jspecify.annotations.NullMarked;

/**
 * Hooks: the one extension point around routing. A {@link dev.releaserouter.api.hook.RouteHook}
 * sees every {@code route(...)} call (before and after the decision, after the model call, on
 * error, finally), every shadow comparison and every business outcome recorded through the
 * router. Measurements, exposure logging, metrics and tracing all attach as hooks
 * ({@code ReleaseRouter.builder().hook(...)}).
 */
@NullMarked
package dev.releaserouter.api.hook;

import org.jspecify.annotations.NullMarked;

/**
 * Micrometer bindings. The only package of router-core that imports Micrometer, which is an
 * optional dependency: add {@code io.micrometer:micrometer-core} to use it.
 */
@NullMarked
package dev.releaserouter.core.metrics;

import org.jspecify.annotations.NullMarked;

/**
 * Implementation details of {@code router-stats}: tail probabilities, argument checks and
 * numerical helpers. Not public API: anything here may change without notice.
 */
@NullMarked
package dev.releaserouter.stats.internal;

import org.jspecify.annotations.NullMarked;

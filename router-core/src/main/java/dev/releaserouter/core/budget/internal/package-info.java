/** Exposure budget accounting (lock-free, never overshooting). Not API. */
@NullMarked
package dev.releaserouter.core.budget.internal;

import org.jspecify.annotations.NullMarked;

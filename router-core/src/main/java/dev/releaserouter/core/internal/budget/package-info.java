/** Exposure budget accounting (lock-free, never overshooting). Not API. */
@NullMarked
package dev.releaserouter.core.internal.budget;

import org.jspecify.annotations.NullMarked;

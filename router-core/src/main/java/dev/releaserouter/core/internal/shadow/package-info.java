/** The shadow runner, circuit breaker and statistics. Not API. */
@NullMarked
package dev.releaserouter.core.internal.shadow;

import org.jspecify.annotations.NullMarked;

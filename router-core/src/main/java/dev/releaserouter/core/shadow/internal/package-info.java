/** The shadow runner, circuit breaker and statistics. Not API. */
@NullMarked
package dev.releaserouter.core.shadow.internal;

import org.jspecify.annotations.NullMarked;

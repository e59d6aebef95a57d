/**
 * Internals of exposure events: deduplication (Caffeine), the bounded queue and its delivery
 * thread, and the entity-key HMAC. Not API: may change in any release.
 */
@NullMarked
package dev.releaserouter.core.exposure.internal;

import org.jspecify.annotations.NullMarked;

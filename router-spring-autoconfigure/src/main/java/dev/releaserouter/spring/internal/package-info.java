/**
 * Implementation of the Spring integration: the {@code @ShadowV2} post-processor and
 * interceptor and the SpEL request resolver. Not a public API: types here may change in any
 * release.
 */
@NullMarked
package dev.releaserouter.spring.internal;

import org.jspecify.annotations.NullMarked;

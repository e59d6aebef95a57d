/** Rollout implementation details; not API, may change in any release. */
@NullMarked
package dev.releaserouter.core.internal.rollout;

import org.jspecify.annotations.NullMarked;

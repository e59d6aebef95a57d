/**
 * The helpers router-core's feature packages share ({@link
 * dev.releaserouter.core.internal.Throwables}, the fatal-error rule at user-code boundaries, and
 * {@link dev.releaserouter.core.internal.LogText}, values kept on one log line). Each
 * feature keeps its own implementation in its own {@code internal} package. Not API, may change
 * in any release.
 */
@NullMarked
package dev.releaserouter.core.internal;

import org.jspecify.annotations.NullMarked;

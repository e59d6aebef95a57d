/**
 * The one helper router-core's feature packages share ({@link
 * dev.releaserouter.core.internal.Throwables}, the fatal-error rule at user-code boundaries). Each
 * feature keeps its own implementation in its own {@code internal} package. Not API, may change
 * in any release.
 */
@NullMarked
package dev.releaserouter.core.internal;

import org.jspecify.annotations.NullMarked;

/**
 * Release Router's implementation entry points: {@link dev.releaserouter.core.ReleaseRouter} to
 * build a router, {@link dev.releaserouter.core.FlagSources} for flag files, and
 * {@link dev.releaserouter.core.Bucketing}, the assignment wire contract.
 */
@NullMarked
package dev.releaserouter.core;

import org.jspecify.annotations.NullMarked;

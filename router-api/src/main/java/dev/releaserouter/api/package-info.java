/**
 * Public entry points of Release Router: {@link dev.releaserouter.api.Router}, the request it
 * decides on and the decision it answers.
 *
 * <p>Everything in this package is immutable and thread-safe unless a type says otherwise.
 */
@NullMarked
package dev.releaserouter.api;

import org.jspecify.annotations.NullMarked;

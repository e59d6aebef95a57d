/** Implementation of {@code dev.releaserouter.core.release}; not API, may change in any release. */
@NullMarked
package dev.releaserouter.core.internal.release;

import org.jspecify.annotations.NullMarked;

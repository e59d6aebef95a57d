/** Implementation details; not API, may change in any release. */
@NullMarked
package dev.releaserouter.core.internal;

import org.jspecify.annotations.NullMarked;

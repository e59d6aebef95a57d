/** Per-arm measurement windows: lock-free accumulators and the ring that holds them. Not API. */
@NullMarked
package dev.releaserouter.core.internal.measure;

import org.jspecify.annotations.NullMarked;

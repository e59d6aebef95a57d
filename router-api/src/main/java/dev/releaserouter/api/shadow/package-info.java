/**
 * Invoking model versions through the router ({@code route}), shadow (dark-launch) calls, their
 * comparison, and the SPI of the store that keeps PII-free shadow pairs.
 */
@NullMarked
package dev.releaserouter.api.shadow;

import org.jspecify.annotations.NullMarked;

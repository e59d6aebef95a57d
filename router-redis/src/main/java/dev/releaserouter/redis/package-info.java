/**
 * Fleet mode on Redis: implementations of the router's SPIs ({@code dev.releaserouter.api.spi})
 * over Redis with the Lettuce client, so that every instance of a serving app shares one kill
 * switch, one exposure budget, one rollout and one audit trail. See {@code docs/fleet.md}.
 */
@NullMarked
package dev.releaserouter.redis;

import org.jspecify.annotations.NullMarked;

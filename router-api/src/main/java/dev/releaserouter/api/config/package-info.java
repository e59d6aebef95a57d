/**
 * Immutable configuration values (what a flag file or a program declares) and the
 * {@link dev.releaserouter.api.config.FlagSource} SPI that supplies them.
 *
 * <p>Builders validate as they build and throw {@link dev.releaserouter.api.config.ConfigException}
 * naming the field (as a JSON pointer relative to the object being built) and the bad value.
 */
@NullMarked
package dev.releaserouter.api.config;

import org.jspecify.annotations.NullMarked;

/**
 * Support for the parsers of configuration files (flag files here; gate policies, rollout state
 * and release manifests in router-rollout and router-governance): JSON field checks whose every
 * failure is a {@link dev.releaserouter.api.config.ConfigException} naming the source, the JSON
 * pointer and the value, and durations as files write them. Public so that the modules built on
 * router-core parse their files with the same error contract; stateless and thread-safe.
 */
@NullMarked
package dev.releaserouter.core.config;

import org.jspecify.annotations.NullMarked;

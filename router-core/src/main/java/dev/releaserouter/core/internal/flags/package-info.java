/**
 * Flag files: the JSON format ({@link dev.releaserouter.core.internal.flags.FlagFileParser},
 * {@link dev.releaserouter.core.internal.flags.FlagFileWriter}) and the flag sources behind
 * {@link dev.releaserouter.core.FlagSources}. Internal: not part of the public API and may change
 * in any release.
 */
@NullMarked
package dev.releaserouter.core.internal.flags;

import org.jspecify.annotations.NullMarked;
